import Foundation

/// Go's regexp (RE2) on top of NSRegularExpression, for the syntax both share, with Go's
/// replacement-template expansion (`$1`, `${1}`, `$name`, `$$`).
enum GoRegex {
    /// The compiled pattern, kept for the process by `RegexCache`.
    static func compile(_ pattern: String) -> NSRegularExpression? {
        RegexCache.shared.expression(pattern.isEmpty ? "(?:)" : pattern)
    }

    /// Compiles or throws Go's error: `error parsing regexp: CODE: `ARG`` for the `must*`
    /// functions, wrapped as regexp.MustCompile's panic (`regexp: Compile(…): …`) otherwise.
    static func compileOrThrow(_ pattern: String, must: Bool) throws -> NSRegularExpression {
        if let re = compile(pattern) { return re }
        let message = "error parsing regexp: " + syntaxError(pattern)
        if must { throw FunctionError(message) }
        throw FunctionError("regexp: Compile(\(backquote(pattern))): \(message)")
    }

    /// strconv.Quote unless the text can be backquoted, as regexp's panic message does.
    static func backquote(_ s: String) -> String {
        let ok = s.unicodeScalars.allSatisfy { $0 != "`" && $0 != "\u{FEFF}" && ($0 == "\t" || $0.value >= 0x20 && $0.value != 0x7F) }
        return ok ? "`\(s)`" : GoQuote.quote(s)
    }

    /// The RE2 error code and argument for the common syntax errors, in regexp/syntax's words.
    static func syntaxError(_ p: String) -> String {
        let u = Array(p.unicodeScalars)
        var depth = 0
        var i = 0
        var canRepeat = false
        while i < u.count {
            let c = u[i]
            switch c {
            case "\\":
                if i + 1 >= u.count { return "trailing backslash at end of expression: ``" }
                i += 2; canRepeat = true; continue
            case "[":
                var j = i + 1
                if j < u.count, u[j] == "^" { j += 1 }
                if j < u.count, u[j] == "]" { j += 1 }
                while j < u.count, u[j] != "]" { if u[j] == "\\" { j += 1 }; j += 1 }
                if j >= u.count { return "missing closing ]: `\(String(String.UnicodeScalarView(u[i...])))`" }
                i = j + 1; canRepeat = true; continue
            case "(":
                depth += 1; canRepeat = false
            case ")":
                if depth == 0 { return "unexpected ): `\(p)`" }
                depth -= 1; canRepeat = true
            case "*", "+", "?":
                if !canRepeat {
                    var op = String(c)
                    if i + 1 < u.count, u[i + 1] == "?" { op += "?" }
                    return "missing argument to repetition operator: `\(op)`"
                }
                canRepeat = false
                if i + 1 < u.count, u[i + 1] == "?" { i += 1 }
            case "|":
                canRepeat = false
            default:
                canRepeat = true
            }
            i += 1
        }
        if depth > 0 { return "missing closing ): `\(p)`" }
        return "invalid or unsupported Perl syntax: `\(p)`"
    }

    static func matches(_ pattern: String, _ s: String) -> Bool? {
        guard let re = compile(pattern) else { return nil }
        return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    static func replaceAll(_ pattern: String, in s: String, with repl: String, literal: Bool, must: Bool = false) throws -> String {
        let re = try compileOrThrow(pattern, must: must)
        let ns = s as NSString
        var out = ""
        var last = 0
        for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += literal ? repl : expand(repl, m, ns, re)
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }

    /// regexp.Expand: `$` followed by the longest run of letters, digits and underscores names a
    /// group (numbers are indexes); `${name}` delimits it; `$$` is a dollar. Unknown groups expand to "".
    static func expand(_ template: String, _ m: NSTextCheckingResult, _ s: NSString, _ re: NSRegularExpression) -> String {
        var out = ""
        let t = Array(template.unicodeScalars)
        var i = 0
        func group(_ name: String) -> String {
            if let n = Int(name) {
                guard n < m.numberOfRanges, m.range(at: n).location != NSNotFound else { return "" }
                return s.substring(with: m.range(at: n))
            }
            let r = m.range(withName: name)
            return r.location == NSNotFound ? "" : s.substring(with: r)
        }
        while i < t.count {
            if t[i] != "$" { out.unicodeScalars.append(t[i]); i += 1; continue }
            i += 1
            guard i < t.count else { out += "$"; break }
            if t[i] == "$" { out += "$"; i += 1; continue }
            if t[i] == "{" {
                var j = i + 1
                var name = ""
                while j < t.count, t[j] != "}" { name.unicodeScalars.append(t[j]); j += 1 }
                if j < t.count, !name.isEmpty, name.unicodeScalars.allSatisfy(isWordChar) {
                    out += group(name)
                    i = j + 1
                } else {
                    out += "$"
                }
                continue
            }
            var name = ""
            while i < t.count, isWordChar(t[i]) { name.unicodeScalars.append(t[i]); i += 1 }
            if name.isEmpty { out += "$" } else { out += group(name) }
        }
        return out
    }

    static func isWordChar(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c >= "0" && c <= "9") || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
    }
}
