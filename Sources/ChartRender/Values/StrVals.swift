/// Helm's `--set` syntax (pkg/strvals): `a.b=c,d[0].e=f`, lists `{x,y}`, `\,` and `\.` escapes.
/// `--set` infers types (integers become int64, `true`/`false`, `null`); `--set-string` keeps
/// strings; `--set-literal` takes the whole value verbatim.
public enum StrVals {
    public enum Mode: Sendable { case typed, string, literal, json, file(@Sendable (String) throws -> String) }

    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public let flag: String
        public let input: String
        public let message: String
        public var description: String {
            "\(flag) \(GoQuote.quote(input)): \(message); expected KEY=VALUE pairs separated by commas, e.g. a.b=1,list[0]=x"
        }
    }

    /// Parses one flag value into `into`.
    public static func parse(_ s: String, into: inout [String: Value], mode: Mode, flag: String = "--set") throws(SyntaxError) {
        var p = StrValsParser(chars: Array(s.unicodeScalars), mode: mode, flag: flag, input: s)
        try p.parse(&into)
    }

    /// Coerces a --set value the way strvals.typedVal does.
    static func typed(_ s: String) -> Value {
        let lower = s.lowercased()
        if lower == "true" { return .bool(true) }
        if lower == "false" { return .bool(false) }
        if lower == "null" { return .null }
        if s == "0" { return .int64(0) }
        // Leading zeros are strings (e.g. 0123), as Helm keeps them.
        if !s.hasPrefix("0"), let i = Int64(s) { return .int64(i) }
        return .string(s)
    }
}

struct StrValsParser {
    let chars: [Unicode.Scalar]
    var i = 0
    let mode: StrVals.Mode
    let flag: String
    let input: String
    static let maxIndex = 65536

    init(chars: [Unicode.Scalar], mode: StrVals.Mode, flag: String, input: String) {
        self.chars = chars
        self.mode = mode
        self.flag = flag
        self.input = input
    }

    func fail(_ m: String) -> StrVals.SyntaxError { StrVals.SyntaxError(flag: flag, input: input, message: m) }

    /// Reads until one of `stops`, handling backslash escapes; returns the text and the stop (nil at end).
    mutating func runes(until stops: Set<Unicode.Scalar>) -> (String, Unicode.Scalar?) {
        var out = String.UnicodeScalarView()
        while i < chars.count {
            let c = chars[i]
            i += 1
            if c == "\\" && i < chars.count {
                out.append(chars[i]); i += 1; continue
            }
            if stops.contains(c) { return (String(out), c) }
            out.append(c)
        }
        return (String(out), nil)
    }

    mutating func parse(_ data: inout [String: Value]) throws(StrVals.SyntaxError) {
        while i < chars.count {
            try key(&data)
        }
    }

    func value(_ s: String) -> Value {
        switch mode {
        case .typed: StrVals.typed(s)
        default: .string(s)
        }
    }

    /// Reads the value after `=` in the flag's mode.
    mutating func readTypedValue() throws(StrVals.SyntaxError) -> Value {
        switch mode {
        case .json:
            let rest = Array(String(String.UnicodeScalarView(chars[i...])).utf8)
            do {
                let (v, used) = try JSONValueParser.parsePrefix(rest)
                i += String(decoding: rest[..<used], as: UTF8.self).unicodeScalars.count
                if i < chars.count {
                    guard chars[i] == "," else { throw fail("unexpected text after the JSON value") }
                    i += 1
                }
                return v
            } catch let e as StrVals.SyntaxError {
                throw e
            } catch {
                throw fail("invalid JSON value: \(error)")
            }
        case .file(let read):
            let path = readValue()
            do { return .string(try read(path)) } catch { throw fail("cannot read \(path): \(error)") }
        default:
            return value(readValue())
        }
    }

    mutating func readValue() -> String {
        if case .literal = mode {
            let s = String(String.UnicodeScalarView(chars[i...]))
            i = chars.count
            return s
        }
        return runes(until: [","]).0
    }

    mutating func key(_ data: inout [String: Value]) throws(StrVals.SyntaxError) {
        let isLiteral: Bool = if case .literal = mode { true } else { false }
        let (k, stop) = runes(until: isLiteral ? ["="] : ["=", "[", ",", "."])
        guard let stop else {
            if k.isEmpty { return }
            throw fail("key \(GoQuote.quote(k)) has no value")
        }
        switch stop {
        case "[":
            let (idx, list) = try indexed(data[k])
            var l = list
            try listItem(&l, idx)
            data[k] = .list(l)
        case "=":
            if mode.allowsLists, i < chars.count && chars[i] == "{" {
                i += 1
                let (body, close) = runes(until: ["}"])
                guard close != nil else { throw fail("list of key \(GoQuote.quote(k)) is missing its closing }") }
                data[k] = .list(body.split(separator: ",", omittingEmptySubsequences: false).map { value(String($0)) })
                if i < chars.count && chars[i] == "," { i += 1 }
                return
            }
            data[k] = try readTypedValue()
        case ",":
            if k.isEmpty { return }
            throw fail("key \(GoQuote.quote(k)) has no value")
        case ".":
            if k.isEmpty { throw fail("a key is empty") }
            var inner: [String: Value] = [:]
            if case .map(let m, _)? = data[k] { inner = m }
            try key(&inner)
            data[k] = .map(inner)
        default:
            break
        }
    }

    mutating func indexed(_ existing: Value?) throws(StrVals.SyntaxError) -> (Int, [Value]) {
        let (n, stop) = runes(until: ["]"])
        guard stop != nil, let idx = Int(n), idx >= 0 else { throw fail("index \(GoQuote.quote(n)) is not a non-negative number") }
        if idx > StrValsParser.maxIndex { throw fail("index \(idx) is larger than the maximum \(StrValsParser.maxIndex)") }
        var list: [Value] = []
        if case .list(let l, _)? = existing { list = l }
        return (idx, list)
    }

    mutating func listItem(_ list: inout [Value], _ idx: Int) throws(StrVals.SyntaxError) {
        while list.count <= idx { list.append(.null) }
        guard i < chars.count else { throw fail("index [\(idx)] has no value") }
        let c = chars[i]
        i += 1
        switch c {
        case "=":
            list[idx] = try readTypedValue()
        case ".":
            var inner: [String: Value] = [:]
            if case .map(let m, _) = list[idx] { inner = m }
            try key(&inner)
            list[idx] = .map(inner)
        case "[":
            let (j, l2) = try indexed(list[idx])
            var l = l2
            try listItem(&l, j)
            list[idx] = .list(l)
        default:
            throw fail("unexpected \(GoQuote.quote(String(c))) after index [\(idx)]")
        }
    }
}

extension StrVals.Mode {
    /// `{a,b}` list syntax applies to --set and --set-string.
    var allowsLists: Bool {
        switch self {
        case .typed, .string: true
        default: false
        }
    }
}
