/// Splits template source into tokens the way Go's text/template/parse lexer does, including
/// `{{-`/`-}}` trimming and comments. Errors become a final `.error` token, as in Go.
struct Lexer {
    private let src: [UInt8]
    private let leftDelim: [UInt8] = Array("{{".utf8)
    private let rightDelim: [UInt8] = Array("}}".utf8)
    private var pos = 0
    private var start = 0
    private var line = 1
    private var startLine = 1
    private var parenDepth = 0
    private(set) var tokens: [Token] = []
    private var insideAction = false
    let breakOK: Bool
    let continueOK: Bool

    init(_ text: [UInt8], breakOK: Bool = true, continueOK: Bool = true) {
        self.src = text
        self.breakOK = breakOK
        self.continueOK = continueOK
    }

    static func tokenize(_ text: [UInt8]) -> [Token] {
        var l = Lexer(text)
        l.run()
        return l.tokens
    }

    // MARK: helpers

    private var atEOF: Bool { pos >= src.count }
    private func peekByte(_ offset: Int = 0) -> UInt8? { pos + offset < src.count ? src[pos + offset] : nil }

    private func hasPrefix(_ p: [UInt8], at i: Int) -> Bool {
        guard i + p.count <= src.count else { return false }
        for k in 0..<p.count where src[i + k] != p[k] { return false }
        return true
    }

    /// One-byte ASCII token texts, made once (spaces, pipes, parentheses are most tokens).
    private static let singleByte: [String] = (0..<128).map { String(UnicodeScalar(UInt8($0))) }

    private mutating func emit(_ kind: Token.Kind) {
        let value = pos - start == 1 && src[start] < 128 ? Lexer.singleByte[Int(src[start])]
            : String(decoding: src[start..<pos], as: UTF8.self)
        tokens.append(Token(kind: kind, pos: start, value: value, line: startLine))
        start = pos
        startLine = line
    }

    private mutating func ignore() {
        line += src[start..<pos].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        start = pos
        startLine = line
    }

    private mutating func advance() {
        if pos < src.count {
            if src[pos] == 10 { line += 1 }
            pos += 1
        }
    }

    private mutating func fail(_ message: String) {
        tokens.append(Token(kind: .error, pos: start, value: message, line: startLine))
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }
    private static func isAlnum(_ c: UInt8) -> Bool {
        c == 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0x80
    }

    // MARK: states

    mutating func run() {
        while lexText() {}
    }

    /// Scans text up to the next left delimiter. Returns false when done.
    private mutating func lexText() -> Bool {
        var i = pos
        while i < src.count {
            if src[i] == leftDelim[0] && hasPrefix(leftDelim, at: i) { break }
            i += 1
        }
        if i >= src.count {
            pos = src.count
            line += src[start..<pos].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            if pos > start { emitText(trimRight: false) }
            tokens.append(Token(kind: .eof, pos: pos, value: "", line: line))
            return false
        }
        // `{{-` followed by a space, tab, CR or newline (src[i..<i+2] is the left delimiter).
        let trimBefore = i + 4 <= src.count && src[i + 2] == UInt8(ascii: "-") && Lexer.isSpace(src[i + 3])
        // Advance over text (counting lines).
        while pos < i { advance() }
        if pos > start {
            var end = pos
            if trimBefore {
                while end > start && Lexer.isSpace(src[end - 1]) { end -= 1 }
            }
            let saved = pos
            pos = end
            if pos > start {
                let value = String(decoding: src[start..<pos], as: UTF8.self)
                tokens.append(Token(kind: .text, pos: start, value: value, line: startLine))
            }
            pos = saved
            start = pos
            startLine = line
        }
        return lexLeftDelim(trim: trimBefore)
    }

    private mutating func emitText(trimRight: Bool) {
        let value = String(decoding: src[start..<pos], as: UTF8.self)
        tokens.append(Token(kind: .text, pos: start, value: value, line: startLine))
        start = pos
        startLine = line
    }

    private mutating func lexLeftDelim(trim: Bool) -> Bool {
        pos += leftDelim.count
        var afterMarker = 0
        if trim { afterMarker = 2 }
        // Comment?
        if pos + afterMarker + 2 <= src.count && src[pos + afterMarker] == UInt8(ascii: "/") && src[pos + afterMarker + 1] == UInt8(ascii: "*") {
            pos += afterMarker
            ignore()
            return lexComment()
        }
        emit(.leftDelim)
        pos += afterMarker
        ignore()
        parenDepth = 0
        insideAction = true
        return lexInsideAction()
    }

    private mutating func lexComment() -> Bool {
        pos += 2
        var i = pos
        var found = -1
        while i + 1 < src.count {
            if src[i] == 42 && src[i + 1] == 47 { found = i; break }
            i += 1
        }
        if found < 0 { fail("unclosed comment"); return false }
        while pos < found + 2 { advance() }
        let (delim, trimAfter) = atRightDelim()
        if !delim { fail("comment ends before closing delimiter"); return false }
        // Go emits the comment only when comments are kept; the parser drops it.
        emit(.comment)
        if trimAfter { pos += 2 }
        pos += rightDelim.count
        ignore()
        if trimAfter { skipLeadingSpace() }
        return true
    }

    private mutating func skipLeadingSpace() {
        while pos < src.count && Lexer.isSpace(src[pos]) { advance() }
        ignore()
    }

    /// Whether the input is at a right delimiter, possibly preceded by a trim marker.
    /// (Called at every byte inside actions, so it compares bytes and allocates nothing.)
    private func atRightDelim() -> (delim: Bool, trim: Bool) {
        guard pos + 2 <= src.count else { return (false, false) }
        let c = src[pos]
        if Lexer.isSpace(c) {
            // ` -}}`, `\t-}}`, `\r-}}` or `\n-}}`.
            if pos + 4 <= src.count && src[pos + 1] == UInt8(ascii: "-") && src[pos + 2] == rightDelim[0]
                && src[pos + 3] == rightDelim[1] {
                return (true, true)
            }
            return (false, false)
        }
        return (c == rightDelim[0] && src[pos + 1] == rightDelim[1], false)
    }

    private mutating func lexRightDelim(trim: Bool) -> Bool {
        if trim {
            // Skip the space and dash before the delimiter (the space is part of the action).
            advance(); advance()
            ignore()
        }
        pos += rightDelim.count
        emit(.rightDelim)
        insideAction = false
        if trim { skipLeadingSpace() }
        return true
    }

    private mutating func lexInsideAction() -> Bool {
        while true {
            let (delim, trim) = atRightDelim()
            if delim {
                if parenDepth == 0 { return lexRightDelim(trim: trim) }
                fail("unclosed left paren"); return false
            }
            guard let c = peekByte() else { fail("unclosed action"); return false }
            switch c {
            case 10, 13:
                // Newlines are allowed inside actions since Go 1.16 only within spaces; Go reports
                // "unclosed action" when the action is not closed before EOF.
                lexSpace()
            case 32, 9:
                lexSpace()
            case UInt8(ascii: "="):
                advance(); emit(.assign)
            case UInt8(ascii: ":"):
                advance()
                if peekByte() != UInt8(ascii: "=") { fail("expected :="); return false }
                advance(); emit(.declare)
            case UInt8(ascii: "|"):
                advance(); emit(.pipe)
            case UInt8(ascii: "\""):
                if !lexQuote() { return false }
            case UInt8(ascii: "`"):
                if !lexRawQuote() { return false }
            case UInt8(ascii: "$"):
                advance(); lexVariable()
            case UInt8(ascii: "'"):
                if !lexChar() { return false }
            case UInt8(ascii: "."):
                if let n = peekByte(1), n >= 48 && n <= 57 {
                    if !lexNumber() { return false }
                } else {
                    advance(); lexField()
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), 48...57:
                if !lexNumber() { return false }
            case UInt8(ascii: "("):
                advance(); emit(.leftParen); parenDepth += 1
            case UInt8(ascii: ")"):
                advance()
                emit(.rightParen)
                parenDepth -= 1
                if parenDepth < 0 { fail("unexpected right paren U+0029 ')'"); return false }
            case UInt8(ascii: ","):
                advance(); emit(.char)
            default:
                if Lexer.isAlnum(c) {
                    if !lexIdentifier() { return false }
                } else if c < 0x80 && c >= 0x20 && c != 0x7F {
                    advance(); emit(.char)
                } else {
                    fail("bad character \(Lexer.describeRune(src, at: pos))"); return false
                }
            }
        }
    }

    static func describeRune(_ src: [UInt8], at i: Int) -> String {
        // Go's %#U: U+0001 or U+00E9 'é'.
        var end = i + 1
        while end < src.count && end - i < 4 && (src[end] & 0xC0) == 0x80 { end += 1 }
        let s = String(decoding: src[i..<end], as: UTF8.self)
        guard let scalar = s.unicodeScalars.first else { return "U+FFFD" }
        var hex = String(scalar.value, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        return GoQuote.isPrint(scalar) ? "U+\(hex) '\(s)'" : "U+\(hex)"
    }

    private mutating func lexSpace() {
        var numSpaces = 0
        while let c = peekByte(), Lexer.isSpace(c) {
            // Stop before a trim marker so the right delimiter is recognised.
            if atRightDelim().trim { break }
            advance(); numSpaces += 1
        }
        if numSpaces > 0 || pos > start { emit(.space) }
    }

    private mutating func lexIdentifier() -> Bool {
        while let c = peekByte(), Lexer.isAlnum(c) { advance() }
        let word = String(decoding: src[start..<pos], as: UTF8.self)
        if !atTerminator() { fail("bad character \(Lexer.describeRune(src, at: pos))"); return false }
        if let kw = Lexer.keyword(word, length: pos - start) {
            if (kw == .break && !breakOK) || (kw == .continue && !continueOK) {
                emit(.identifier)
            } else {
                emit(.keyword(kw))
            }
        } else if word == "true" || word == "false" {
            emit(.bool)
        } else if word == "nil" {
            emit(.nilKeyword)
        } else {
            emit(.identifier)
        }
        return true
    }

    /// Token.Keyword(rawValue:) by length first: it compared every identifier with all ten.
    private static func keyword(_ w: String, length: Int) -> Token.Keyword? {
        switch length {
        case 2: return w == "if" ? .if : nil
        case 3: return w == "end" ? .end : nil
        case 4: return w == "else" ? .else : (w == "with" ? .with : nil)
        case 5: return w == "range" ? .range : (w == "block" ? .block : (w == "break" ? .break : nil))
        case 6: return w == "define" ? .define : nil
        case 8: return w == "template" ? .template : (w == "continue" ? .continue : nil)
        default: return nil
        }
    }

    private mutating func lexField() {
        if atTerminator() { emit(.dot); return }
        while let c = peekByte(), Lexer.isAlnum(c) { advance() }
        if !atTerminator() { fail("bad character \(Lexer.describeRune(src, at: pos))"); return }
        emit(.field)
    }

    private mutating func lexVariable() {
        if atTerminator() { emit(.variable); return }
        while let c = peekByte(), Lexer.isAlnum(c) { advance() }
        if !atTerminator() { fail("bad character \(Lexer.describeRune(src, at: pos))"); return }
        emit(.variable)
    }

    private func atTerminator() -> Bool {
        guard let c = peekByte() else { return true }
        if Lexer.isSpace(c) { return true }
        switch c {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"),
             UInt8(ascii: ")"), UInt8(ascii: "("), UInt8(ascii: "="):
            return true
        default:
            return hasPrefix(rightDelim, at: pos)
        }
    }

    /// A `"…"` string or `'…'` character constant: backslash escapes, no newline.
    private mutating func lexQuoted(close: UInt8, kind: Token.Kind, unterminated: String) -> Bool {
        advance()
        while true {
            guard let c = peekByte() else { fail(unterminated); return false }
            advance()
            if c == UInt8(ascii: "\\") {
                if let n = peekByte(), n != 10 { advance(); continue }
                fail(unterminated); return false
            }
            if c == 10 { fail(unterminated); return false }
            if c == close { break }
        }
        emit(kind)
        return true
    }

    private mutating func lexQuote() -> Bool {
        lexQuoted(close: UInt8(ascii: "\""), kind: .string, unterminated: "unterminated quoted string")
    }

    private mutating func lexRawQuote() -> Bool {
        advance()
        while true {
            guard let c = peekByte() else { fail("unterminated raw quoted string"); return false }
            advance()
            if c == UInt8(ascii: "`") { break }
        }
        emit(.rawString)
        return true
    }

    private mutating func lexChar() -> Bool {
        lexQuoted(close: UInt8(ascii: "'"), kind: .charConstant, unterminated: "unterminated character constant")
    }

    private mutating func lexNumber() -> Bool {
        // Go's scanNumber: optional sign, base prefix, digits with underscores, fraction, exponent.
        if let c = peekByte(), c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { advance() }
        // The digits of the base (with `_`): 10, 16, 8 or 2.
        var base = 10
        if peekByte() == UInt8(ascii: "0"), let n = peekByte(1) {
            switch n {
            case UInt8(ascii: "x"), UInt8(ascii: "X"): advance(); advance(); base = 16
            case UInt8(ascii: "o"), UInt8(ascii: "O"): advance(); advance(); base = 8
            case UInt8(ascii: "b"), UInt8(ascii: "B"): advance(); advance(); base = 2
            default: break
            }
        }
        func isDigit(_ c: UInt8) -> Bool {
            if c == 95 { return true }
            switch base {
            case 16: return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
            case 8: return c >= 48 && c <= 55
            case 2: return c == 48 || c == 49
            default: return c >= 48 && c <= 57
            }
        }
        func run(_ l: inout Lexer) { while let c = l.peekByte(), isDigit(c) { l.advance() } }
        run(&self)
        if peekByte() == UInt8(ascii: ".") { advance(); run(&self) }
        let expChars: [UInt8] = base == 10 ? [UInt8(ascii: "e"), UInt8(ascii: "E")]
            : (base == 16 ? [UInt8(ascii: "p"), UInt8(ascii: "P")] : [])
        if let c = peekByte(), expChars.contains(c) {
            advance()
            if let s = peekByte(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { advance() }
            while let c = peekByte(), c >= 48 && c <= 57 || c == 95 { advance() }
        }
        if base == 16, let c = peekByte(), c == UInt8(ascii: "p") || c == UInt8(ascii: "P") {
            advance()
            if let s = peekByte(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { advance() }
            while let c = peekByte(), c >= 48 && c <= 57 || c == 95 { advance() }
        }
        if peekByte() == UInt8(ascii: "i") { advance() }
        if let c = peekByte(), Lexer.isAlnum(c) {
            advance()
            fail("bad number syntax: \"\(String(decoding: src[start..<pos], as: UTF8.self))\"")
            return false
        }
        emit(.number)
        return true
    }
}
