import Foundation

/// YAML 1.1 resolution of plain scalars as go-yaml v2 does it (what Helm's sigs.k8s.io/yaml
/// uses): `yes`/`on` are booleans, `0x1F` and `010` are integers, `1e3` is a float.
enum YAMLResolver {
    enum Resolved {
        case null, bool(Bool), int(Int64), uint(UInt64), float(Double), string, merge
    }

    private static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]
    private static let trues: Set<String> = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
    private static let falses: Set<String> = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]
    private static let infs: Set<String> = [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]
    private static let negInfs: Set<String> = ["-.inf", "-.Inf", "-.INF"]
    private static let nans: Set<String> = [".nan", ".NaN", ".NAN"]

    static func resolve(_ s: String) -> Resolved {
        // Every special word is at most 6 bytes; longer text is a number or a string.
        if s.utf8.count > 6 { return resolveNumber(s) }
        if nulls.contains(s) { return .null }
        if trues.contains(s) { return .bool(true) }
        if falses.contains(s) { return .bool(false) }
        if infs.contains(s) { return .float(.infinity) }
        if negInfs.contains(s) { return .float(-.infinity) }
        if nans.contains(s) { return .float(.nan) }
        if s == "<<" { return .merge }
        return resolveNumber(s)
    }

    private static func resolveNumber(_ s: String) -> Resolved {
        guard let first = s.utf8.first else { return .string }
        let numeric = (first >= 48 && first <= 57) || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
        guard numeric else { return .string }
        let plain = s.utf8.contains(UInt8(ascii: "_")) ? String(decoding: s.utf8.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self) : s
        if let i = GoLiteral.parseInt(s) { return .int(i) }
        if let u = GoLiteral.parseUInt(s) { return .uint(u) }
        if isFloat(plain), let f = Double(plain) { return .float(f) }
        if plain.hasPrefix("0b"), let i = Int64(plain.dropFirst(2), radix: 2) { return .int(i) }
        if plain.hasPrefix("-0b"), let i = Int64(plain.dropFirst(3), radix: 2) { return .int(-i) }
        // Timestamps stay strings after Helm's JSON round trip, like any other text.
        return .string
    }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
    static func isFloat(_ s: String) -> Bool {
        var b = Array(s.utf8)[...]
        func digits(_ b: inout ArraySlice<UInt8>) -> Int {
            var n = 0
            while let c = b.first, c >= 48 && c <= 57 { b.removeFirst(); n += 1 }
            return n
        }
        if let c = b.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { b.removeFirst() }
        if b.first == UInt8(ascii: ".") {
            b.removeFirst()
            if digits(&b) == 0 { return false }
        } else {
            if digits(&b) == 0 { return false }
            if b.first == UInt8(ascii: ".") { b.removeFirst(); _ = digits(&b) }
        }
        if let c = b.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            b.removeFirst()
            if let c = b.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { b.removeFirst() }
            if digits(&b) == 0 { return false }
        }
        return b.isEmpty
    }

    private static let timestamp = try! NSRegularExpression(
        pattern: #"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$"#)
    private static let base60 = try! NSRegularExpression(pattern: #"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$"#)

    private static func matches(_ re: NSRegularExpression, _ s: String) -> Bool {
        re.firstMatch(in: s, range: NSRange(location: 0, length: s.utf16.count)) != nil
    }

    /// Dates and times go-yaml v2 resolves as timestamps (2001-12-14, 2001-12-14T21:59:43Z, …).
    /// Only text starting `DDDD-` can match, so the regex runs for those alone.
    static func isTimestamp(_ s: String) -> Bool {
        var u = s.utf8.makeIterator()
        for _ in 0..<4 { guard let c = u.next(), c >= 48 && c <= 57 else { return false } }
        guard u.next() == UInt8(ascii: "-") else { return false }
        return matches(timestamp, s)
    }

    /// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: sexagesimal numbers go-yaml quotes.
    /// Only text with a `:` that starts with a sign or digit can match.
    static func isBase60Float(_ s: String) -> Bool {
        guard let first = s.utf8.first, (first >= 48 && first <= 57) || first == UInt8(ascii: "+") || first == UInt8(ascii: "-"),
              s.utf8.contains(UInt8(ascii: ":")) else { return false }
        return matches(base60, s)
    }

    /// Whether go-yaml v2 may write `s` unquoted: it must read back as the same string.
    static func canUsePlain(_ s: String) -> Bool {
        if case .string = resolve(s) { return !isTimestamp(s) && !isBase60Float(s) }
        return false
    }
}
