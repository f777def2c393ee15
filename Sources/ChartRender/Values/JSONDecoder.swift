/// Parses JSON into template values as Go's encoding/json does into `interface{}`: every number
/// becomes a float64, objects become `map[string]interface {}`, arrays `[]interface {}`.
public struct JSONValueParser {
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public let offset: Int
        public let message: String
        public var description: String { message }
    }

    private let b: [UInt8]
    private var i = 0
    private var depth = 0

    public static func parse(_ text: String) throws(SyntaxError) -> Value {
        var p = JSONValueParser(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value()
        p.skipSpace()
        if p.i < p.b.count { throw p.err("invalid character \(p.describe(p.b[p.i])) after top-level value") }
        return v
    }

    init(bytes: [UInt8]) { self.b = bytes }

    /// Parses one JSON value at the start of `bytes`; returns it and how many bytes it used.
    public static func parsePrefix(_ bytes: [UInt8]) throws(SyntaxError) -> (Value, Int) {
        var p = JSONValueParser(bytes: bytes)
        p.skipSpace()
        let v = try p.value()
        return (v, p.i)
    }

    private func err(_ m: String) -> SyntaxError { SyntaxError(offset: i, message: m) }

    private func describe(_ c: UInt8) -> String {
        c == UInt8(ascii: "'") ? "'\\''" : "'\(Character(UnicodeScalar(c)))'"
    }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
    }

    private mutating func value() throws(SyntaxError) -> Value {
        guard i < b.count else { throw err("unexpected end of JSON input") }
        switch b[i] {
        case UInt8(ascii: "{"):
            depth += 1
            if depth > 10000 { throw err("exceeded max depth") }
            defer { depth -= 1 }
            i += 1
            var m: [String: Value] = [:]
            skipSpace()
            if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; return .map(m) }
            while true {
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else {
                    if i >= b.count { throw err("unexpected end of JSON input") }
                    throw err("invalid character \(describe(b[i])) looking for beginning of object key string")
                }
                let k = try string()
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw err("unexpected end of JSON input") }
                i += 1
                skipSpace()
                m[k] = try value()
                skipSpace()
                guard i < b.count else { throw err("unexpected end of JSON input") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .map(m) }
                throw err("invalid character \(describe(b[i])) after object key:value pair")
            }
        case UInt8(ascii: "["):
            depth += 1
            if depth > 10000 { throw err("exceeded max depth") }
            defer { depth -= 1 }
            i += 1
            var l: [Value] = []
            skipSpace()
            if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; return .list(l) }
            while true {
                skipSpace()
                l.append(try value())
                skipSpace()
                guard i < b.count else { throw err("unexpected end of JSON input") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .list(l) }
                throw err("invalid character \(describe(b[i])) after array element")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = i
            if b[i] == UInt8(ascii: "-") { i += 1 }
            while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e")
                || b[i] == UInt8(ascii: "E") || b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            let text = String(decoding: b[start..<i], as: UTF8.self)
            guard let d = Double(text) else { throw err("invalid number literal \(text)") }
            return .float(d)
        default:
            throw err("invalid character \(describe(b[i])) looking for beginning of value")
        }
    }

    private mutating func literal(_ word: String, _ v: Value) throws(SyntaxError) -> Value {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, Array(b[i..<(i + w.count)]) == w else {
            throw err("invalid character \(describe(b[min(i + 1, b.count - 1)])) in literal \(word) (expecting \(describe(w[1])))")
        }
        i += w.count
        return v
    }

    private mutating func string() throws(SyntaxError) -> String {
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < b.count else { throw err("unexpected end of JSON input") }
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw err("invalid character \(describe(c)) in string literal") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < b.count else { throw err("unexpected end of JSON input") }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if code >= 0xD800 && code < 0xDC00, i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if low >= 0xDC00 && low < 0xE000 {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = save
                    }
                }
                let scalar = UnicodeScalar(code) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(scalar).utf8))
            default:
                throw err("invalid character \(describe(e)) in string escape code")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<(i + 4)], as: UTF8.self), radix: 16) else {
            throw err("invalid character in \\u hexadecimal character escape")
        }
        i += 4
        return v
    }
}
