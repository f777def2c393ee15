import ChartRender
import KubeClient

/// A manifest document that is not a Kubernetes object, with where it came from.
public struct ManifestParseError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var reason: String
    public var description: String { "\(source): \(reason)" }
}

/// Kubernetes objects read from rendered YAML (a release's `manifest`, a hook's manifest).
public enum ManifestObjects {
    /// Every non-empty document of a YAML stream, as JSON objects, in order.
    public static func parse(_ text: String, source: String = "manifest") throws -> [JSON] {
        var objects: [JSON] = []
        for (i, doc) in ManifestSorter.split(text).enumerated() {
            let value: Value
            do {
                value = try YAMLValues.parse(doc, file: source)
            } catch {
                throw ManifestParseError(source: source, reason: "document \(i + 1) is not valid YAML: \(error.goMessage)")
            }
            if value.isNull { continue }
            let json = self.json(value)
            guard json.objectValue != nil else {
                throw ManifestParseError(source: source, reason: "document \(i + 1) is not a mapping")
            }
            objects.append(json)
        }
        return objects
    }

    /// A YAML value as JSON; whole numbers (YAML numbers load as float64) become integers.
    public static func json(_ v: Value) -> JSON {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int64(i))
        case .int64(let i): return .int(i)
        case .float(let d):
            if d == d.rounded(), Swift.abs(d) < 9_007_199_254_740_992 { return .int(Int64(d)) }
            return .double(d)
        case .string(let s): return .string(s)
        case .list(let items, _): return .array(items.map(json))
        case .map(let m, _): return .object(m.mapValues(json))
        case .object(let o): return .string(o.formatted)
        }
    }
}

/// Identifies an object in messages and diffs: `Kind/name`, with its namespace and API group.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var apiVersion: String
    public var kind: String
    public var namespace: String
    public var name: String

    public init(apiVersion: String, kind: String, namespace: String, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public init(_ object: JSON) {
        self.init(apiVersion: object["apiVersion"]?.stringValue ?? "", kind: object["kind"]?.stringValue ?? "",
                  namespace: object[path: ["metadata", "namespace"]]?.stringValue ?? "",
                  name: object[path: ["metadata", "name"]]?.stringValue ?? "")
    }

    /// The API group (`apps` for `apps/v1`, empty for the core group); objects are the same
    /// object across versions of one group.
    public var group: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// `Kind/name`, as kubectl and Helm name objects.
    public var description: String { "\(kind)/\(name)" }

    /// Equality that ignores the API version within a group.
    public var identity: String { "\(group)|\(kind)|\(namespace)|\(name)" }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool { a.identity < b.identity }
}
