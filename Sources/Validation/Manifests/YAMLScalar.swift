import KubeClient

/// YAML 1.1 resolution of plain scalars as PyYAML's SafeLoader does it (what kubernetes-validate
/// reads manifests with): `yes`/`on` are booleans, `0x1F` and `010` are integers, a float needs a
/// dot (`1e3` stays a string), `~` and an empty value are null.
enum YAMLScalar {
    private static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]
    private static let trues: Set<String> = ["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
    private static let falses: Set<String> = ["no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]

    static func resolvePlain(_ s: String) -> JSON {
        let u = s.utf8
        if u.count <= 5 {
            if nulls.contains(s) { return .null }
            if trues.contains(s) { return .bool(true) }
            if falses.contains(s) { return .bool(false) }
        }
        guard let first = u.first else { return .null }
        let numeric = (first >= 48 && first <= 57) || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: ".")
        guard numeric else { return .string(s) }
        if let v = integer(s) { return v }
        if let d = float(s) { return .double(d) }
        return .string(s)
    }

    /// `[-+]?(0b[01_]+ | 0[0-7_]+ | (0|[1-9][0-9_]*) | 0x[0-9a-fA-F_]+ | [1-9][0-9_]*(:[0-5]?[0-9])+)`
    private static func integer(_ s: String) -> JSON? {
        var b = Array(s.utf8)[...]
        var negative = false
        if let c = b.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
            negative = c == UInt8(ascii: "-")
            b.removeFirst()
        }
        guard !b.isEmpty else { return nil }
        func digits(_ body: ArraySlice<UInt8>, radix: Int, allowed: (UInt8) -> Bool) -> JSON? {
            let clean = body.filter { $0 != UInt8(ascii: "_") }
            guard !clean.isEmpty, body.allSatisfy({ $0 == UInt8(ascii: "_") || allowed($0) }) else { return nil }
            let text = String(decoding: clean, as: UTF8.self)
            if let v = Int64(text, radix: radix) { return .int(negative ? -v : v) }
            if let d = Double(text), radix == 10 { return .double(negative ? -d : d) }
            return nil
        }
        let isDec: (UInt8) -> Bool = { $0 >= 48 && $0 <= 57 }
        if b.count > 2, b[b.startIndex] == UInt8(ascii: "0") {
            let marker = b[b.startIndex + 1]
            if marker == UInt8(ascii: "b") {
                return digits(b.dropFirst(2), radix: 2) { $0 == 48 || $0 == 49 }
            }
            if marker == UInt8(ascii: "x") {
                return digits(b.dropFirst(2), radix: 16) { isDec($0) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
            }
        }
        if b.first == UInt8(ascii: "0") {
            if b.count == 1 { return .int(0) }
            return digits(b.dropFirst(), radix: 8) { $0 >= 48 && $0 <= 55 }
        }
        if b.contains(UInt8(ascii: ":")) {
            // Sexagesimal: 190:20:30 = 190*3600 + 20*60 + 30.
            var total: Int64 = 0
            for (i, part) in b.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).enumerated() {
                let clean = part.filter { $0 != UInt8(ascii: "_") }
                guard !clean.isEmpty, clean.allSatisfy(isDec), let v = Int64(String(decoding: clean, as: UTF8.self))
                else { return nil }
                if i > 0 && (clean.count > 2 || v > 59) { return nil }
                total = total &* 60 &+ v
            }
            return .int(negative ? -total : total)
        }
        return digits(b, radix: 10, allowed: isDec)
    }

    /// `[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?`, `.inf`, `.nan`.
    private static func float(_ s: String) -> Double? {
        switch s {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        var b = Array(s.utf8)[...]
        var sign = ""
        if let c = b.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
            sign = c == UInt8(ascii: "-") ? "-" : ""
            b.removeFirst()
        }
        var mantissa: [UInt8] = []
        var sawDot = false
        var sawDigit = false
        while let c = b.first {
            if c >= 48 && c <= 57 { mantissa.append(c); sawDigit = true } else if c == UInt8(ascii: "_") {
                guard sawDigit, !sawDot else { return nil }
            } else if c == UInt8(ascii: ".") {
                guard !sawDot else { return nil }
                sawDot = true
                mantissa.append(c)
            } else {
                break
            }
            b.removeFirst()
        }
        guard sawDot else { return nil }
        var exponent = ""
        if let c = b.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            b.removeFirst()
            guard let sgn = b.first, sgn == UInt8(ascii: "-") || sgn == UInt8(ascii: "+") else { return nil }
            b.removeFirst()
            guard !b.isEmpty, b.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            exponent = "e" + String(UnicodeScalar(sgn)) + String(decoding: b, as: UTF8.self)
            b = []
        }
        guard b.isEmpty else { return nil }
        var text = String(decoding: mantissa, as: UTF8.self)
        if text == "." { return nil }
        if text.hasSuffix(".") { text += "0" }
        if text.hasPrefix(".") { text = "0" + text }
        return Double(sign + text + exponent)
    }
}
