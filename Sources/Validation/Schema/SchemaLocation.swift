import Foundation
import KubeClient

/// A kubeconform-style schema location: a directory, or a path template using
/// `{{ .NormalizedKubernetesVersion }}`, `{{ .StrictSuffix }}`, `{{ .ResourceKind }}`,
/// `{{ .KindSuffix }}`, `{{ .ResourceAPIVersion }}` and `{{ .Group }}`. A plain directory gets
/// kubeconform's default layout `DIR/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`.
/// The word `default` stands for the bundled schemas.
public struct SchemaLocation: Sendable, Hashable {
    public var template: String

    public init(_ text: String) {
        if text.contains("{{") || text.hasSuffix(".json") {
            template = text
        } else {
            let dir = text.hasSuffix("/") ? String(text.dropLast()) : text
            template = dir + "/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
        }
    }

    public var isRemote: Bool { template.hasPrefix("http://") || template.hasPrefix("https://") }

    /// The file this location names for an object.
    public func path(apiVersion: String, kind: String, kubernetesVersion: String, strict: Bool) -> String {
        let group: String
        let version: String
        if let slash = apiVersion.firstIndex(of: "/") {
            group = String(apiVersion[..<slash])
            version = String(apiVersion[apiVersion.index(after: slash)...])
        } else {
            group = ""
            version = apiVersion
        }
        let firstLabel = group.split(separator: ".").first.map(String.init) ?? ""
        let kindSuffix = group.isEmpty ? "-\(version)" : "-\(firstLabel)-\(version)"
        let normalized = kubernetesVersion == "master" ? "master"
            : (kubernetesVersion.hasPrefix("v") ? kubernetesVersion : "v" + kubernetesVersion)
        let values: [String: String] = [
            "NormalizedKubernetesVersion": normalized,
            "StrictSuffix": strict ? "-strict" : "",
            "ResourceKind": kind.lowercased(),
            "KindSuffix": kindSuffix,
            "ResourceAPIVersion": version,
            "Group": group,
        ]
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let key = name.hasPrefix(".") ? String(name.dropFirst()) : name
            out += values[key] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}

/// Reads JSON schema files for a location, rewriting every `$ref` to an absolute
/// `file#pointer` so definitions in sibling files (`_definitions.json`) resolve from anywhere.
final class SchemaFileReader {
    private var files: [String: JSON] = [:]

    func load(_ path: String) -> JSON? {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        if let done = files[absolute] { return done }
        guard let data = FileManager.default.contents(atPath: absolute),
              let json = try? JSONParser.parse([UInt8](data))
        else { return nil }
        let rewritten = Self.absolutize(json, base: absolute)
        files[absolute] = rewritten
        return rewritten
    }

    /// `(key, schema)` for an absolute `file#/json/pointer` reference.
    func resolve(_ ref: String) -> (key: String, schema: JSON)? {
        let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        guard let file = parts.first, let doc = load(String(file)) else { return nil }
        var node: JSON? = doc
        let pointer = parts.count > 1 ? String(parts[1]) : ""
        for token in pointer.split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case .object(let o)?: node = o[key]
            case .array(let a)?: node = Int(key).flatMap { $0 >= 0 && $0 < a.count ? a[$0] : nil }
            default: node = nil
            }
        }
        guard let node else { return nil }
        return (ref, node)
    }

    private static func absolutize(_ json: JSON, base: String) -> JSON {
        switch json {
        case .object(var o):
            for (k, v) in o { o[k] = absolutize(v, base: base) }
            if let ref = o["$ref"]?.stringValue {
                if ref.hasPrefix("#") {
                    o["$ref"] = .string(base + ref)
                } else if !ref.hasPrefix("/") && !ref.contains("://") {
                    let dir = URL(fileURLWithPath: base).deletingLastPathComponent()
                    let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                    let file = dir.appendingPathComponent(String(parts[0])).standardizedFileURL.path
                    o["$ref"] = .string(file + "#" + (parts.count > 1 ? String(parts[1]) : ""))
                }
            }
            return .object(o)
        case .array(let a):
            return .array(a.map { absolutize($0, base: base) })
        default:
            return json
        }
    }
}
