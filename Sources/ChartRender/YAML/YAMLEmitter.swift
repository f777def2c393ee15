/// Writes values as YAML exactly as Helm's `toYaml` does (JSON → go-yaml v2 → libyaml's
/// emitter): sorted keys, indentless sequences under keys, literal blocks for multi-line
/// strings, quoting only where a plain scalar would read back differently, folding at 80 columns.
struct YAMLEmitter {
    private var out = ""
    private var column = 0
    private var whitespace = true
    private var indention = true
    private let bestWidth = 80
    private let bestIndent = 2
    /// go-yaml v3 directly on the values (Helm's toYamlPretty): sequences under keys indented
    /// and floats in Go's %g form, where v2 after the JSON round trip does neither.
    private var pretty = false

    static func emit(_ v: Value, pretty: Bool = false) -> String {
        var e = YAMLEmitter()
        e.pretty = pretty
        e.node(v, indent: -1, context: .top)
        // A literal block already ends with its line break.
        if !e.out.hasSuffix("\n") { e.out += "\n" }
        return e.out
    }

    private enum Context { case top, mappingValue, sequenceItem }

    // MARK: structure

    private mutating func node(_ v: Value, indent: Int, context: Context) {
        if case .object(let o) = v, let fields = o.jsonFields {
            node(.map(fields), indent: indent, context: context)
            return
        }
        switch v {
        case .map(let m, _) where !m.isEmpty:
            let myIndent = indent < 0 ? 0 : indent + bestIndent
            for (k, val) in m.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                writeIndent(myIndent)
                scalar(k, indent: myIndent, simpleKey: true)
                writeIndicator(":", needWhitespace: false, isWhitespace: false, isIndention: false)
                node(val, indent: myIndent, context: .mappingValue)
            }
        case .list(let l, _) where !l.isEmpty:
            // Sequences under a key are indentless.
            let indentless = !pretty && context == .mappingValue && !indention
            let myIndent = indent < 0 ? 0 : (indentless ? indent : indent + bestIndent)
            for item in l {
                writeIndent(myIndent)
                writeIndicator("-", needWhitespace: true, isWhitespace: false, isIndention: true)
                node(item, indent: myIndent, context: .sequenceItem)
            }
        case .map:
            writeIndicator("{", needWhitespace: true, isWhitespace: true, isIndention: false)
            writeIndicator("}", needWhitespace: false, isWhitespace: false, isIndention: false)
        case .list:
            writeIndicator("[", needWhitespace: true, isWhitespace: true, isIndention: false)
            writeIndicator("]", needWhitespace: false, isWhitespace: false, isIndention: false)
        case .string(let s):
            scalar(s, indent: indent < 0 ? bestIndent : indent + bestIndent, simpleKey: false)
        case .float(let d) where pretty:
            plain(d.isNaN ? ".nan" : d.isInfinite ? (d < 0 ? "-.inf" : ".inf") : FloatFormat.shortestG(d), allowBreaks: false)
        default:
            plain(YAMLEmitter.text(of: v), allowBreaks: false)
        }
    }

    /// The plain text of a non-string scalar after Helm's JSON round trip.
    static func text(of v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .int64(let i): return String(i)
        case .float(let d):
            // encoding/json writes integral floats below 1e21 as integers; go-yaml reads them back so.
            if d.isFinite && d == d.rounded() && Swift.abs(d) < 1e21 {
                if Swift.abs(d) < 9.2e18 { return String(Int64(d)) }
                if d > 0 && d < 1.8e19 { return String(UInt64(d)) }
            }
            return FloatFormat.shortestG(d)
        case .object(let o): return o.formatted
        default: return GoFmt.format(v)
        }
    }

    // MARK: low-level writes (libyaml's emitter)

    private mutating func put(_ s: String) {
        out += s
        column += s.unicodeScalars.count
    }

    /// One scalar (column counts scalars, as libyaml's does).
    private mutating func putScalar(_ c: Unicode.Scalar) {
        out.unicodeScalars.append(c)
        column += 1
    }

    private mutating func putBreak() {
        out += "\n"
        column = 0
    }

    private mutating func writeIndent(_ indent: Int) {
        let indent = max(indent, 0)
        if !indention || column > indent || (column == indent && !whitespace) { putBreak() }
        while column < indent { put(" ") }
        whitespace = true
        indention = true
    }

    private mutating func writeIndicator(_ s: String, needWhitespace: Bool, isWhitespace: Bool, isIndention: Bool) {
        if needWhitespace && !whitespace { put(" ") }
        put(s)
        whitespace = isWhitespace
        indention = indention && isIndention
    }

    // MARK: scalars

    private enum Style { case plain, single, double, literal }

    private mutating func scalar(_ s: String, indent: Int, simpleKey: Bool) {
        let a = ScalarAnalysis(s)
        var style: Style = s.utf8.contains(10) ? .literal : (YAMLResolver.canUsePlain(s) ? .plain : .double)
        if style == .plain {
            if !a.blockPlainAllowed { style = .single }
            if s.isEmpty && simpleKey { style = .single }
        }
        if style == .single && !a.singleQuotedAllowed { style = .double }
        if style == .literal && (!a.blockAllowed || simpleKey) { style = .double }
        let saved = indent
        switch style {
        case .plain: plain(s, allowBreaks: !simpleKey, indent: saved)
        case .single: singleQuoted(s, allowBreaks: !simpleKey, indent: saved)
        case .double: doubleQuoted(s, allowBreaks: !simpleKey, indent: saved)
        case .literal: literal(s, indent: saved)
        }
    }

    private mutating func plain(_ s: String, allowBreaks: Bool, indent: Int = 0) {
        if !whitespace { putScalar(" ") }
        if !s.utf8.contains(32) {
            // Without spaces there is nowhere to fold: the text goes out as is.
            out += s
            column += s.unicodeScalars.count
            whitespace = false
            indention = false
            return
        }
        var spaces = false
        let scalars = Array(s.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            if c == " " {
                let nextIsSpace = i + 1 < scalars.count && scalars[i + 1] == " "
                if allowBreaks && !spaces && column > bestWidth && !nextIsSpace {
                    writeIndent(indent)
                } else {
                    putScalar(" ")
                }
                spaces = true
            } else {
                putScalar(c)
                spaces = false
            }
        }
        whitespace = false
        indention = false
    }

    private mutating func singleQuoted(_ s: String, allowBreaks: Bool, indent: Int) {
        writeIndicator("'", needWhitespace: true, isWhitespace: false, isIndention: false)
        var spaces = false, breaks = false
        let scalars = Array(s.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            if c == " " {
                let nextIsSpace = i + 1 < scalars.count && scalars[i + 1] == " "
                if allowBreaks && !spaces && column > bestWidth && i != 0 && i != scalars.count - 1 && !nextIsSpace {
                    writeIndent(indent)
                } else {
                    put(" ")
                }
                spaces = true
            } else if ScalarAnalysis.isBreak(c) {
                if !breaks && c == "\n" { putBreak() }
                putBreak()
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent(indent) }
                if c == "'" { putScalar(c) }
                putScalar(c)
                indention = false
                spaces = false
                breaks = false
            }
        }
        if breaks { writeIndent(indent) }
        writeIndicator("'", needWhitespace: false, isWhitespace: false, isIndention: false)
    }

    private mutating func doubleQuoted(_ s: String, allowBreaks: Bool, indent: Int) {
        writeIndicator("\"", needWhitespace: true, isWhitespace: false, isIndention: false)
        var spaces = false
        let scalars = Array(s.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            if !ScalarAnalysis.isPrintable(c) || c == "\u{FEFF}" || ScalarAnalysis.isBreak(c) || c == "\"" || c == "\\" {
                put("\\" + ScalarAnalysis.escape(c))
                spaces = false
            } else if c == " " {
                if allowBreaks && !spaces && column > bestWidth && i != 0 && i != scalars.count - 1 {
                    writeIndent(indent)
                    if i + 1 < scalars.count && scalars[i + 1] == " " { put("\\") }
                } else {
                    putScalar(" ")
                }
                spaces = true
            } else {
                putScalar(c)
                spaces = false
            }
        }
        writeIndicator("\"", needWhitespace: false, isWhitespace: false, isIndention: false)
    }

    private mutating func literal(_ s: String, indent: Int) {
        writeIndicator("|", needWhitespace: true, isWhitespace: false, isIndention: false)
        let scalars = Array(s.unicodeScalars)
        if let f = scalars.first, f == " " || ScalarAnalysis.isBreak(f) { put(String(bestIndent)) }
        if let last = scalars.last, ScalarAnalysis.isBreak(last) {
            if scalars.count == 1 || ScalarAnalysis.isBreak(scalars[scalars.count - 2]) { put("+") }
        } else {
            put("-")
        }
        putBreak()
        indention = true
        whitespace = true
        var breaks = true
        for c in scalars {
            if ScalarAnalysis.isBreak(c) {
                putBreak()
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent(indent) }
                putScalar(c)
                indention = false
                breaks = false
            }
        }
    }
}

/// libyaml's yaml_emitter_analyze_scalar: which styles can carry a string unchanged.
struct ScalarAnalysis {
    var blockPlainAllowed = true
    var singleQuotedAllowed = true
    var blockAllowed = true

    static func isBreak(_ c: Unicode.Scalar) -> Bool {
        c == "\n" || c == "\r" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
    }

    static func isBlankZ(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return true }
        return c == " " || c == "\t" || isBreak(c) || c == "\0"
    }

    static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        // go-yaml's port (unlike C libyaml) treats NEL and everything beyond the BMP as non-printable.
        return v == 0x0A || (v >= 0x20 && v <= 0x7E) || (v >= 0xA0 && v <= 0xD7FF)
            || (v >= 0xE000 && v <= 0xFFFD && v != 0xFEFF)
    }

    static func escape(_ c: Unicode.Scalar) -> String {
        switch c.value {
        case 0: return "0"
        case 7: return "a"
        case 8: return "b"
        case 9: return "t"
        case 0xA: return "n"
        case 0xB: return "v"
        case 0xC: return "f"
        case 0xD: return "r"
        case 0x1B: return "e"
        case 0x22: return "\""
        case 0x5C: return "\\"
        case 0x85: return "N"
        case 0xA0: return "_"
        case 0x2028: return "L"
        case 0x2029: return "P"
        default:
            let v = c.value
            let (prefix, width) = v <= 0xFF ? ("x", 2) : (v <= 0xFFFF ? ("u", 4) : ("U", 8))
            var h = String(v, radix: 16, uppercase: true)
            while h.count < width { h = "0" + h }
            return prefix + h
        }
    }

    init(_ s: String) {
        let c = Array(s.unicodeScalars)
        if c.isEmpty {
            blockAllowed = false
            return
        }
        var blockIndicators = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false
        var lineBreaks = false, special = false
        if s.hasPrefix("---") || s.hasPrefix("...") { blockIndicators = true }
        var precededByWhitespace = true
        for i in 0..<c.count {
            let ch = c[i]
            let followedByWhitespace = ScalarAnalysis.isBlankZ(i + 1 < c.count ? c[i + 1] : nil)
            if i == 0 {
                switch ch {
                case "#", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`":
                    blockIndicators = true
                case "?", ":":
                    if followedByWhitespace { blockIndicators = true }
                case "-":
                    if followedByWhitespace { blockIndicators = true }
                default: break
                }
            } else {
                switch ch {
                case ":": if followedByWhitespace { blockIndicators = true }
                case "#": if precededByWhitespace { blockIndicators = true }
                default: break
                }
            }
            if !ScalarAnalysis.isPrintable(ch) { special = true }
            if ScalarAnalysis.isBreak(ch) { lineBreaks = true }
            if ch == " " {
                if i == 0 { leadingSpace = true }
                if i == c.count - 1 { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if ScalarAnalysis.isBreak(ch) {
                if i == 0 { leadingBreak = true }
                if i == c.count - 1 { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousBreak = true
                previousSpace = false
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = ScalarAnalysis.isBlankZ(ch)
        }
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak { blockPlainAllowed = false }
        if trailingSpace { blockAllowed = false }
        if breakSpace { blockPlainAllowed = false; singleQuotedAllowed = false }
        if spaceBreak || special { blockPlainAllowed = false; singleQuotedAllowed = false; blockAllowed = false }
        if lineBreaks { blockPlainAllowed = false }
        if blockIndicators { blockPlainAllowed = false }
    }
}
