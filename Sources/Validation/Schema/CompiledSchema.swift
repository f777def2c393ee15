import Foundation
import KubeClient

/// JSON types as a bit set, so a type check is one AND.
struct JSONTypes: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let null = JSONTypes(rawValue: 1)
    static let boolean = JSONTypes(rawValue: 2)
    static let integer = JSONTypes(rawValue: 4)
    static let number = JSONTypes(rawValue: 8)
    static let string = JSONTypes(rawValue: 16)
    static let array = JSONTypes(rawValue: 32)
    static let object = JSONTypes(rawValue: 64)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "integer": self = .integer
        case "number": self = .number
        case "string": self = .string
        case "array": self = .array
        case "object": self = .object
        default: return nil
        }
    }

    /// `string or integer`, leaving null out (every optional field allows it).
    var names: String {
        var out: [String] = []
        if contains(.string) { out.append("string") }
        if contains(.integer) && !contains(.number) { out.append("integer") }
        if contains(.number) { out.append("number") }
        if contains(.boolean) { out.append("boolean") }
        if contains(.array) { out.append("array") }
        if contains(.object) { out.append("object") }
        if out.isEmpty && contains(.null) { out.append("null") }
        return out.joined(separator: " or ")
    }
}

/// One schema, compiled: what JSON Schema keywords say, in fields a validator reads directly.
/// References are indices into the `SchemaArena`, so recursive schemas (CRD JSONSchemaProps)
/// are just cycles of integers.
struct SchemaNode: Sendable {
    /// Empty = any type.
    var types: JSONTypes = []
    var ref: Int = -1
    var properties: [String: Int]?
    var required: [String] = []
    /// -1: anything goes; -2: forbidden (`false`, or strict mode); otherwise a schema index.
    var additional: Int = -1
    var items: Int = -1
    var enumValues: [JSON]?
    var oneOf: [Int]?
    var anyOf: [Int]?
    var allOf: [Int]?
    var not: Int = -1
    var pattern: Int = -1
    var minimum: Double?
    var maximum: Double?
    var exclusiveMinimum = false
    var exclusiveMaximum = false
    var minLength: Int?
    var maxLength: Int?
    var minItems: Int?
    var maxItems: Int?
    var minProperties: Int?
    var maxProperties: Int?
    var uniqueItems = false
}

/// Regular expressions of `pattern` keywords, compiled once.
/// NSRegularExpression is immutable after creation and documented as safe to use from several
/// threads, so sharing it is sound although corelibs Foundation does not mark it Sendable.
final class CompiledPatterns: @unchecked Sendable {
    private(set) var expressions: [NSRegularExpression?] = []
    private(set) var sources: [String] = []

    func add(_ source: String) -> Int {
        sources.append(source)
        expressions.append(try? NSRegularExpression(pattern: source))
        return expressions.count - 1
    }
}

/// All compiled schemas of one validation run. Built single-threaded, then read-only.
struct SchemaArena: Sendable {
    var nodes: [SchemaNode] = [SchemaNode()]   // index 0: the "any" schema
    var patterns = CompiledPatterns()
    static let any = 0
}

/// How a schema dialect spells things: the bundle and kubernetes-validate's JSON Schema, or a
/// CRD's OpenAPI v3 structural schema (nullable, x-kubernetes-int-or-string, ...).
enum SchemaDialect: Sendable {
    case jsonSchema
    /// A CRD's structural schema.
    case openAPI
    /// A cluster's /openapi/v3 documents: `format: int-or-string`, and null accepted wherever a
    /// type is given (the API server decodes a null field as unset).
    case clusterOpenAPI
}

/// Turns JSON schema documents into `SchemaNode`s, resolving `$ref` through a callback so
/// every referenced definition is compiled once.
struct SchemaCompiler {
    var arena: SchemaArena
    var strict: Bool
    /// Resolves a `$ref` to a stable key (for the cache) and the schema it names.
    var resolve: (String) -> (key: String, schema: JSON)?
    private var compiledRefs: [String: Int] = [:]
    private(set) var unresolved: [String] = []

    init(arena: SchemaArena, strict: Bool, resolve: @escaping (String) -> (key: String, schema: JSON)?) {
        self.arena = arena
        self.strict = strict
        self.resolve = resolve
    }

    mutating func compile(_ schema: JSON, dialect: SchemaDialect = .jsonSchema, root: Bool = false) -> Int {
        guard case .object(let s) = schema else {
            if case .bool(false) = schema {
                var n = SchemaNode()
                n.not = SchemaArena.any
                return add(n)
            }
            return SchemaArena.any
        }
        let index = add(SchemaNode())
        var n = SchemaNode()
        if let ref = s["$ref"]?.stringValue { n.ref = compileRef(ref, dialect: dialect) }
        switch s["type"] {
        case .string(let t)?: n.types = JSONTypes(name: t) ?? []
        case .array(let ts)?: for t in ts { if let name = t.stringValue, let ty = JSONTypes(name: name) { n.types.insert(ty) } }
        default: break
        }
        let preserveUnknown = s["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        if dialect == .openAPI {
            if s["x-kubernetes-int-or-string"]?.boolValue == true { n.types = [.integer, .string] }
            if s["nullable"]?.boolValue == true, !n.types.isEmpty { n.types.insert(.null) }
        } else if dialect == .clusterOpenAPI {
            if s["x-kubernetes-int-or-string"]?.boolValue == true || s["format"]?.stringValue == "int-or-string" {
                n.types = [.integer, .string]
            }
            if !n.types.isEmpty { n.types.insert(.null) }
        }
        if n.types.contains(.number) { n.types.insert(.integer) }
        var properties = s["properties"]?.objectValue
        if root && dialect == .openAPI {
            // The API server accepts these on every custom resource whatever its schema says.
            properties = properties ?? [:]
            for (k, v) in [("apiVersion", JSON.object(["type": "string"])), ("kind", ["type": "string"]), ("metadata", ["type": "object"])]
            where properties?[k] == nil {
                properties?[k] = v
            }
        }
        if let props = properties {
            var compiled: [String: Int] = [:]
            compiled.reserveCapacity(props.count)
            for (k, v) in props { compiled[k] = compile(v, dialect: dialect) }
            n.properties = compiled
        }
        if let req = s["required"]?.arrayValue { n.required = req.compactMap(\.stringValue) }
        switch s["additionalProperties"] {
        case .bool(false)?: n.additional = -2
        case .object(let o)? where !o.isEmpty: n.additional = compile(.object(o), dialect: dialect)
        default: if strict && properties != nil && !preserveUnknown { n.additional = -2 }
        }
        if let items = s["items"] { n.items = compile(items, dialect: dialect) }
        if let e = s["enum"]?.arrayValue { n.enumValues = e }
        if let list = s["oneOf"]?.arrayValue { n.oneOf = list.map { compile($0, dialect: dialect) } }
        if let list = s["anyOf"]?.arrayValue { n.anyOf = list.map { compile($0, dialect: dialect) } }
        if let list = s["allOf"]?.arrayValue { n.allOf = list.map { compile($0, dialect: dialect) } }
        if let not = s["not"] { n.not = compile(not, dialect: dialect) }
        if let p = s["pattern"]?.stringValue { n.pattern = arena.patterns.add(p) }
        n.minimum = s["minimum"].flatMap(Self.number)
        n.maximum = s["maximum"].flatMap(Self.number)
        switch s["exclusiveMinimum"] {
        case .bool(let b)?: n.exclusiveMinimum = b
        case let v?: if let d = Self.number(v) { n.minimum = d; n.exclusiveMinimum = true }
        default: break
        }
        switch s["exclusiveMaximum"] {
        case .bool(let b)?: n.exclusiveMaximum = b
        case let v?: if let d = Self.number(v) { n.maximum = d; n.exclusiveMaximum = true }
        default: break
        }
        n.minLength = s["minLength"]?.intValue.map { Int($0) }
        n.maxLength = s["maxLength"]?.intValue.map { Int($0) }
        n.minItems = s["minItems"]?.intValue.map { Int($0) }
        n.maxItems = s["maxItems"]?.intValue.map { Int($0) }
        n.minProperties = s["minProperties"]?.intValue.map { Int($0) }
        n.maxProperties = s["maxProperties"]?.intValue.map { Int($0) }
        n.uniqueItems = s["uniqueItems"]?.boolValue == true
        arena.nodes[index] = n
        return index
    }

    private mutating func compileRef(_ ref: String, dialect: SchemaDialect) -> Int {
        guard let (key, schema) = resolve(ref) else {
            unresolved.append(ref)
            return SchemaArena.any
        }
        if let done = compiledRefs[key] { return done }
        // Reserve the slot first so a schema that refers to itself finds it.
        let slot = add(SchemaNode())
        compiledRefs[key] = slot
        let target = compile(schema, dialect: dialect)
        var alias = SchemaNode()
        alias.ref = target
        arena.nodes[slot] = alias
        return slot
    }

    private mutating func add(_ n: SchemaNode) -> Int {
        arena.nodes.append(n)
        return arena.nodes.count - 1
    }

    static func number(_ v: JSON) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}
