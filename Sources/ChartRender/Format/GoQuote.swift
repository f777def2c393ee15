/// Go's strconv.Quote family: double-quoted Go string literals with Go's escapes.
public enum GoQuote {
    public static func quote(_ s: String) -> String { quoteWith(s, quote: "\"", asciiOnly: false) }
    public static func quoteASCII(_ s: String) -> String { quoteWith(s, quote: "\"", asciiOnly: true) }
    public static func quoteRune(_ r: Unicode.Scalar) -> String {
        "'" + escape(r, quote: "'", asciiOnly: false) + "'"
    }

    static func quoteWith(_ s: String, quote: Unicode.Scalar, asciiOnly: Bool) -> String {
        var out = String(quote)
        out.reserveCapacity(s.utf8.count + 2)
        for r in s.unicodeScalars {
            // Printable ASCII other than the quote and backslash is written as is.
            if r.value >= 0x20 && r.value < 0x7F && r != quote && r != "\\" {
                out.unicodeScalars.append(r)
            } else {
                out += escape(r, quote: quote, asciiOnly: asciiOnly)
            }
        }
        out.unicodeScalars.append(quote)
        return out
    }

    static func escape(_ r: Unicode.Scalar, quote: Unicode.Scalar, asciiOnly: Bool) -> String {
        if r == quote || r == "\\" { return "\\" + String(r) }
        if asciiOnly ? (r.value < 0x7F && isPrint(r)) : isPrint(r) { return String(r) }
        switch r {
        case "\u{07}": return "\\a"
        case "\u{08}": return "\\b"
        case "\u{0C}": return "\\f"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\u{0B}": return "\\v"
        default:
            let v = r.value
            if v < 0x20 || v == 0x7F { return "\\x" + hex(v, 2) }
            if v == 0xFFFD { return "\\ufffd" }
            if v < 0x10000 { return "\\u" + hex(v, 4) }
            return "\\U" + hex(v, 8)
        }
    }

    static func hex(_ v: UInt32, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.
    static func isPrint(_ r: Unicode.Scalar) -> Bool {
        if r == " " { return true }
        switch r.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
