/// Helm's `toToml`: the output of BurntSushi/toml's encoder (the version Helm vendors) for a
/// map — plain keys first, then tables and arrays of tables in key order, nested tables
/// indented two spaces per level, float64 always written with a decimal point.
enum TOMLEncoder {
    struct EncodeError: Error { let message: String }

    static func encode(_ v: Value) throws(EncodeError) -> String {
        guard case .map(let m, _) = v else { throw EncodeError(message: "toml: top-level values must be Go maps or structs") }
        var e = Writer()
        try e.table([], m)
        return e.out
    }

    struct Writer {
        var out = ""

        mutating func newline() { if !out.isEmpty { out += "\n" } }

        func indent(_ key: [String]) -> String { String(repeating: "  ", count: Swift.max(key.count - 1, 0)) }

        static func isTableArray(_ v: Value) -> Bool {
            guard case .list(let l, _) = v, !l.isEmpty else { return false }
            return l.allSatisfy { if case .map = $0 { true } else { false } }
        }

        static func isTable(_ v: Value) -> Bool { if case .map = v { true } else { false } }

        mutating func table(_ key: [String], _ m: [String: Value]) throws(EncodeError) {
            let keys = m.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for k in keys {
                let v = m[k]!
                if v.isNull || Self.isTable(v) || Self.isTableArray(v) { continue }
                out += indent(key + [k]) + TOMLEncoder.key(k) + " = " + (try TOMLEncoder.inline(v)) + "\n"
            }
            for k in keys {
                let sub = key + [k]
                switch m[k]! {
                case .map(let t, _):
                    if sub.count == 1 { newline() }
                    out += indent(sub) + "[" + sub.map(TOMLEncoder.key).joined(separator: ".") + "]\n"
                    try table(sub, t)
                case .list(let l, _) where Self.isTableArray(m[k]!):
                    for case .map(let t, _) in l {
                        newline()
                        out += indent(sub) + "[[" + sub.map(TOMLEncoder.key).joined(separator: ".") + "]]\n"
                        try table(sub, t)
                    }
                default:
                    continue
                }
            }
        }
    }

    /// strconv.FormatFloat(d, 'f', -1, 64): the shortest round-tripping digits, no exponent.
    static func shortestFixed(_ d: Double) -> String {
        let (digits, point) = FloatFormat.shortest(d)
        let ds = String(decoding: digits, as: UTF8.self)
        let sign = d < 0 || (d == 0 && d.sign == .minus) ? "-" : ""
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + ds }
        if point >= digits.count { return sign + ds + String(repeating: "0", count: point - digits.count) }
        return sign + String(ds.prefix(point)) + "." + String(ds.dropFirst(point))
    }

    static func key(_ k: String) -> String {
        let bare = !k.isEmpty && k.utf8.allSatisfy { c in
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
        }
        return bare ? k : quote(k)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let h = String(u.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static func inline(_ v: Value) throws(EncodeError) -> String {
        switch v {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .int64(let i): return String(i)
        case .float(let d):
            if d.isNaN { return "nan" }
            if d.isInfinite { return d < 0 ? "-inf" : "inf" }
            let s = shortestFixed(d)
            return s.contains(".") ? s : s + ".0"
        case .string(let s): return quote(s)
        case .list(let l, _):
            var parts: [String] = []
            for x in l where !x.isNull { parts.append(try inline(x)) }
            return "[" + parts.joined(separator: ", ") + "]"
        case .map(let m, _):
            var parts: [String] = []
            for k in m.keys.sorted() where !(m[k]!.isNull) { parts.append(key(k) + " = " + (try inline(m[k]!))) }
            return "{" + parts.joined(separator: ", ") + "}"
        case .null:
            return ""
        case .object:
            throw EncodeError(message: "toml: cannot encode a value of type \(v.typeName)")
        }
    }
}
