/// Helm's `fromToml`: TOML 1.0 into template values the way BurntSushi/toml decodes into
/// `map[string]interface{}` (integers int64, floats float64, tables maps, arrays lists).
/// Date-times are kept as their text.
struct TOMLParser {
    struct SyntaxError: Error {
        let line: Int
        let message: String
        var description: String { "toml: line \(line): \(message)" }
    }

    private let b: [UInt8]
    private var i = 0
    private var line = 1
    private var root: [String: Value] = [:]
    /// The path of the current `[table]` or `[[array]]` header.
    private var current: [String] = []
    /// Tables defined by a header, to refuse a second definition.
    private var defined: Set<[String]> = []

    static func parse(_ text: String) throws(SyntaxError) -> [String: Value] {
        var p = TOMLParser(b: Array(text.utf8))
        try p.document()
        return p.root
    }

    private init(b: [UInt8]) { self.b = b }

    private func fail(_ m: String) -> SyntaxError { SyntaxError(line: line, message: m) }
    private var atEnd: Bool { i >= b.count }
    private var c: UInt8 { i < b.count ? b[i] : 0 }

    private mutating func skipSpace() { while !atEnd, c == 0x20 || c == 0x09 { i += 1 } }

    private mutating func skipComment() {
        if c == UInt8(ascii: "#") { while !atEnd, c != 0x0A { i += 1 } }
    }

    /// Whitespace, comments and newlines (inside arrays).
    private mutating func skipBlank() {
        while !atEnd {
            skipSpace()
            skipComment()
            if c == 0x0A { line += 1; i += 1 } else if c == 0x0D, i + 1 < b.count, b[i + 1] == 0x0A { i += 1 } else { break }
        }
    }

    private mutating func endOfLine() throws(SyntaxError) {
        skipSpace()
        skipComment()
        if c == 0x0D { i += 1 }
        if atEnd { return }
        guard c == 0x0A else { throw fail("expected a newline after the value, found '\(Character(Unicode.Scalar(c)))'") }
        line += 1
        i += 1
    }

    private mutating func document() throws(SyntaxError) {
        while true {
            skipBlank()
            if atEnd { return }
            if c == UInt8(ascii: "[") {
                i += 1
                let array = c == UInt8(ascii: "[")
                if array { i += 1 }
                skipSpace()
                let path = try key()
                skipSpace()
                guard c == UInt8(ascii: "]") else { throw fail("expected ']' to close the table header") }
                i += 1
                if array {
                    guard c == UInt8(ascii: "]") else { throw fail("expected ']]' to close the array of tables header") }
                    i += 1
                    try appendTable(path)
                } else {
                    guard defined.insert(path).inserted else { throw fail("table \(path.joined(separator: ".")) already exists") }
                    try withTable(path) { _ throws(SyntaxError) in }
                }
                current = path
                try endOfLine()
            } else {
                let path = try key()
                skipSpace()
                guard c == UInt8(ascii: "=") else { throw fail("expected '=' after the key \(path.joined(separator: "."))") }
                i += 1
                skipSpace()
                let v = try value()
                try set(current + path, v)
                try endOfLine()
            }
        }
    }

    // MARK: keys

    private mutating func key() throws(SyntaxError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpace()
            if c == UInt8(ascii: "\"") {
                i += 1
                parts.append(try basicString())
            } else if c == UInt8(ascii: "'") {
                i += 1
                parts.append(try literalString())
            } else {
                let start = i
                while !atEnd, Self.isBare(c) { i += 1 }
                guard i > start else { throw fail("expected a key") }
                parts.append(String(decoding: b[start..<i], as: UTF8.self))
            }
            skipSpace()
            guard c == UInt8(ascii: ".") else { return parts }
            i += 1
        }
    }

    private static func isBare(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    // MARK: the document tree

    /// Runs `body` on the table at `path`, creating tables on the way; a path through an array
    /// of tables goes into its last element.
    private mutating func withTable(_ path: [String], _ body: (inout [String: Value]) throws(SyntaxError) -> Void) throws(SyntaxError) {
        func descend(_ m: inout [String: Value], _ rest: ArraySlice<String>) throws(SyntaxError) {
            guard let k = rest.first else { try body(&m); return }
            switch m[k] {
            case nil:
                var t: [String: Value] = [:]
                try descend(&t, rest.dropFirst())
                m[k] = .map(t)
            case .map(var t, _)?:
                m[k] = .null
                try descend(&t, rest.dropFirst())
                m[k] = .map(t)
            case .list(var l, let e)? where !l.isEmpty:
                guard case .map(var t, _) = l[l.count - 1] else { throw SyntaxError(line: line, message: "key \(k) is not a table") }
                try descend(&t, rest.dropFirst())
                l[l.count - 1] = .map(t)
                m[k] = .list(l, element: e)
            default:
                throw SyntaxError(line: line, message: "key \(k) is already defined as a value")
            }
        }
        try descend(&root, path[...])
    }

    private mutating func set(_ path: [String], _ v: Value) throws(SyntaxError) {
        let last = path[path.count - 1]
        let ln = line
        try withTable(Array(path.dropLast())) { t throws(SyntaxError) in
            guard t[last] == nil else { throw SyntaxError(line: ln, message: "key \(path.joined(separator: ".")) is already defined") }
            t[last] = v
        }
    }

    private mutating func appendTable(_ path: [String]) throws(SyntaxError) {
        let last = path[path.count - 1]
        let ln = line
        try withTable(Array(path.dropLast())) { t throws(SyntaxError) in
            switch t[last] {
            case nil: t[last] = .list([.map([:])])
            case .list(let l, let e)?: t[last] = .list(l + [.map([:])], element: e)
            default: throw SyntaxError(line: ln, message: "key \(path.joined(separator: ".")) is not an array of tables")
            }
        }
    }

    // MARK: values

    private mutating func value() throws(SyntaxError) -> Value {
        switch c {
        case UInt8(ascii: "\""):
            if b[i...].starts(with: [0x22, 0x22, 0x22]) { i += 3; return .string(try multilineBasic()) }
            i += 1
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if b[i...].starts(with: [0x27, 0x27, 0x27]) { i += 3; return .string(try multilineLiteral()) }
            i += 1
            return .string(try literalString())
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            while true {
                skipBlank()
                if c == UInt8(ascii: "]") { i += 1; return .list(items) }
                items.append(try value())
                skipBlank()
                if c == UInt8(ascii: ",") { i += 1; continue }
                guard c == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in an array") }
                i += 1
                return .list(items)
            }
        case UInt8(ascii: "{"):
            i += 1
            var t: [String: Value] = [:]
            skipSpace()
            if c == UInt8(ascii: "}") { i += 1; return .map(t) }
            while true {
                let path = try key()
                skipSpace()
                guard c == UInt8(ascii: "=") else { throw fail("expected '=' in an inline table") }
                i += 1
                skipSpace()
                let v = try value()
                try Self.insert(&t, path[...], v, line: line)
                skipSpace()
                if c == UInt8(ascii: ",") { i += 1; continue }
                guard c == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in an inline table") }
                i += 1
                return .map(t)
            }
        default:
            return try scalar()
        }
    }

    private static func insert(_ t: inout [String: Value], _ path: ArraySlice<String>, _ v: Value, line: Int) throws(SyntaxError) {
        let k = path.first!
        if path.count == 1 {
            guard t[k] == nil else { throw SyntaxError(line: line, message: "key \(k) is already defined") }
            t[k] = v
            return
        }
        var sub: [String: Value] = [:]
        if let existing = t[k] {
            guard case .map(let m, _) = existing else { throw SyntaxError(line: line, message: "key \(k) is already defined") }
            sub = m
        }
        try insert(&sub, path.dropFirst(), v, line: line)
        t[k] = .map(sub)
    }

    private mutating func scalar() throws(SyntaxError) -> Value {
        let start = i
        while !atEnd, !(c == 0x2C || c == 0x5D || c == 0x7D || c == 0x0A || c == 0x0D || c == 0x23) {
            // A date-time may hold one space between date and time.
            if c == 0x20 {
                let t = String(decoding: b[start..<i], as: UTF8.self)
                if t.count == 10, t.filter({ $0 == "-" }).count == 2, i + 1 < b.count, b[i + 1] >= 0x30, b[i + 1] <= 0x39 { i += 1; continue }
                break
            }
            i += 1
        }
        let text = String(decoding: b[start..<i], as: UTF8.self)
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        case "":
            // BurntSushi reports the line after a value missing at the end of a line.
            if c == 0x0A { throw SyntaxError(line: line + 1, message: "expected a value but found a newline") }
            throw fail("expected a value")
        default: break
        }
        let digits = text.replacingOccurrences(of: "_", with: "")
        if text.hasPrefix("0x") || text.hasPrefix("0o") || text.hasPrefix("0b") {
            let radix = text.hasPrefix("0x") ? 16 : text.hasPrefix("0o") ? 8 : 2
            guard let n = Int64(digits.dropFirst(2), radix: radix) else { throw fail("invalid integer \(text)") }
            return .int64(n)
        }
        if text.range(of: #"^[+-]?(0|[1-9](_?[0-9])*)$"#, options: .regularExpression) != nil {
            guard let n = Int64(digits) else { throw fail("integer \(text) is out of range") }
            return .int64(n)
        }
        if text.range(of: #"^[+-]?(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$"#, options: .regularExpression) != nil,
           let d = Double(digits) {
            return .float(d)
        }
        if text.range(of: #"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?)?$|^\d{2}:\d{2}:\d{2}(\.\d+)?$"#, options: .regularExpression) != nil {
            return .string(text)
        }
        throw fail("expected a value but found '\(text)'")
    }

    // MARK: strings

    private mutating func basicString() throws(SyntaxError) -> String {
        var out = [UInt8]()
        while true {
            guard !atEnd, c != 0x0A else { throw fail("unterminated string") }
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") { i += 1; out += try escape(); continue }
            out.append(c)
            i += 1
        }
    }

    private mutating func escape() throws(SyntaxError) -> [UInt8] {
        let e = c
        i += 1
        switch e {
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "t"): return [0x09]
        case UInt8(ascii: "n"): return [0x0A]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "r"): return [0x0D]
        case UInt8(ascii: "\""): return [0x22]
        case UInt8(ascii: "\\"): return [0x5C]
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = e == UInt8(ascii: "u") ? 4 : 8
            guard i + n <= b.count, let v = UInt32(String(decoding: b[i..<(i + n)], as: UTF8.self), radix: 16),
                  let u = Unicode.Scalar(v) else { throw fail("invalid unicode escape") }
            i += n
            return Array(String(u).utf8)
        default:
            throw fail("invalid escape character '\(Character(Unicode.Scalar(e)))'")
        }
    }

    private mutating func literalString() throws(SyntaxError) -> String {
        let start = i
        while !atEnd, c != UInt8(ascii: "'") {
            guard c != 0x0A else { throw fail("unterminated string") }
            i += 1
        }
        guard !atEnd else { throw fail("unterminated string") }
        defer { i += 1 }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    private mutating func skipFirstNewline() {
        if c == 0x0A { i += 1; line += 1 } else if c == 0x0D, i + 1 < b.count, b[i + 1] == 0x0A { i += 2; line += 1 }
    }

    private mutating func multilineBasic() throws(SyntaxError) -> String {
        skipFirstNewline()
        var out = [UInt8]()
        while true {
            guard !atEnd else { throw fail("unterminated multi-line string") }
            if b[i...].starts(with: [0x22, 0x22, 0x22]) {
                // Up to two quotes may end the content right before the delimiter.
                var extra = 0
                while i + 3 + extra < b.count, b[i + 3 + extra] == 0x22, extra < 2 { extra += 1 }
                out += Array(repeating: 0x22, count: extra)
                i += 3 + extra
                return String(decoding: out, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") {
                var j = i + 1
                while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                if j < b.count, b[j] == 0x0A || b[j] == 0x0D {
                    // A line-ending backslash trims the newline and following whitespace.
                    i = j
                    while !atEnd, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { if c == 0x0A { line += 1 }; i += 1 }
                    continue
                }
                i += 1
                out += try escape()
                continue
            }
            if c == 0x0A { line += 1 }
            out.append(c)
            i += 1
        }
    }

    private mutating func multilineLiteral() throws(SyntaxError) -> String {
        skipFirstNewline()
        let start = i
        while !atEnd {
            if b[i...].starts(with: [0x27, 0x27, 0x27]) {
                var extra = 0
                while i + 3 + extra < b.count, b[i + 3 + extra] == 0x27, extra < 2 { extra += 1 }
                let s = String(decoding: b[start..<(i + extra)], as: UTF8.self)
                i += 3 + extra
                return s
            }
            if c == 0x0A { line += 1 }
            i += 1
        }
        throw fail("unterminated multi-line string")
    }
}
