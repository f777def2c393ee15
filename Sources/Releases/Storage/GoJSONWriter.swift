import KubeClient

/// Writes JSON as Go's encoding/json does for Helm's types: struct fields in declaration order,
/// map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped, floats in Go's shortest form.
struct GoJSONWriter {
    private(set) var bytes: [UInt8] = []

    /// Writes `{`, then calls `body` with a field writer, then `}`.
    mutating func object(_ body: (inout FieldWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        // The buffer moves into the field writer and back, never copied (records run to megabytes).
        var fields = FieldWriter(writer: GoJSONWriter())
        swap(&fields.writer.bytes, &bytes)
        body(&fields)
        swap(&fields.writer.bytes, &bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<T>(_ items: [T], _ each: (inout GoJSONWriter, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            each(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// JSON written before, as is.
    mutating func raw(_ json: [UInt8]) { bytes.append(contentsOf: json) }

    mutating func int(_ i: Int) { raw(String(i)) }

    mutating func bytesAsBase64(_ data: [UInt8]) { string(Base64.encode(data)) }

    /// A JSON value with object keys sorted (Go's map order) unless `order` gives a Go struct's
    /// field order; it applies to the object, its named children, and each element of an array.
    mutating func value(_ v: JSON, order: KeyOrder? = nil) {
        switch v {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .int(let i): raw(String(i))
        case .double(let d): raw(Self.goFloat(d))
        case .string(let s): string(s)
        case .array(let items): array(items) { w, item in w.value(item, order: order) }
        case .object(let fields):
            object { f in
                for key in Self.ordered(fields.keys, by: order?.fields) {
                    guard let value = fields[key] else { continue }
                    if order?.omitEmpty.contains(key) == true && KeyOrder.isEmpty(value) { continue }
                    f.field(key) { $0.value(value, order: order?.nested[key]) }
                }
            }
        }
    }

    /// Known keys in the given order, then the rest sorted by bytes.
    static func ordered(_ keys: Dictionary<String, JSON>.Keys, by order: [String]?) -> [String] {
        let sorted = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard let order else { return sorted }
        let known = order.filter { keys.contains($0) }
        return known + sorted.filter { !order.contains($0) }
    }

    /// A JSON string as encoding/json writes it. Works on the UTF-8 bytes and copies runs that
    /// need no escaping in one go (release records hold whole charts, so this is most of their
    /// encoding time).
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = s
        text.withUTF8 { u in
            var run = 0
            var i = 0
            func escape(_ e: StaticString, skip: Int = 1) {
                if run < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<i])) }
                e.withUTF8Buffer { bytes.append(contentsOf: $0) }
                i += skip
                run = i
            }
            while i < u.count {
                switch u[i] {
                case UInt8(ascii: "\""): escape("\\\"")
                case UInt8(ascii: "\\"): escape("\\\\")
                case 0x0A: escape("\\n")
                case 0x0D: escape("\\r")
                case 0x09: escape("\\t")
                case 0x08: escape("\\b")
                case 0x0C: escape("\\f")
                case UInt8(ascii: "<"): escape("\\u003c")
                case UInt8(ascii: ">"): escape("\\u003e")
                case UInt8(ascii: "&"): escape("\\u0026")
                case 0xE2 where i + 2 < u.count && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9):
                    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9).
                    escape(u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", skip: 3)
                case let c where c < 0x20:
                    if run < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<i])) }
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(c >> 4)], hex[Int(c & 0xF)]])
                    i += 1
                    run = i
                default:
                    i += 1
                }
            }
            if run < u.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<u.count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// encoding/json's float64: shortest round-trip digits, plain decimal unless the exponent is
    /// below -6 or at least 21, exponents without a leading zero (`1e-07` becomes `1e-7`).
    static func goFloat(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let a = Swift.abs(d)
        let shortest = "\(d)"  // Swift also prints the shortest digits that round-trip
        if a >= 1e-6 && a < 1e21 { return Self.plainDecimal(shortest) }
        // Scientific: mantissa digits and exponent from Swift's text.
        let (digits, exponent, negative) = Self.digitsAndExponent(shortest)
        var mantissa = String(digits.first!)
        if digits.count > 1 { mantissa += "." + digits.dropFirst() }
        let e = exponent - 1
        // strconv writes at least two exponent digits; encoding/json then trims `e-07` to `e-7`.
        let expDigits = e < 0 ? String(-e) : (e < 10 ? "0" : "") + String(e)
        return (negative ? "-" : "") + mantissa + "e" + (e < 0 ? "-" : "+") + expDigits
    }

    /// Digits without leading/trailing zeros and the decimal exponent such that value = 0.DIGITS × 10^exponent.
    static func digitsAndExponent(_ text: String) -> (String, Int, Bool) {
        var s = Substring(text)
        let negative = s.hasPrefix("-")
        if negative { s = s.dropFirst() }
        var exp = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp = Int(s[s.index(after: e)...]) ?? 0
            s = s[..<e]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var pointPos = intPart.count + exp
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); pointPos -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (digits, pointPos, negative)
    }

    static func plainDecimal(_ text: String) -> String {
        let (digits, point, negative) = digitsAndExponent(text)
        var out: String
        if point <= 0 {
            out = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            out = digits + String(repeating: "0", count: point - digits.count)
        } else {
            let i = digits.index(digits.startIndex, offsetBy: point)
            out = digits[..<i] + "." + digits[i...]
        }
        return (negative ? "-" : "") + out
    }
}

/// The field order of a Go struct written from JSON held as a map, and of the structs inside it.
struct KeyOrder: Sendable {
    var fields: [String]
    var nested: [String: KeyOrder] = [:]
    /// Fields tagged `omitempty`: left out when false, 0, "", null, or an empty array or object.
    var omitEmpty: Set<String> = []

    static func isEmpty(_ v: JSON) -> Bool {
        switch v {
        case .null: return true
        case .bool(let b): return !b
        case .int(let i): return i == 0
        case .double(let d): return d == 0
        case .string(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        }
    }
}

/// Writes the fields of one object, commas between them.
struct FieldWriter {
    var writer: GoJSONWriter
    private var count = 0

    init(writer: GoJSONWriter) { self.writer = writer }

    mutating func field(_ name: String, _ body: (inout GoJSONWriter) -> Void) {
        if count > 0 { writer.raw(",") }
        count += 1
        writer.string(name)
        writer.raw(":")
        body(&writer)
    }

    /// A string field with `omitempty`.
    mutating func omitEmpty(_ name: String, _ value: String) {
        if !value.isEmpty { field(name) { $0.string(value) } }
    }

    mutating func omitEmpty(_ name: String, _ value: Int) {
        if value != 0 { field(name) { $0.int(value) } }
    }

    mutating func omitEmpty(_ name: String, _ values: [String]) {
        if !values.isEmpty { field(name) { w in w.array(values) { $0.string($1) } } }
    }

    mutating func omitZero(_ name: String, _ time: GoTime?) {
        if let time, !time.isGoZero { field(name) { $0.string(time.description) } }
    }

    /// Fields this version does not model, sorted, after the known ones.
    mutating func unknown(_ fields: [String: JSON]) {
        for key in fields.keys.sorted() {
            if let v = fields[key] { field(key) { $0.value(v) } }
        }
    }
}
