import Foundation

/// Go's float formatting (strconv.FormatFloat), where it differs from C's printf.
enum FloatFormat {
    /// Shortest decimal digits that round-trip, with the decimal point position:
    /// value = 0.DIGITS × 10^point. Swift's description is shortest and closest, as Go's is.
    static func shortest(_ d: Double) -> (digits: [UInt8], point: Int) {
        var s = Swift.abs(d).description
        var exp = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp = Int(s[s.index(after: e)...]) ?? 0
            s = String(s[..<e])
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for ch in s.utf8 {
            if ch == UInt8(ascii: ".") { seenPoint = true; continue }
            digits.append(ch)
            if !seenPoint { point += 1 }
        }
        // Strip leading zeros (0.001 → digits 1, point -2) and trailing zeros.
        while let f = digits.first, f == UInt8(ascii: "0"), digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while let l = digits.last, l == UInt8(ascii: "0"), digits.count > 1 { digits.removeLast() }
        if digits == [UInt8(ascii: "0")] { return ([UInt8(ascii: "0")], 1) }
        return (digits, point + exp)
    }

    /// `%v` / `%g` with the shortest precision, as Go prints float64 (1e+06, 3.5, 1e-05).
    static func shortestG(_ d: Double, upper: Bool = false) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        let (digits, point) = shortest(d)
        let neg = d.sign == .minus
        let exp = point - 1
        var out = neg ? "-" : ""
        if exp < -4 || exp >= 6 {
            out += String(decoding: digits.prefix(1), as: UTF8.self)
            if digits.count > 1 { out += "." + String(decoding: digits.dropFirst(), as: UTF8.self) }
            out += (upper ? "E" : "e") + (exp < 0 ? "-" : "+")
            let e = Swift.abs(exp)
            out += e < 10 ? "0\(e)" : "\(e)"
            return out
        }
        return out + fixed(digits, point)
    }

    /// Digits placed around the decimal point, without exponent.
    static func fixed(_ digits: [UInt8], _ point: Int) -> String {
        let s = String(decoding: digits, as: UTF8.self)
        if point <= 0 { return "0." + String(repeating: "0", count: -point) + s }
        if point >= digits.count { return s + String(repeating: "0", count: point - digits.count) }
        let i = s.index(s.startIndex, offsetBy: point)
        return String(s[..<i]) + "." + String(s[i...])
    }

    /// %e/%f/%g with an explicit precision: glibc rounds exactly as Go does.
    static func cFormat(_ d: Double, verb: Character, precision: Int, sharp: Bool) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        let spec = "%" + (sharp ? "#" : "") + ".\(precision)" + String(verb)
        return String(format: spec, d)
    }
}

extension FloatFormat {
    /// Decimal digits of `d` rounded to `n` significant digits (exactly, via glibc), trailing zeros
    /// trimmed, with the decimal point position; zero gives no digits.
    static func significant(_ d: Double, _ n: Int) -> (digits: [UInt8], point: Int) {
        if d == 0 { return ([], 0) }
        let s = String(format: "%.\(max(n - 1, 0))e", Swift.abs(d))
        guard let e = s.firstIndex(of: "e") else { return ([], 0) }
        let exp = Int(s[s.index(after: e)...]) ?? 0
        var digits = Array(s[..<e].utf8.filter { $0 != UInt8(ascii: ".") })
        while let l = digits.last, l == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, exp + 1)
    }

    /// strconv's %e layout from digits.
    static func layoutE(_ digits: [UInt8], _ point: Int, prec: Int, upper: Bool) -> String {
        var out = String(UnicodeScalar(digits.first ?? UInt8(ascii: "0")))
        if prec > 0 {
            out += "."
            for i in 1...prec { out += i < digits.count ? String(UnicodeScalar(digits[i])) : "0" }
        }
        let exp = digits.isEmpty ? 0 : point - 1
        out += (upper ? "E" : "e") + (exp < 0 ? "-" : "+")
        let e = Swift.abs(exp)
        return out + (e < 10 ? "0\(e)" : "\(e)")
    }

    /// strconv's %f layout from digits.
    static func layoutF(_ digits: [UInt8], _ point: Int, prec: Int) -> String {
        var out = ""
        if point > 0 {
            for i in 0..<point { out += i < digits.count ? String(UnicodeScalar(digits[i])) : "0" }
        } else {
            out = "0"
        }
        if prec > 0 {
            out += "."
            for i in 1...prec {
                let j = point + i - 1
                out += j >= 0 && j < digits.count ? String(UnicodeScalar(digits[j])) : "0"
            }
        }
        return out
    }

    /// Go's %g with an explicit precision (strconv's formatDigits rules), without sign.
    static func precisionG(_ d: Double, prec p: Int, upper: Bool) -> String {
        var prec = p == 0 ? 1 : p
        let (digits, point) = significant(d, prec)
        let nd = digits.count
        var eprec = prec
        if eprec > nd && nd >= point { eprec = nd }
        let exp = point - 1
        if nd > 0 && (exp < -4 || exp >= eprec) {
            if prec > nd { prec = nd }
            return layoutE(digits, point, prec: prec - 1, upper: upper)
        }
        if prec > point { prec = nd }
        return layoutF(digits, point, prec: max(prec - point, 0))
    }
}
