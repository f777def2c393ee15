/// A JSON value that keeps integers and floating-point numbers apart, so `replicas: 2` is written
/// back as `2` and never `2.0` (kubectl and kstatus read such fields as int64).
public enum JSON: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    public subscript(key: String) -> JSON? {
        get {
            if case .object(let fields) = self { return fields[key] }
            return nil
        }
        set {
            guard case .object(var fields) = self else { return }
            // Letting go of self's reference first leaves `fields` unique, so it is changed in
            // place instead of copied whole for every key set.
            self = .null
            fields[key] = newValue
            self = .object(fields)
        }
    }

    /// The value at a path of object keys, or nil when any step is missing.
    public subscript(path path: [String]) -> JSON? {
        get {
            var current: JSON? = self
            for key in path { current = current?[key] }
            return current
        }
        set { assign(newValue, at: path[...]) }
    }

    /// The setter of `self[path:]`: a missing or non-object step on the way becomes an object;
    /// nothing happens when `self` is not an object. Every level is changed in place (see
    /// `subscript(key:)`), not copied.
    private mutating func assign(_ newValue: JSON?, at path: ArraySlice<String>) {
        guard let first = path.first else {
            if let newValue { self = newValue }
            return
        }
        guard case .object(var fields) = self else { return }
        self = .null
        if path.count == 1 {
            fields[first] = newValue
        } else {
            if case .object? = fields[first] {} else { fields[first] = .object([:]) }
            fields[first]!.assign(newValue, at: path.dropFirst())
        }
        self = .object(fields)
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 9e15: return Int64(d)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var objectValue: [String: JSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var fields: [String: JSON] = [:]
        for (k, v) in elements { fields[k] = v }
        self = .object(fields)
    }
}
