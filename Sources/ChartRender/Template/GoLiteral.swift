import Foundation

/// Go's literal syntax for strings (strconv.Unquote) and numbers (strconv.ParseInt/ParseFloat
/// with base 0, underscores and 0x/0o/0b prefixes).
enum GoLiteral {
    struct SyntaxError: Error {}

    static func unquote(_ s: String) throws -> String {
        let scalars = Array(s.unicodeScalars)
        guard scalars.count >= 2, let q = scalars.first, scalars.last == q else { throw SyntaxError() }
        if q == "`" {
            let body = scalars[1..<(scalars.count - 1)]
            if body.contains("`") { throw SyntaxError() }
            return String(String.UnicodeScalarView(body.filter { $0 != "\r" }))
        }
        guard q == "\"" || q == "'" else { throw SyntaxError() }
        var out = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        func flushBytes() {
            if !bytes.isEmpty { out.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars); bytes = [] }
        }
        var i = 1
        let end = scalars.count - 1
        while i < end {
            let c = scalars[i]
            if c == q { throw SyntaxError() }
            if c != "\\" { flushBytes(); out.append(c); i += 1; continue }
            i += 1
            guard i < end else { throw SyntaxError() }
            let e = scalars[i]
            i += 1
            switch e {
            case "a": flushBytes(); out.append("\u{07}")
            case "b": flushBytes(); out.append("\u{08}")
            case "f": flushBytes(); out.append("\u{0C}")
            case "n": flushBytes(); out.append("\n")
            case "r": flushBytes(); out.append("\r")
            case "t": flushBytes(); out.append("\t")
            case "v": flushBytes(); out.append("\u{0B}")
            case "\\": flushBytes(); out.append("\\")
            case "'", "\"":
                if e != q { throw SyntaxError() }
                flushBytes(); out.append(e)
            case "x", "u", "U":
                let n = e == "x" ? 2 : (e == "u" ? 4 : 8)
                guard i + n <= end else { throw SyntaxError() }
                let hex = String(String.UnicodeScalarView(scalars[i..<(i + n)]))
                guard let v = UInt32(hex, radix: 16) else { throw SyntaxError() }
                i += n
                if e == "x" {
                    if q == "'" { flushBytes(); guard let sc = UnicodeScalar(v) else { throw SyntaxError() }; out.append(sc) }
                    else { bytes.append(UInt8(v)) }
                } else {
                    guard let sc = UnicodeScalar(v) else { throw SyntaxError() }
                    flushBytes(); out.append(sc)
                }
            case "0"..."7":
                guard i + 2 <= end else { throw SyntaxError() }
                let oct = String(String.UnicodeScalarView([e] + scalars[i..<(i + 2)]))
                guard let v = UInt32(oct, radix: 8), v <= 255 else { throw SyntaxError() }
                i += 2
                bytes.append(UInt8(v))
            default:
                throw SyntaxError()
            }
        }
        flushBytes()
        if q == "'" && out.count != 1 { throw SyntaxError() }
        return String(out)
    }

    /// Splits sign, base and digits; nil when underscores are misplaced or digits are invalid.
    private static func prepare(_ text: String) -> (neg: Bool, base: Int, digits: String)? {
        var s = Substring(text)
        var neg = false
        if s.first == "+" || s.first == "-" { neg = s.first == "-"; s = s.dropFirst() }
        var base = 10
        var prefixed = false
        if s.count > 1, s.first == "0" {
            let p = s[s.index(after: s.startIndex)]
            switch p {
            case "x", "X": base = 16; s = s.dropFirst(2); prefixed = true
            case "o", "O": base = 8; s = s.dropFirst(2); prefixed = true
            case "b", "B": base = 2; s = s.dropFirst(2); prefixed = true
            default: base = 8; s = s.dropFirst(); prefixed = true
            }
        }
        if s.contains("_") {
            // Underscores only between digits (or after a base prefix).
            let parts = s.split(separator: "_", omittingEmptySubsequences: false)
            if parts.contains(where: \.isEmpty) && !(prefixed && parts.first?.isEmpty == true && parts.dropFirst().allSatisfy { !$0.isEmpty }) {
                return nil
            }
            s = Substring(s.replacingOccurrences(of: "_", with: ""))
        }
        if s.isEmpty { return base == 8 && prefixed ? (neg, 10, "0") : nil }
        return (neg, base, String(s))
    }

    /// `[+-]?[1-9][0-9]*` or `[+-]?0`: the sign and the value (nil on overflow); nil when the
    /// text is anything else (prefixes, underscores, a leading zero), which `prepare` handles.
    private static func plainDecimal(_ text: String) -> (neg: Bool, magnitude: UInt64?)? {
        var u = text.utf8[...]
        var neg = false
        if let c = u.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { neg = c == UInt8(ascii: "-"); u = u.dropFirst() }
        guard let first = u.first, first >= 48 && first <= 57, !(first == 48 && u.count > 1) else { return nil }
        var m: UInt64? = 0
        for c in u {
            guard c >= 48 && c <= 57 else { return nil }
            if let v = m {
                let (x, o1) = v.multipliedReportingOverflow(by: 10)
                let (y, o2) = x.addingReportingOverflow(UInt64(c - 48))
                m = o1 || o2 ? nil : y
            }
        }
        return (neg, m)
    }

    static func parseInt(_ text: String) -> Int64? {
        if let (neg, mag) = plainDecimal(text) {
            guard let m = mag else { return nil }
            if neg {
                if m == UInt64(Int64.max) + 1 { return Int64.min }
                return m <= UInt64(Int64.max) ? -Int64(m) : nil
            }
            return m <= UInt64(Int64.max) ? Int64(m) : nil
        }
        guard let (neg, base, digits) = prepare(text), let m = UInt64(digits, radix: base) else { return nil }
        if neg {
            if m == UInt64(Int64.max) + 1 { return Int64.min }
            return m <= UInt64(Int64.max) ? -Int64(m) : nil
        }
        return m <= UInt64(Int64.max) ? Int64(m) : nil
    }

    static func parseUInt(_ text: String) -> UInt64? {
        if text.hasPrefix("-") || text.hasPrefix("+") { return nil }
        if let (_, mag) = plainDecimal(text) { return mag }
        guard let (_, base, digits) = prepare(text) else { return nil }
        return UInt64(digits, radix: base)
    }

    static func parseFloat(_ text: String) -> Double? {
        var s = text.replacingOccurrences(of: "_", with: "")
        if s.lowercased().hasPrefix("0x") || s.lowercased().hasPrefix("-0x") || s.lowercased().hasPrefix("+0x") {
            return Double(s)
        }
        if s.hasPrefix("+") { s.removeFirst() }
        guard let first = s.unicodeScalars.first, first == "-" || first == "." || ("0"..."9").contains(first) else { return nil }
        if s.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" }) { return nil }
        return Double(s)
    }
}
