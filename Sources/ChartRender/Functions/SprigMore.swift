import Foundation

/// The rest of Sprig's non-crypto, non-time functions: string casing and abbreviation, regex
/// search and split, paths, reflection, float math and sequences, list slicing, base32, adler32,
/// URLs and DNS, with the `must*` variants that return errors instead of panicking.
enum SprigMore {
    typealias F = TemplateFunction
    static let s = SprigConvert.self
    static func str(_ v: Value) -> String { v.stringValue ?? "" }
    static func int(_ v: Value) -> Int {
        switch v {
        case .int(let i): i
        case .int64(let i): Int(i)
        default: Int(SprigConvert.int64(v))
        }
    }

    static let functions: [TemplateFunction] = strings + regex + paths + reflection + math + lists + encoding + network

    // MARK: strings

    static let strings: [TemplateFunction] = [
        F("hello") { _, _ in .string("Hello!") },
        F("trimall", [.string, .string]) { a, _ in .string(SprigCore.trimSet(str(a[1]), Set(str(a[0]).unicodeScalars), left: true, right: true)) },
        F("untitle", [.string]) { a, _ in .string(untitle(str(a[0]))) },
        F("substr", [.int, .int, .string]) { a, _ in .string(try substring(int(a[0]), int(a[1]), str(a[2]))) },
        F("abbrev", [.int, .string]) { a, _ in
            let w = int(a[0])
            return w < 4 ? a[1] : .string(abbreviate(str(a[1]), offset: 0, width: w))
        },
        F("abbrevboth", [.int, .int, .string]) { a, _ in
            let (l, r) = (int(a[0]), int(a[1]))
            if r < 4 || l > 0 && r < 7 { return a[2] }
            return .string(abbreviate(str(a[2]), offset: l, width: r))
        },
        F("initials", [.string]) { a, _ in
            var out = String.UnicodeScalarView()
            var gap = true
            // goutils walks bytes, so a multi-byte initial comes out as its first byte's rune.
            for b in str(a[0]).utf8 {
                let u = Unicode.Scalar(b)
                if SprigCore.goSpace.contains(u) { gap = true } else if gap { out.append(u); gap = false }
            }
            return .string(String(out))
        },
        F("plural", [.string, .string, .int]) { a, _ in int(a[2]) == 1 ? a[0] : a[1] },
        F("snakecase", [.string]) { a, _ in .string(delimited(str(a[0]), "_")) },
        F("kebabcase", [.string]) { a, _ in .string(delimited(str(a[0]), "-")) },
        F("camelcase", [.string]) { a, _ in .string(camelCase(str(a[0]))) },
        F("swapcase", [.string]) { a, _ in .string(swapCase(str(a[0]))) },
        F("wrap", [.int, .string]) { a, _ in .string(wrap(str(a[1]), int(a[0]), newline: "\n", long: false)) },
        F("wrapWith", [.int, .string, .string]) { a, _ in .string(wrap(str(a[2]), int(a[0]), newline: str(a[1]), long: true)) },
        F("splitn", [.string, .int, .string]) { a, _ in
            var m: [String: Value] = [:]
            for (i, p) in splitN(str(a[2]), str(a[0]), int(a[1])).enumerated() { m["_\(i)"] = .string(p) }
            return .map(m, element: .string)
        },
        F("shuffle", [.string]) { a, _ in .string(String(str(a[0]).unicodeScalars.shuffled().map(Character.init))) },
    ]

    static func untitle(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var space = true
        for u in s.unicodeScalars {
            if space, u.properties.isUppercase || u.properties.generalCategory == .titlecaseLetter {
                out.append(contentsOf: String(u).lowercased().unicodeScalars)
            } else {
                out.append(u)
            }
            space = SprigCore.goSpace.contains(u)
        }
        return String(out)
    }

    /// Sprig's substr: byte offsets; a negative start means 0, an end past the string means the end.
    static func substring(_ start: Int, _ end: Int, _ s: String) throws -> String {
        let b = Array(s.utf8)
        if start < 0 { return String(decoding: b[0..<min(max(end, 0), b.count)], as: UTF8.self) }
        if end < 0 || end > b.count {
            guard start <= b.count else { throw FunctionError("runtime error: slice bounds out of range [\(start):\(b.count)]") }
            return String(decoding: b[start...], as: UTF8.self)
        }
        guard start <= end else { throw FunctionError("runtime error: slice bounds out of range [\(start):\(end)]") }
        return String(decoding: b[start..<end], as: UTF8.self)
    }

    /// goutils.AbbreviateFull on bytes; width ≥ 4 is checked by the callers.
    static func abbreviate(_ s: String, offset: Int, width: Int) -> String {
        let b = Array(s.utf8)
        func text(_ r: Range<Int>) -> String { String(decoding: b[r], as: UTF8.self) }
        if b.isEmpty || b.count <= width { return s }
        var off = min(offset, b.count)
        if b.count - off < width - 3 { off = b.count - (width - 3) }
        if off <= 4 { return text(0..<(width - 3)) + "..." }
        if width < 7 { return "" }
        if off + width - 3 < b.count { return "..." + abbreviate(text(off..<b.count), offset: 0, width: width - 3) }
        return "..." + text((b.count - (width - 3))..<b.count)
    }

    static func isConnector(_ u: Unicode.Scalar) -> Bool { u == "-" || u == "_" || SprigCore.goSpace.contains(u) }

    /// xstrings.ToCamelCase: connectors dropped, the letter after one upper-cased, the rest lowered;
    /// leading connectors kept.
    static func camelCase(_ s: String) -> String {
        var u = Array(s.unicodeScalars)[...]
        guard !u.isEmpty else { return "" }
        var out = String.UnicodeScalarView()
        var r0: Unicode.Scalar = " "
        while let c = u.first {
            u = u.dropFirst()
            if !isConnector(c) { r0 = upper(c); break }
            out.append(c)
            r0 = c
        }
        if u.isEmpty {
            out.append(r0)
            return String(out)
        }
        while let c = u.first {
            u = u.dropFirst()
            let r1 = r0
            r0 = c
            if isConnector(r0) && isConnector(r1) { out.append(r1); continue }
            if isConnector(r1) { r0 = upper(r0) } else { r0 = lower(r0); out.append(r1) }
        }
        out.append(r0)
        return String(out)
    }

    static func upper(_ u: Unicode.Scalar) -> Unicode.Scalar { String(u).uppercased().unicodeScalars.first ?? u }
    static func lower(_ u: Unicode.Scalar) -> Unicode.Scalar { String(u).lowercased().unicodeScalars.first ?? u }

    /// xstrings' word classes for ToSnakeCase/ToKebabCase.
    enum WordKind { case invalid, connector, punct, upper, alphabet, number, other }

    static func isLetter(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }
    static func isAlphabet(_ u: Unicode.Scalar) -> Bool { isLetter(u) && !(u.value >= 0x4E00 && u.value <= 0x9FCC) }
    static func isPunct(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: true
        default: false
        }
    }
    static func isNumber(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    /// xstrings.nextWord: the class and extent of the word at the start of `s`.
    static func nextWord(_ s: ArraySlice<Unicode.Scalar>) -> (WordKind, ArraySlice<Unicode.Scalar>, ArraySlice<Unicode.Scalar>) {
        guard let r = s.first else { return (.invalid, [], []) }
        var i = s.startIndex + 1
        func run(_ ok: (Unicode.Scalar) -> Bool) { while i < s.endIndex, ok(s[i]) { i += 1 } }
        let kind: WordKind
        if isConnector(r) {
            kind = .connector; run(isConnector)
        } else if isPunct(r) {
            kind = .punct; run(isPunct)
        } else if r.properties.isUppercase {
            kind = .upper
            if i < s.endIndex {
                if s[i].properties.isUppercase {
                    run { $0.properties.isUppercase }
                    // "HTTPStatus": the S starts the next word.
                    if i < s.endIndex, isAlphabet(s[i]) { i -= 1 }
                } else if isAlphabet(s[i]) {
                    run { isAlphabet($0) && !$0.properties.isUppercase }
                }
            }
        } else if isAlphabet(r) {
            kind = .alphabet; run { isAlphabet($0) && !$0.properties.isUppercase }
        } else if isNumber(r) {
            kind = .number; run(isNumber)
        } else {
            kind = .other; run { !(isConnector($0) || isAlphabet($0) || isNumber($0) || isPunct($0)) }
        }
        return (kind, s[s.startIndex..<i], s[i...])
    }

    /// xstrings.camelCaseToLowerCase (ToSnakeCase with `_`, ToKebabCase with `-`).
    static func delimited(_ str: String, _ sep: Unicode.Scalar) -> String {
        let all = Array(str.unicodeScalars)
        if all.isEmpty { return "" }
        var out = String.UnicodeScalarView()
        func lower(_ k: WordKind, _ w: ArraySlice<Unicode.Scalar>) {
            if k != .upper && k != .connector { out.append(contentsOf: w); return }
            for u in w {
                if isConnector(u) { out.append(sep) } else if u.properties.isUppercase { out.append(SprigMore.lower(u)) } else { out.append(u) }
            }
        }
        var (wt, word, rest) = nextWord(all[...])
        while !rest.isEmpty {
            if wt != .connector { lower(wt, word) }
            let prev = wt, last = word
            (wt, word, rest) = nextWord(rest)
            switch prev {
            case .number:
                while wt == .alphabet || wt == .number { lower(wt, word); (wt, word, rest) = nextWord(rest) }
                if wt != .invalid && wt != .punct && wt != .connector { out.append(sep) }
            case .connector:
                lower(prev, last)
            case .punct:
                break
            default:
                if wt != .number {
                    if wt != .connector && wt != .punct { out.append(sep) }
                    break
                }
                if rest.isEmpty { break }
                let num = word
                (wt, word, rest) = nextWord(rest)
                if wt != .alphabet {
                    lower(.number, num)
                    if wt != .connector && wt != .punct { out.append(sep) }
                    break
                }
                out.append(sep)
                lower(.number, num)
                while wt == .alphabet || wt == .number { lower(wt, word); (wt, word, rest) = nextWord(rest) }
                if wt != .invalid && wt != .connector && wt != .punct { out.append(sep) }
            }
        }
        lower(wt, word)
        return String(out)
    }

    /// goutils.SwapCase: upper ↔ lower, and a lower-case letter after whitespace becomes title case.
    static func swapCase(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var white = true
        for u in s.unicodeScalars {
            if u.properties.isUppercase || u.properties.generalCategory == .titlecaseLetter {
                out.append(lower(u)); white = false
            } else if u.properties.isLowercase {
                out.append(upper(u)); white = false
            } else {
                out.append(u); white = SprigCore.goSpace.contains(u)
            }
        }
        return String(out)
    }

    /// goutils.WrapCustom: break at the last space within the width; long words split only when asked.
    static func wrap(_ s: String, _ width: Int, newline: String, long: Bool) -> String {
        if s.isEmpty { return "" }
        let w = max(width, 1)
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var offset = 0
        let nl = Array(newline.utf8)
        while b.count - offset > w {
            if b[offset] == 32 { offset += 1; continue }
            var spaceAt = -1
            var j = min(offset + w, b.count - 1)
            while j >= offset { if b[j] == 32 { spaceAt = j; break }; j -= 1 }
            if spaceAt >= offset {
                out += b[offset..<spaceAt] + nl
                offset = spaceAt + 1
            } else if long {
                out += b[offset..<(offset + w)] + nl
                offset += w
            } else {
                var k = offset + w
                while k < b.count, b[k] != 32 { k += 1 }
                if k < b.count {
                    out += b[offset..<k] + nl
                    offset = k + 1
                } else {
                    out += b[offset...]
                    offset = b.count
                }
            }
        }
        out += b[offset...]
        return String(decoding: out, as: UTF8.self)
    }

    /// strings.SplitN.
    static func splitN(_ s: String, _ sep: String, _ n: Int) -> [String] {
        if n == 0 { return [] }
        let all = SprigCore.goSplit(s, sep)
        if n < 0 || all.count <= n { return all }
        return Array(all[..<(n - 1)]) + [all[(n - 1)...].joined(separator: sep)]
    }

    // MARK: regular expressions

    static func compile(_ p: String, must: Bool) throws -> NSRegularExpression {
        try GoRegex.compileOrThrow(p, must: must)
    }

    static func findAll(_ p: String, _ s: String, _ n: Int, must: Bool) throws -> [String]? {
        let re = try compile(p, must: must)
        let ns = s as NSString
        var out: [String] = []
        var lastEnd = -1
        for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            if n >= 0 && out.count >= n { break }
            // Go ignores an empty match that abuts the previous match.
            if m.range.length == 0 && m.range.location == lastEnd { continue }
            out.append(ns.substring(with: m.range))
            lastEnd = m.range.location + m.range.length
        }
        return out.isEmpty ? nil : out
    }

    static func split(_ p: String, _ s: String, _ n: Int, must: Bool) throws -> [String]? {
        let re = try compile(p, must: must)
        if n == 0 { return nil }
        if !p.isEmpty && s.isEmpty { return [""] }
        let ns = s as NSString
        var out: [String] = []
        var beg = 0, end = 0, lastEnd = -1
        for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            if m.range.length == 0 && m.range.location == lastEnd { continue }
            lastEnd = m.range.location + m.range.length
            if n > 0 && out.count == n - 1 { break }
            end = m.range.location
            if m.range.location + m.range.length != 0 { out.append(ns.substring(with: NSRange(location: beg, length: end - beg))) }
            beg = m.range.location + m.range.length
        }
        if end != ns.length { out.append(ns.substring(from: beg)) }
        return out
    }

    /// A Go []string; nil prints as `[]` and encodes as JSON `null`.
    static func strings(_ l: [String]?) -> Value {
        guard let l else { return .null }
        return .list(l.map { .string($0) }, element: .string)
    }

    static let regex: [TemplateFunction] = [
        F("regexFind", [.string, .string]) { a, _ in .string(try findAll(str(a[0]), str(a[1]), 1, must: false)?.first ?? "") },
        F("mustRegexFind", [.string, .string]) { a, _ in .string(try findAll(str(a[0]), str(a[1]), 1, must: true)?.first ?? "") },
        F("regexFindAll", [.string, .string, .int]) { a, _ in strings(try findAll(str(a[0]), str(a[1]), int(a[2]), must: false)) },
        F("mustRegexFindAll", [.string, .string, .int]) { a, _ in strings(try findAll(str(a[0]), str(a[1]), int(a[2]), must: true)) },
        F("regexSplit", [.string, .string, .int]) { a, _ in strings(try split(str(a[0]), str(a[1]), int(a[2]), must: false)) },
        F("mustRegexSplit", [.string, .string, .int]) { a, _ in strings(try split(str(a[0]), str(a[1]), int(a[2]), must: true)) },
        F("mustRegexReplaceAll", [.string, .string, .string]) { a, _ in
            .string(try GoRegex.replaceAll(str(a[0]), in: str(a[1]), with: str(a[2]), literal: false, must: true))
        },
        F("mustRegexReplaceAllLiteral", [.string, .string, .string]) { a, _ in
            .string(try GoRegex.replaceAll(str(a[0]), in: str(a[1]), with: str(a[2]), literal: true, must: true))
        },
        F("regexQuoteMeta", [.string]) { a, _ in
            let special = Set("\\.+*?()|[]{}^$".unicodeScalars)
            var out = String.UnicodeScalarView()
            for u in str(a[0]).unicodeScalars {
                if special.contains(u) { out.append("\\") }
                out.append(u)
            }
            return .string(String(out))
        },
    ]

    // MARK: paths (Go's path and, on Linux, path/filepath)

    static func clean(_ p: String) -> String {
        if p.isEmpty { return "." }
        let rooted = p.hasPrefix("/")
        var out: [Substring] = []
        for part in p.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let l = out.last, l != ".." { out.removeLast() } else if !rooted { out.append(part) }
                continue
            }
            out.append(part)
        }
        let r = (rooted ? "/" : "") + out.joined(separator: "/")
        return r.isEmpty ? "." : r
    }

    static func base(_ p0: String) -> String {
        var p = p0
        if p.isEmpty { return "." }
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        if p == "/" { return "/" }
        if let i = p.lastIndex(of: "/") { return String(p[p.index(after: i)...]) }
        return p
    }

    static func dir(_ p: String) -> String {
        guard let i = p.lastIndex(of: "/") else { return "." }
        return clean(String(p[...i]))
    }

    static func ext(_ p: String) -> String {
        for i in p.indices.reversed() {
            if p[i] == "/" { break }
            if p[i] == "." { return String(p[i...]) }
        }
        return ""
    }

    static let paths: [TemplateFunction] = {
        let fs: [(String, @Sendable (String) -> Value)] = [
            ("base", { .string(base($0)) }), ("dir", { .string(dir($0)) }), ("clean", { .string(clean($0)) }),
            ("ext", { .string(ext($0)) }), ("isAbs", { .bool($0.hasPrefix("/")) }),
        ]
        return fs.flatMap { name, body in
            let osName = "os" + name.prefix(1).uppercased() + name.dropFirst()
            return [F(name, [.string]) { a, _ in body(str(a[0])) }, F(osName, [.string]) { a, _ in body(str(a[0])) }]
        }
    }()

    // MARK: reflection

    static let reflection: [TemplateFunction] = [
        F("typeOf", [.interface]) { a, _ in .string(a[0].typeName) },
        F("kindOf", [.interface]) { a, _ in .string(a[0].goType?.kind ?? "invalid") },
        F("typeIs", [.string, .interface]) { a, _ in .bool(str(a[0]) == a[1].typeName) },
        F("typeIsLike", [.string, .interface]) { a, _ in
            let t = a[1].typeName
            return .bool(str(a[0]) == t || "*" + str(a[0]) == t)
        },
        F("kindIs", [.string, .interface]) { a, _ in .bool(str(a[0]) == (a[1].goType?.kind ?? "invalid")) },
        F("deepEqual", [.interface, .interface]) { a, _ in .bool(a[0].deepEquals(a[1]) && a[0].typeName == a[1].typeName) },
    ]

    // MARK: math

    /// shopspring/decimal as Sprig uses it: each float goes through its shortest decimal text,
    /// the operation runs in decimal, and the result is converted back to float64.
    static func decimalOp(_ first: Value, _ rest: [Value], _ op: (Decimal, Decimal) -> Decimal) -> Value {
        func dec(_ v: Value) -> Decimal { Decimal(string: "\(s.float64(v))") ?? 0 }
        var acc = dec(first)
        for v in rest { acc = op(acc, dec(v)) }
        return .float(Double("\(acc)") ?? 0)
    }

    static func untilStep(_ start: Int, _ stop: Int, _ step: Int) -> [Int] {
        if stop < start {
            guard step < 0 else { return [] }
            return Array(stride(from: start, to: stop, by: step))
        }
        guard step > 0 else { return [] }
        return Array(stride(from: start, to: stop, by: step))
    }

    static func ints(_ l: [Int]) -> Value { .list(l.map { .int($0) }, element: .int) }

    static let math: [TemplateFunction] = [
        F("add1f", [.interface]) { a, _ in decimalOp(a[0], [.int(1)], +) },
        F("addf", variadic: .interface) { a, _ in decimalOp(.float(0), a, +) },
        F("subf", [.interface], variadic: .interface) { a, _ in decimalOp(a[0], Array(a.dropFirst()), -) },
        F("mulf", [.interface], variadic: .interface) { a, _ in decimalOp(a[0], Array(a.dropFirst()), *) },
        F("divf", [.interface], variadic: .interface) { a, _ in
            for d in a.dropFirst() where s.float64(d) == 0 { throw FunctionError("decimal division by 0") }
            return decimalOp(a[0], Array(a.dropFirst()), /)
        },
        F("maxf", [.interface], variadic: .interface) { a, _ in .float(a.dropFirst().reduce(s.float64(a[0])) { Swift.max($0, s.float64($1)) }) },
        F("minf", [.interface], variadic: .interface) { a, _ in .float(a.dropFirst().reduce(s.float64(a[0])) { Swift.min($0, s.float64($1)) }) },
        F("biggest", [.interface], variadic: .interface) { a, _ in .int64(a.map { s.int64($0) }.max() ?? 0) },
        F("floor", [.interface]) { a, _ in .float(s.float64(a[0]).rounded(.down)) },
        F("ceil", [.interface]) { a, _ in .float(s.float64(a[0]).rounded(.up)) },
        F("round", [.interface, .int], variadic: .float64) { a, _ in
            let on = a.count > 2 ? s.float64(a[2]) : 0.5
            let pow = Foundation.pow(10, Double(int(a[1])))
            let digit = pow * s.float64(a[0])
            let frac = digit - digit.rounded(.towardZero)
            return .float((frac >= on ? digit.rounded(.up) : digit.rounded(.down)) / pow)
        },
        F("toDecimal", [.interface]) { a, _ in .int64(Int64(GoFmt.format(a[0]), radix: 8) ?? 0) },
        F("until", [.int]) { a, _ in
            let n = int(a[0])
            return ints(untilStep(0, n, n < 0 ? -1 : 1))
        },
        F("untilStep", [.int, .int, .int]) { a, _ in ints(untilStep(int(a[0]), int(a[1]), int(a[2]))) },
        F("seq", variadic: .int) { a, _ in
            let p = a.map(int)
            let r: [Int]
            switch p.count {
            case 1: let inc = p[0] < 1 ? -1 : 1; r = untilStep(1, p[0] + inc, inc)
            case 2: let step = p[1] < p[0] ? -1 : 1; r = untilStep(p[0], p[1] + step, step)
            case 3:
                if p[2] < p[0] && p[1] > 0 { return .string("") }
                r = untilStep(p[0], p[2] + (p[2] < p[0] ? -1 : 1), p[1])
            default: return .string("")
            }
            return .string(r.map(String.init).joined(separator: " "))
        },
        F("randInt", [.int, .int]) { a, _ in
            let (lo, hi) = (int(a[0]), int(a[1]))
            guard hi > lo else { throw FunctionError("invalid argument to Intn") }
            return .int(Int.random(in: lo..<hi))
        },
    ]

    // MARK: lists

    static func chunk(_ size: Int, _ v: Value) throws -> Value {
        guard case .list(let l, _) = v else { throw FunctionError("Cannot chunk type \(s.kind(v))") }
        guard size > 0 else { throw FunctionError("runtime error: integer divide by zero") }
        var out: [Value] = []
        var i = 0
        while i < l.count {
            out.append(.list(Array(l[i..<Swift.min(i + size, l.count)])))
            i += size
        }
        return .list(out, element: .slice(.interface))
    }

    static func slice(_ v: Value, _ idx: [Value]) throws -> Value {
        guard case .list(let l, let e) = v else { throw FunctionError("list should be type of slice or array but \(s.kind(v))") }
        if l.isEmpty { return .null }
        let start = idx.count > 0 ? int(idx[0]) : 0
        let end = idx.count > 1 ? int(idx[1]) : l.count
        guard start >= 0, start <= end, end <= l.count else {
            throw FunctionError("reflect.Value.Slice: slice index out of bounds")
        }
        return .list(Array(l[start..<end]), element: e)
    }

    /// Sprig's must* forms return the error their plain form panics with; both reach the
    /// template as the same error here, so they share the plain function's body.
    static func mustForms(of functions: [TemplateFunction], _ names: Set<String>) -> [TemplateFunction] {
        functions.filter { names.contains($0.name) }.map { f in
            TemplateFunction("must" + f.name.prefix(1).uppercased() + f.name.dropFirst(), f.parameters, variadic: f.variadic, f.body)
        }
    }

    static let mustLists: [TemplateFunction] =
        mustForms(of: SprigCore.lists, ["append", "push", "prepend", "first", "last", "rest", "initial", "reverse", "uniq", "compact", "without", "has"])
        + mustForms(of: SprigCore.dicts, ["merge", "mergeOverwrite"])

    static let chunkAndSlice: [TemplateFunction] = [
        F("chunk", [.int, .interface]) { a, _ in try chunk(int(a[0]), a[1]) },
        F("slice", [.interface], variadic: .interface) { a, _ in try slice(a[0], Array(a.dropFirst())) },
    ]

    static let lists: [TemplateFunction] = mustLists + chunkAndSlice + mustForms(of: chunkAndSlice, ["chunk", "slice"]) + [
        F("tuple", variadic: .interface) { a, _ in .list(a) },
        F("mustFromJson", [.string]) { a, _ in
            do { return try JSONValueParser.parse(str(a[0])) } catch let e as JSONValueParser.SyntaxError { throw FunctionError(e.message) }
        },
        F("pluck", [.string], variadic: .map(.interface)) { a, _ in
            var out: [Value] = []
            for case .map(let m, _) in a.dropFirst() { if let v = m[str(a[0])] { out.append(v) } }
            return .list(out)
        },
        F("mustDeepCopy", [.interface]) { a, _ in
            if a[0].isNull { throw FunctionError("copy: Copy(nil)") }
            return a[0]
        },
        F("mustToPrettyJson", [.interface]) { a, _ in
            guard let j = GoJSON.encode(a[0], indent: "  ") else { throw FunctionError("json: unsupported value: \(GoFmt.format(a[0]))") }
            return .string(j)
        },
        F("mustToRawJson", [.interface]) { a, _ in
            guard let j = GoJSON.encode(a[0], escapeHTML: false) else { throw FunctionError("json: unsupported value: \(GoFmt.format(a[0]))") }
            return .string(j)
        },
    ]

    // MARK: encoding

    static let base32Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func base32Encode(_ d: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < d.count {
            let chunk = Array(d[i..<Swift.min(i + 5, d.count)])
            var bits: UInt64 = 0
            for j in 0..<5 { bits = bits << 8 | UInt64(j < chunk.count ? chunk[j] : 0) }
            let chars = [0, 2, 4, 5, 7, 8][chunk.count]
            for j in 0..<8 { out.append(j < chars ? base32Alphabet[Int((bits >> UInt64(35 - 5 * j)) & 31)] : UInt8(ascii: "=")) }
            i += 5
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func base32Decode(_ s: String) -> [UInt8]? {
        let b = Array(s.utf8).filter { $0 != 10 && $0 != 13 }
        guard b.count % 8 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            var bits: UInt64 = 0
            var n = 0
            for j in 0..<8 {
                let c = b[i + j]
                if c == UInt8(ascii: "=") { bits <<= 5; continue }
                guard n == j, let v = base32Alphabet.firstIndex(of: c) else { return nil }
                bits = bits << 5 | UInt64(v)
                n += 1
            }
            guard let bytes = [0: 0, 2: 1, 4: 2, 5: 3, 7: 4, 8: 5][n], n == 8 || i + 8 == b.count else { return nil }
            for j in 0..<bytes { out.append(UInt8((bits >> UInt64(32 - 8 * j)) & 0xff)) }
            i += 8
        }
        return out
    }

    static let encoding: [TemplateFunction] = [
        F("b32enc", [.string]) { a, _ in .string(base32Encode(Array(str(a[0]).utf8))) },
        F("b32dec", [.string]) { a, _ in
            guard let d = base32Decode(str(a[0])) else { return .string("illegal base32 data at input byte 0") }
            return .string(String(decoding: d, as: UTF8.self))
        },
        F("adler32sum", [.string]) { a, _ in
            var (x, y): (UInt32, UInt32) = (1, 0)
            for b in str(a[0]).utf8 { x = (x + UInt32(b)) % 65521; y = (y + x) % 65521 }
            return .string(String(y << 16 | x))
        },
    ]

    // MARK: urls and DNS

    static func urlField(_ m: [String: Value], _ k: String) throws -> String {
        guard let v = m[k] else { return "" }
        guard case .string(let s) = v else {
            throw FunctionError("unable to parse \(k) key, must be of type string, but \(s.kind(v)) found")
        }
        return s
    }

    static let network: [TemplateFunction] = [
        F("urlParse", [.string]) { a, _ in
            let raw = str(a[0])
            guard let c = URLComponents(string: raw) else { throw FunctionError("unable to parse url: parse \(GoQuote.quote(raw)): invalid URL") }
            var host = c.percentEncodedHost ?? ""
            if let p = c.port { host += ":\(p)" }
            var user = ""
            if let u = c.percentEncodedUser { user = u + (c.percentEncodedPassword.map { ":" + $0 } ?? "") }
            return .map([
                "scheme": .string(c.scheme ?? ""), "host": .string(host), "hostname": .string((c.host ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))),
                "path": .string(c.path), "query": .string(c.percentEncodedQuery ?? ""), "opaque": .string(""),
                "fragment": .string(c.fragment ?? ""), "userinfo": .string(user),
            ])
        },
        F("urlJoin", [.map(.interface)]) { a, _ in
            guard case .map(let m, _) = a[0] else { return .string("") }
            var out = ""
            let scheme = try urlField(m, "scheme"), host = try urlField(m, "host"), user = try urlField(m, "userinfo")
            if !scheme.isEmpty { out += scheme + ":" }
            if !scheme.isEmpty || !host.isEmpty || !user.isEmpty {
                out += "//"
                if !user.isEmpty { out += user + "@" }
                out += host
            }
            let path = try urlField(m, "path")
            if !path.isEmpty, !path.hasPrefix("/"), !host.isEmpty { out += "/" }
            out += path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
            let q = try urlField(m, "query"), f = try urlField(m, "fragment")
            if !q.isEmpty { out += "?" + q }
            if !f.isEmpty { out += "#" + (f.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed) ?? f) }
            return .string(out)
        },
        F("getHostByName", [.string]) { a, _ in
            let addrs = resolve(str(a[0]))
            guard let pick = addrs.randomElement() else {
                throw FunctionError("runtime error: no address found for \(GoQuote.quote(str(a[0])))")
            }
            return .string(pick)
        },
    ]

    /// net.LookupHost through the system resolver: IPv4 and IPv6 addresses as text.
    static func resolve(_ name: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &res) == 0, let first = res else { return [] }
        defer { freeaddrinfo(first) }
        var out: [String] = []
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let ai = p {
            var buf = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(ai.pointee.ai_addr, ai.pointee.ai_addrlen, &buf, socklen_t(buf.count), nil, 0, NI_NUMERICHOST) == 0 {
                let s = String(cString: buf)
                if !out.contains(s) { out.append(s) }
            }
            p = ai.pointee.ai_next
        }
        return out
    }
}
