/// The Go type a template value would have in Helm, kept so `typeOf`, `kindOf`, `printf "%T"`,
/// zero values and argument checks behave as they do under Go's reflection.
public indirect enum GoType: Sendable, Hashable, CustomStringConvertible {
    case interface
    case bool
    case int
    case int64
    case uint8
    case uint32
    case float64
    case string
    case slice(GoType)
    case map(GoType)
    /// A named type such as `*chart.Metadata` or `time.Time`, with its reflect kind.
    case named(String, kind: String)

    public var description: String {
        switch self {
        case .interface: "interface {}"
        case .bool: "bool"
        case .int: "int"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint32: "uint32"
        case .float64: "float64"
        case .string: "string"
        case .slice(let e): "[]\(e)"
        case .map(let e): "map[string]\(e)"
        case .named(let n, _): n
        }
    }

    /// The reflect.Kind name, as Sprig's `kindOf` prints it.
    public var kind: String {
        switch self {
        case .interface: "interface"
        case .bool: "bool"
        case .int: "int"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint32: "uint32"
        case .float64: "float64"
        case .string: "string"
        case .slice: "slice"
        case .map: "map"
        case .named(_, let k): k
        }
    }

    /// Go's zero value of this type, as a missing map key yields under `missingkey=zero`.
    public var zero: Value {
        switch self {
        case .interface, .named: .null
        case .bool: .bool(false)
        case .int: .int(0)
        case .int64: .int64(0)
        case .uint8, .uint32: .int(0)
        case .float64: .float(0)
        case .string: .string("")
        case .slice(let e): .list([], element: e)
        case .map(let e): .map([:], element: e)
        }
    }
}
