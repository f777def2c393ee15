import Foundation

/// encoding/json's Marshal for template values: sorted keys, `<>&` (and U+2028/9) escaped
/// unless asked not to, floats formatted as Go does; nil on unsupported values (NaN, ±Inf).
enum GoJSON {
    static func encode(_ v: Value, escapeHTML: Bool = true, indent: String? = nil) -> String? {
        var out = ""
        guard write(v, &out, escapeHTML: escapeHTML, indent: indent, level: 0) else { return nil }
        return out
    }

    private static func write(_ v: Value, _ out: inout String, escapeHTML: Bool, indent: String?, level: Int) -> Bool {
        func newline(_ l: Int) { if let indent { out += "\n" + String(repeating: indent, count: l) } }
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += "\(i)"
        case .int64(let i): out += "\(i)"
        case .float(let d):
            guard let f = float(d) else { return false }
            out += f
        case .string(let s): out += quote(s, escapeHTML: escapeHTML)
        case .list(let l, let e):
            if e == .uint8 {
                let bytes: [UInt8] = l.map { if case .int(let b) = $0 { UInt8(truncatingIfNeeded: b) } else { 0 } }
                out += "\"" + Data(bytes).base64EncodedString() + "\""
                return true
            }
            if l.isEmpty { out += "[]"; return true }
            out += "["
            for (i, item) in l.enumerated() {
                if i > 0 { out += "," }
                newline(level + 1)
                guard write(item, &out, escapeHTML: escapeHTML, indent: indent, level: level + 1) else { return false }
            }
            newline(level)
            out += "]"
        case .map(let m, _):
            if m.isEmpty { out += "{}"; return true }
            out += "{"
            for (i, kv) in m.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if i > 0 { out += "," }
                newline(level + 1)
                out += quote(kv.key, escapeHTML: escapeHTML) + (indent == nil ? ":" : ": ")
                guard write(kv.value, &out, escapeHTML: escapeHTML, indent: indent, level: level + 1) else { return false }
            }
            newline(level)
            out += "}"
        case .object(let o):
            if let fields = o.jsonFields { return write(.map(fields), &out, escapeHTML: escapeHTML, indent: indent, level: level) }
            out += quote(o.formatted, escapeHTML: escapeHTML)
        }
        return true
    }

    /// encoding/json's float64: shortest digits, %f form unless the exponent is < -6 or >= 21,
    /// with e-07 cleaned to e-7.
    static func float(_ d: Double) -> String? {
        guard d.isFinite else { return nil }
        let a = Swift.abs(d)
        if a != 0 && (a < 1e-6 || a >= 1e21) {
            var s = FloatFormat.shortestG(d)
            // shortestG may choose %f for small exponents; force the e form like strconv 'e' -1.
            if !s.contains("e") {
                let (digits, point) = FloatFormat.shortest(d)
                s = (d < 0 ? "-" : "") + FloatFormat.layoutE(digits, point, prec: digits.count - 1, upper: false)
            }
            if let r = s.range(of: "e-0") { s.replaceSubrange(r, with: "e-") }
            if let r = s.range(of: "e+0") { s.replaceSubrange(r, with: "e+") }
            return s
        }
        if d == d.rounded() && a < 1e21 {
            if a < 9.2e18 { return String(Int64(d)) }
            let (digits, point) = FloatFormat.shortest(d)
            return (d < 0 ? "-" : "") + FloatFormat.fixed(digits, point)
        }
        let (digits, point) = FloatFormat.shortest(d)
        return (d < 0 ? "-" : "") + FloatFormat.fixed(digits, point)
    }

    static func quote(_ s: String, escapeHTML: Bool) -> String {
        let hex = Array("0123456789abcdef")
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<" where escapeHTML, ">" where escapeHTML, "&" where escapeHTML:
                out += "\\u00" + String(hex[Int(c.value >> 4)]) + String(hex[Int(c.value & 15)])
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if c.value < 0x20 {
                    out += "\\u00" + String(hex[Int(c.value >> 4)]) + String(hex[Int(c.value & 15)])
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
