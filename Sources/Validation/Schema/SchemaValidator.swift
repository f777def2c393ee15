import Foundation
import KubeClient

/// One place where a value breaks its schema.
public struct SchemaViolation: Sendable, Hashable {
    public var path: JSONPath
    public var message: String
}

/// Checks JSON values against compiled schemas, with JSON Schema 2020-12 semantics as the
/// Python `jsonschema` package applies them for kubernetes-validate: `1.0` is an integer, `true`
/// is not a number, `format` is not asserted, `oneOf` needs exactly one match.
struct SchemaValidator: Sendable {
    let arena: SchemaArena

    func validate(_ value: JSON, against root: Int) -> [SchemaViolation] {
        var out: [SchemaViolation] = []
        var path: [PathComponent] = []
        _ = check(value, root, &path, &out, quiet: false)
        return out
    }

    /// Returns whether `value` matches; in quiet mode stops at the first problem and records nothing.
    private func check(_ value: JSON, _ index: Int, _ path: inout [PathComponent], _ out: inout [SchemaViolation],
                       quiet: Bool) -> Bool {
        if index == SchemaArena.any { return true }
        let n = arena.nodes[index]
        var ok = true
        func fail(_ message: @autoclosure () -> String, at extra: PathComponent? = nil) {
            ok = false
            guard !quiet else { return }
            var p = path
            if let extra { p.append(extra) }
            out.append(SchemaViolation(path: JSONPath(p), message: message()))
        }
        if n.ref >= 0 {
            if !check(value, n.ref, &path, &out, quiet: quiet) {
                ok = false
                if quiet { return false }
            }
        }
        if !n.types.isEmpty && n.types.isDisjoint(with: Self.types(of: value)) {
            fail("expected \(n.types.names), got \(Self.describe(value))")
            return false
        }
        if let values = n.enumValues, !values.contains(where: { Self.equal($0, value) }) {
            let allowed = values.prefix(12).map(Self.literal).joined(separator: ", ")
            fail("unsupported value \(Self.literal(value)); expected one of \(allowed)\(values.count > 12 ? ", …" : "")")
            if quiet { return false }
        }
        switch value {
        case .object(let fields):
            if let props = n.properties {
                for (k, v) in fields {
                    if let sub = props[k] {
                        path.append(.key(k))
                        let good = check(v, sub, &path, &out, quiet: quiet)
                        path.removeLast()
                        if !good { ok = false; if quiet { return false } }
                    } else if n.additional == -2 {
                        fail("unknown field \"\(k)\"\(Self.suggestion(for: k, among: props.keys))", at: .key(k))
                        if quiet { return false }
                    } else if n.additional >= 0 {
                        path.append(.key(k))
                        let good = check(v, n.additional, &path, &out, quiet: quiet)
                        path.removeLast()
                        if !good { ok = false; if quiet { return false } }
                    }
                }
            } else if n.additional >= 0 {
                for (k, v) in fields {
                    path.append(.key(k))
                    let good = check(v, n.additional, &path, &out, quiet: quiet)
                    path.removeLast()
                    if !good { ok = false; if quiet { return false } }
                }
            } else if n.additional == -2, let k = fields.keys.sorted().first {
                fail("unknown field \"\(k)\"", at: .key(k))
                if quiet { return false }
            }
            for r in n.required where fields[r] == nil {
                fail("required field is missing", at: .key(r))
                if quiet { return false }
            }
            if let m = n.minProperties, fields.count < m { fail("must have at least \(m) fields") }
            if let m = n.maxProperties, fields.count > m { fail("must have at most \(m) fields") }
        case .array(let items):
            if n.items >= 0 {
                for (i, item) in items.enumerated() {
                    path.append(.index(i))
                    let good = check(item, n.items, &path, &out, quiet: quiet)
                    path.removeLast()
                    if !good { ok = false; if quiet { return false } }
                }
            }
            if let m = n.minItems, items.count < m { fail("must have at least \(m) items, has \(items.count)") }
            if let m = n.maxItems, items.count > m { fail("must have at most \(m) items, has \(items.count)") }
            if n.uniqueItems {
                for i in items.indices where items[..<i].contains(where: { Self.equal($0, items[i]) }) {
                    fail("items must be unique; [\(i)] repeats an earlier item")
                    break
                }
            }
        case .string(let s):
            if n.minLength != nil || n.maxLength != nil {
                let length = s.unicodeScalars.count
                if let m = n.minLength, length < m { fail("must be at least \(m) characters long") }
                if let m = n.maxLength, length > m { fail("must be at most \(m) characters long") }
            }
            if n.pattern >= 0, let re = arena.patterns.expressions[n.pattern],
               re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil {
                fail("\(Self.literal(value)) does not match the pattern \(arena.patterns.sources[n.pattern])")
            }
        case .int, .double:
            if let d = SchemaCompiler.number(value) {
                if let m = n.minimum, n.exclusiveMinimum ? d <= m : d < m {
                    fail("must be \(n.exclusiveMinimum ? "greater than" : "at least") \(Self.format(m)), got \(Self.literal(value))")
                }
                if let m = n.maximum, n.exclusiveMaximum ? d >= m : d > m {
                    fail("must be \(n.exclusiveMaximum ? "less than" : "at most") \(Self.format(m)), got \(Self.literal(value))")
                }
            }
        default:
            break
        }
        if quiet && !ok { return false }
        if let branches = n.oneOf {
            var scratch: [SchemaViolation] = []
            var matches = 0
            for b in branches {
                var p = path
                if check(value, b, &p, &scratch, quiet: true) { matches += 1 }
            }
            if matches != 1 {
                let union = branches.reduce(JSONTypes()) { $0.union(arena.nodes[$1].types) }
                if matches == 0 && !union.isEmpty && branches.allSatisfy({ Self.isTypeOnly(arena.nodes[$0]) }) {
                    fail("expected \(union.names), got \(Self.describe(value))")
                } else if matches == 0 {
                    fail("\(Self.describe(value)) matches none of the \(branches.count) allowed forms")
                } else {
                    fail("\(Self.describe(value)) matches \(matches) of the allowed forms; exactly one is allowed")
                }
            }
        }
        if let branches = n.anyOf {
            var scratch: [SchemaViolation] = []
            let any = branches.contains { b in
                var p = path
                return check(value, b, &p, &scratch, quiet: true)
            }
            if !any { fail("\(Self.describe(value)) matches none of the \(branches.count) allowed forms") }
        }
        if let all = n.allOf {
            for b in all where !check(value, b, &path, &out, quiet: quiet) {
                ok = false
                if quiet { return false }
            }
        }
        if n.not >= 0 {
            var scratch: [SchemaViolation] = []
            var p = path
            if check(value, n.not, &p, &scratch, quiet: true) {
                fail(n.not == SchemaArena.any ? "no value is allowed here" : "\(Self.describe(value)) is not allowed here")
            }
        }
        return ok
    }

    private static func isTypeOnly(_ n: SchemaNode) -> Bool {
        n.ref < 0 && n.properties == nil && n.items < 0 && n.enumValues == nil && n.oneOf == nil && n.anyOf == nil
            && n.allOf == nil && n.pattern < 0
    }

    static func types(of value: JSON) -> JSONTypes {
        switch value {
        case .null: .null
        case .bool: .boolean
        case .int: [.integer, .number]
        case .double(let d): d.isFinite && d == d.rounded(.towardZero) ? [.integer, .number] : .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    /// Equality as Python compares decoded JSON: 1 == 1.0, but true is not 1.
    static func equal(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { equal(v, $0) } ?? false }
        default: return a == b
        }
    }

    static func describe(_ value: JSON) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): "boolean \(b)"
        case .int(let i): "integer \(i)"
        case .double(let d): "number \(format(d))"
        case .string: "string \(literal(value))"
        case .array(let a): "array of \(a.count) items"
        case .object: "object"
        }
    }

    static func literal(_ value: JSON) -> String {
        switch value {
        case .string(let s):
            let short = s.count > 60 ? String(s.prefix(57)) + "..." : s
            return "\"" + short.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
        case .int(let i): return String(i)
        case .double(let d): return format(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array: return "[…]"
        case .object: return "{…}"
        }
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }

    /// ` (did you mean "containerPort"?)` when a known field is one or two edits away.
    static func suggestion(for key: String, among names: Dictionary<String, Int>.Keys) -> String {
        let lower = key.lowercased()
        var best: (String, Int)?
        for name in names {
            let d = name.lowercased() == lower ? 0 : editDistance(lower, name.lowercased(), limit: 2)
            if d <= 2, best == nil || d < best!.1 { best = (name, d) }
        }
        return best.map { " (did you mean \"\($0.0)\"?)" } ?? ""
    }

    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if abs(x.count - y.count) > limit { return limit + 1 }
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            cur[0] = i
            for j in 1...max(y.count, 1) where !y.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return x.isEmpty ? y.count : prev[y.count]
    }
}
