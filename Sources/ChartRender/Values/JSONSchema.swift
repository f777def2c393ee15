import Foundation

/// A JSON Schema (draft 7) validator over template values, collecting every violation with the
/// path where it occurs. Numbers are float64 as in Helm; an integral float satisfies "integer".
public struct JSONSchema: Sendable {
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        /// Dotted path as Helm prints it (`image.tag`, `ports.0`), `(root)` at the top.
        public let path: String
        public let message: String
        public var description: String { "- \(path): \(message)" }
    }

    let root: Value

    public init(_ schema: Value) { root = schema }

    public func validate(_ v: Value) -> [Violation] {
        var out: [Violation] = []
        check(v, root, path: [], into: &out, depth: 0)
        return out
    }

    // MARK: helpers

    private static func pathString(_ p: [String]) -> String { p.isEmpty ? "(root)" : p.joined(separator: ".") }

    private func resolve(_ ref: String) -> Value? {
        guard ref.hasPrefix("#") else { return nil }
        var node = root
        for raw in ref.dropFirst().split(separator: "/") {
            let part = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case .map(let m, _): guard let n = m[part] else { return nil }; node = n
            case .list(let l, _): guard let i = Int(part), i < l.count else { return nil }; node = l[i]
            default: return nil
            }
        }
        return node
    }

    static func jsonType(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .bool: "boolean"
        case .int, .int64: "integer"
        case .float(let d): d == d.rounded() && d.isFinite ? "integer" : "number"
        case .string: "string"
        case .list: "array"
        case .map: "object"
        case .object: "object"
        }
    }

    static func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .int64(let i): Double(i)
        case .float(let d): d
        default: nil
        }
    }

    private static func describe(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return YAMLEmitter.text(of: v)
    }

    // MARK: validation

    private func check(_ v: Value, _ schemaValue: Value, path: [String], into out: inout [Violation], depth: Int) {
        if depth > 64 { return }
        if case .bool(let b) = schemaValue {
            if !b { out.append(Violation(path: Self.pathString(path), message: "False always fails validation")) }
            return
        }
        guard case .map(let s, _) = schemaValue else { return }
        func fail(_ m: String) { out.append(Violation(path: Self.pathString(path), message: m)) }

        if let ref = s["$ref"]?.stringValue {
            if let target = resolve(ref) { check(v, target, path: path, into: &out, depth: depth + 1) }
            else { fail("cannot resolve $ref \(ref) in the schema") }
            return
        }
        if let t = s["type"] {
            let allowed: [String] = if case .list(let l, _) = t { l.compactMap(\.stringValue) } else { [t.stringValue ?? ""] }
            let actual = Self.jsonType(v)
            let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !ok {
                fail("Invalid type. Expected: \(allowed.joined(separator: "/")), given: \(actual)")
                return
            }
        }
        if case .list(let options, _)? = s["enum"], !options.contains(where: { $0.jsonEquals(v) }) {
            fail("\(path.last ?? "(root)") must be one of the following: " + options.map { "\"\(Self.describe($0))\"" }.joined(separator: ", "))
        }
        if let c = s["const"], !c.jsonEquals(v) { fail("\(path.last ?? "(root)") does not match: \"\(Self.describe(c))\"") }

        if let n = Self.number(v) {
            if let m = s["minimum"].flatMap(Self.number), n < m { fail("Must be greater than or equal to \(Self.describe(s["minimum"]!))") }
            if let m = s["maximum"].flatMap(Self.number), n > m { fail("Must be less than or equal to \(Self.describe(s["maximum"]!))") }
            if let m = s["exclusiveMinimum"].flatMap(Self.number), n <= m { fail("Must be greater than \(Self.describe(s["exclusiveMinimum"]!))") }
            if let m = s["exclusiveMaximum"].flatMap(Self.number), n >= m { fail("Must be less than \(Self.describe(s["exclusiveMaximum"]!))") }
            if let m = s["multipleOf"].flatMap(Self.number), m > 0, (n / m).rounded() != n / m { fail("Must be a multiple of \(Self.describe(s["multipleOf"]!))") }
        }
        if case .string(let str) = v {
            let len = str.unicodeScalars.count
            if let m = s["minLength"].flatMap(Self.number), Double(len) < m { fail("String length must be greater than or equal to \(Int(m))") }
            if let m = s["maxLength"].flatMap(Self.number), Double(len) > m { fail("String length must be less than or equal to \(Int(m))") }
            if let p = s["pattern"]?.stringValue, !Self.matches(str, p) {
                fail("Does not match pattern '\(p)'")
            }
            if let f = s["format"]?.stringValue, !Self.matchesFormat(str, f) { fail("Does not match format '\(f)'") }
        }
        if case .list(let items, _) = v {
            if let m = s["minItems"].flatMap(Self.number), Double(items.count) < m { fail("Array must have at least \(Int(m)) items") }
            if let m = s["maxItems"].flatMap(Self.number), Double(items.count) > m { fail("Array must have at most \(Int(m)) items") }
            if case .bool(true)? = s["uniqueItems"] {
                for i in 0..<items.count where items[(i + 1)...].contains(where: { $0.jsonEquals(items[i]) }) {
                    fail("array items[\(i)] must be unique"); break
                }
            }
            switch s["items"] {
            case .list(let tuple, _)?:
                for (i, item) in items.enumerated() {
                    if i < tuple.count { check(item, tuple[i], path: path + [String(i)], into: &out, depth: depth + 1) }
                    else if let extra = s["additionalItems"] { check(item, extra, path: path + [String(i)], into: &out, depth: depth + 1) }
                }
            case let itemSchema?:
                for (i, item) in items.enumerated() { check(item, itemSchema, path: path + [String(i)], into: &out, depth: depth + 1) }
            case nil: break
            }
            if let c = s["contains"], !items.contains(where: { JSONSchema(root).subValid($0, c) }) {
                fail("At least one of the items must match")
            }
        }
        if case .map(let m, _) = v {
            if let m2 = s["minProperties"].flatMap(Self.number), Double(m.count) < m2 { fail("Must have at least \(Int(m2)) properties") }
            if let m2 = s["maxProperties"].flatMap(Self.number), Double(m.count) > m2 { fail("Must have at most \(Int(m2)) properties") }
            if case .list(let req, _)? = s["required"] {
                for case .string(let k) in req where m[k] == nil {
                    out.append(Violation(path: Self.pathString(path), message: "\(k) is required"))
                }
            }
            var props: [String: Value] = [:]
            if case .map(let p, _)? = s["properties"] { props = p }
            var patterns: [String: Value] = [:]
            if case .map(let p, _)? = s["patternProperties"] { patterns = p }
            for key in m.keys.sorted() {
                guard let val = m[key] else { continue }
                var matched = false
                if let ps = props[key] { matched = true; check(val, ps, path: path + [key], into: &out, depth: depth + 1) }
                for (pattern, ps) in patterns where Self.matches(key, pattern) {
                    matched = true
                    check(val, ps, path: path + [key], into: &out, depth: depth + 1)
                }
                if !matched, let ap = s["additionalProperties"] {
                    if case .bool(false) = ap {
                        fail("Additional property \(key) is not allowed")
                    } else {
                        check(val, ap, path: path + [key], into: &out, depth: depth + 1)
                    }
                }
            }
            if let pn = s["propertyNames"] {
                for key in m.keys.sorted() where !subValid(.string(key), pn) { fail("Property name \(key) does not match the schema") }
            }
            if case .map(let deps, _)? = s["dependencies"] {
                for (k, d) in deps where m[k] != nil {
                    if case .list(let names, _) = d {
                        for case .string(let n) in names where m[n] == nil { fail("Has a dependency on \(n)") }
                    } else {
                        check(v, d, path: path, into: &out, depth: depth + 1)
                    }
                }
            }
        }
        if case .list(let all, _)? = s["allOf"] { for sub in all { check(v, sub, path: path, into: &out, depth: depth + 1) } }
        if case .list(let any, _)? = s["anyOf"], !any.contains(where: { subValid(v, $0) }) { fail("Must validate at least one schema (anyOf)") }
        if case .list(let one, _)? = s["oneOf"] {
            let n = one.filter { subValid(v, $0) }.count
            if n != 1 { fail(n == 0 ? "Must validate one and only one schema (oneOf)" : "Must validate one and only one schema (oneOf), but \(n) matched") }
        }
        if let not = s["not"], subValid(v, not) { fail("Must not validate the schema (not)") }
        if let cond = s["if"] {
            if subValid(v, cond) { if let t = s["then"] { check(v, t, path: path, into: &out, depth: depth + 1) } }
            else if let e = s["else"] { check(v, e, path: path, into: &out, depth: depth + 1) }
        }
    }

    private func subValid(_ v: Value, _ schema: Value) -> Bool {
        var out: [Violation] = []
        check(v, schema, path: [], into: &out, depth: 1)
        return out.isEmpty
    }

    static func matchesFormat(_ s: String, _ format: String) -> Bool {
        let pattern: String
        switch format {
        case "date-time": pattern = #"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#
        case "date": pattern = #"^\d{4}-\d{2}-\d{2}$"#
        case "email": pattern = #"^[^@\s]+@[^@\s]+$"#
        case "hostname": pattern = #"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"#
        case "ipv4": pattern = #"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$"#
        case "uri": pattern = #"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$"#
        default: return true
        }
        return matches(s, pattern)
    }
}

extension JSONSchema {
    /// Whether `pattern` matches somewhere in `s`; an invalid pattern matches nothing. Patterns
    /// in SimpleRegex's subset (nearly all a values schema holds) follow Go's regexp, as Helm
    /// does; the rest go to ICU (`NSRegularExpression`). Each pattern is compiled once per
    /// process: validation visits the same schema nodes for every list item.
    static func matches(_ s: String, _ pattern: String) -> Bool {
        switch RegexCache.shared.matcher(pattern) {
        case .simple(let r): return r.matches(s)
        case .icu(let re): return re.firstMatch(in: s, range: NSRange(location: 0, length: s.utf16.count)) != nil
        case .invalid: return false
        }
    }
}

/// Compiled regular expressions by pattern.
public final class RegexCache: @unchecked Sendable {
    enum Matcher {
        case simple(SimpleRegex)
        case icu(NSRegularExpression)
        case invalid
    }

    static let shared = RegexCache()
    private let lock = NSLock()

    /// Starts ICU's regular-expression engine (about a millisecond and a half the first time in
    /// a process), so that a later compile on the critical path finds it ready.
    public static func warmUp() {
        _ = try? NSRegularExpression(pattern: "a+")
    }
    private var compiled: [String: Matcher] = [:]
    private var expressions: [String: NSRegularExpression] = [:]

    /// Patterns kept per kind; beyond it the kind starts over (templates may build patterns from values).
    static let limit = 256

    /// An ICU expression for a template function's pattern (Go syntax ICU shares), compiled once
    /// per process: a chart calls the same few patterns over and over (a helper applied to every
    /// value), and compiling one in ICU is costly (the T.A.R.S. render spent a quarter of its
    /// template time in `uregex_open`). nil when ICU rejects it, which is not kept, so the
    /// caller reports its error each time. Compiled expressions are immutable and shared by the
    /// threads that execute templates.
    func expression(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let re = expressions[pattern] { return re }
        guard let re = try? NSRegularExpression(pattern: pattern) else { return nil }
        if expressions.count >= Self.limit { expressions.removeAll() }
        expressions[pattern] = re
        return re
    }

    func matcher(_ pattern: String) -> Matcher {
        lock.lock()
        defer { lock.unlock() }
        if let m = compiled[pattern] { return m }
        let m: Matcher
        if let simple = SimpleRegex(pattern) {
            m = .simple(simple)
        } else if let re = try? NSRegularExpression(pattern: pattern) {
            m = .icu(re)
        } else {
            m = .invalid
        }
        if compiled.count >= Self.limit { compiled.removeAll() }
        compiled[pattern] = m
        return m
    }
}

extension Value {
    /// Equality as JSON sees it: numbers by value whatever their Go type.
    func jsonEquals(_ o: Value) -> Bool {
        if let a = JSONSchema.number(self), let b = JSONSchema.number(o) { return a == b }
        switch (self, o) {
        case (.list(let a, _), .list(let b, _)): return a.count == b.count && zip(a, b).allSatisfy { $0.jsonEquals($1) }
        case (.map(let a, _), .map(let b, _)):
            return a.count == b.count && a.allSatisfy { k, v in b[k].map { v.jsonEquals($0) } ?? false }
        default: return deepEquals(o)
        }
    }
}
