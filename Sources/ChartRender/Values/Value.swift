/// A template value: a closed model of what Helm's Go templates see through reflection.
///
/// Values from YAML/JSON are `null`, `bool`, `float` (every number), `string`, `list` and `map`,
/// exactly as Helm's JSON round trip leaves them. Template literals give `int`; Sprig math gives
/// `int64`. Typed Go slices and maps (`[]string` from `splitList`, `map[string]string` from
/// `split`) keep their element type so `typeOf` and zero values match Go.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case int64(Int64)
    case float(Double)
    case string(String)
    case list([Value], element: GoType = .interface)
    case map([String: Value], element: GoType = .interface)
    /// A Go struct or pointer (`.Chart`, `.Capabilities`, `.Files`, `time.Time`, a semver).
    case object(any TemplateObject)

    public var goType: GoType? {
        switch self {
        case .null: nil
        case .bool: .bool
        case .int: .int
        case .int64: .int64
        case .float: .float64
        case .string: .string
        case .list(_, let e): .slice(e)
        case .map(_, let e): .map(e)
        case .object(let o): o.goType
        }
    }

    /// Go's `%T` spelling; `<nil>` for a nil interface.
    public var typeName: String { goType?.description ?? "<nil>" }

    /// Go template truthiness: false, 0, nil, and empty strings, slices and maps are false.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .int64(let i): i != 0
        case .float(let f): f != 0
        case .string(let s): !s.isEmpty
        case .list(let l, _): !l.isEmpty
        case .map(let m, _): !m.isEmpty
        case .object(let o): o.isTruthy
        }
    }

    public var isNull: Bool { if case .null = self { true } else { false } }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    /// Map entries in Go's iteration order for templates: sorted by key.
    public static func sortedEntries(_ m: [String: Value]) -> [(key: String, value: Value)] {
        m.sorted { $0.key < $1.key }
    }
}

/// A Go struct or pointer exposed to templates: fields and methods by name.
public protocol TemplateObject: Sendable {
    var goType: GoType { get }
    /// The field's value, or nil when the type has no such field.
    func field(_ name: String) -> Value?
    /// The method, or nil when the type has no such method.
    func method(_ name: String) -> TemplateFunction?
    /// What `%v` (and `{{ . }}`) prints.
    var formatted: String { get }
    var isTruthy: Bool { get }
    /// Structural equality for `eq`/`deepEqual`.
    func isEqual(to other: any TemplateObject) -> Bool
    /// The exported fields encoding/json writes for a plain struct (and so toJson/toYaml);
    /// nil for types that marshal as their text.
    var jsonFields: [String: Value]? { get }
}

extension TemplateObject {
    public func method(_ name: String) -> TemplateFunction? { nil }
    public var isTruthy: Bool { true }
    public var jsonFields: [String: Value]? { nil }
    public func isEqual(to other: any TemplateObject) -> Bool { formatted == other.formatted && goType == other.goType }
}

extension Value {
    /// Deep structural equality (Go's reflect.DeepEqual on the equivalent Go values).
    public func deepEquals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int64(let a), .int64(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a, let ea), .list(let b, let eb)):
            return ea == eb && a.count == b.count && zip(a, b).allSatisfy { $0.deepEquals($1) }
        case (.map(let a, let ea), .map(let b, let eb)):
            guard ea == eb, a.count == b.count else { return false }
            for (k, v) in a { guard let w = b[k], v.deepEquals(w) else { return false } }
            return true
        case (.object(let a), .object(let b)): return a.isEqual(to: b)
        default: return false
        }
    }
}
