import AsyncHTTPClient
import Foundation
import KubeClient
import NIOCore

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

    public var isRemote: Bool { Self.isURL(template) }

    static func isURL(_ text: String) -> Bool { text.hasPrefix("http://") || text.hasPrefix("https://") }

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

/// Reads JSON schema files for a location, local or over HTTP(S), rewriting every `$ref` to an
/// absolute `file#pointer` (or `URL#pointer`) so definitions in sibling files
/// (`_definitions.json`) resolve from anywhere. Each file is read once per run.
final class SchemaFileReader {
    private var files: [String: JSON] = [:]
    /// Why a location could not be read, for the "no schema" message (a URL that failed for
    /// another reason than 404, a file that is not JSON).
    private var failures: [String: String] = [:]
    private var missing: Set<String> = []
    private var unreachable: [String: String] = [:]

    /// Why `path` could not be read, when it was there but unusable or unreachable.
    func failure(_ path: String) -> String? {
        failures[SchemaLocation.isURL(path) ? path : URL(fileURLWithPath: path).standardizedFileURL.path]
    }

    func load(_ path: String) -> JSON? {
        let remote = SchemaLocation.isURL(path)
        let key = remote ? path : URL(fileURLWithPath: path).standardizedFileURL.path
        if let done = files[key] { return done }
        if missing.contains(key) || failures[key] != nil { return nil }
        let bytes: [UInt8]
        if remote {
            // A server that could not be reached is not asked again for its other kinds.
            let host = URL(string: key).map { "\($0.scheme ?? "")://\($0.host ?? ""):\($0.port ?? 0)" } ?? key
            if let why = unreachable[host] { failures[key] = why; return nil }
            switch SchemaDownload.get(key) {
            case .found(let b): bytes = b
            case .notFound: missing.insert(key); return nil
            case .failed(let why, let connection):
                failures[key] = why
                if connection { unreachable[host] = why }
                return nil
            }
        } else {
            guard let data = FileManager.default.contents(atPath: key) else { missing.insert(key); return nil }
            bytes = [UInt8](data)
        }
        guard let json = try? JSONParser.parse(bytes) else {
            failures[key] = "not JSON"
            return nil
        }
        let rewritten = Self.absolutize(json, base: key, remote: remote)
        files[key] = rewritten
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

    private static func absolutize(_ json: JSON, base: String, remote: Bool) -> JSON {
        switch json {
        case .object(var o):
            for (k, v) in o { o[k] = absolutize(v, base: base, remote: remote) }
            if let ref = o["$ref"]?.stringValue {
                if ref.hasPrefix("#") {
                    o["$ref"] = .string(base + ref)
                } else if remote && !ref.contains("://") {
                    // Relative to the document's URL, as a browser resolves a link.
                    if let resolved = URL(string: ref, relativeTo: URL(string: base))?.absoluteString {
                        o["$ref"] = .string(resolved)
                    }
                } else if !ref.hasPrefix("/") && !ref.contains("://") {
                    let dir = URL(fileURLWithPath: base).deletingLastPathComponent()
                    let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                    let file = dir.appendingPathComponent(String(parts[0])).standardizedFileURL.path
                    o["$ref"] = .string(file + "#" + (parts.count > 1 ? String(parts[1]) : ""))
                }
            }
            return .object(o)
        case .array(let a):
            return .array(a.map { absolutize($0, base: base, remote: remote) })
        default:
            return json
        }
    }
}

/// One blocking HTTP(S) GET per schema document (the catalog compiles schemas on one thread,
/// before validation fans out), with a deadline, following redirects.
enum SchemaDownload {
    enum Outcome {
        case found([UInt8])
        case notFound
        /// Why, and whether the server itself could not be reached (not worth asking again).
        case failed(String, connection: Bool)
    }

    /// For the whole request.
    static let timeout: TimeAmount = .seconds(60)

    /// A refused or unanswered connection is retried with backoff for `connect`, then reported.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func get(_ url: String) -> Outcome {
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: url, method: .GET, headers: ["Accept": "application/json", "User-Agent": "tarsctl"])
        } catch {
            return .failed("not a valid URL", connection: false)
        }
        do {
            let response = try client.execute(request: request, deadline: .now() + timeout).wait()
            switch response.status.code {
            case 200..<300:
                var body = response.body ?? ByteBuffer()
                return .found(body.readBytes(length: body.readableBytes) ?? [])
            case 404, 410:
                return .notFound
            default:
                return .failed("HTTP \(response.status.code) \(response.status.reasonPhrase)", connection: false)
            }
        } catch {
            return .failed(describe(error), connection: true)
        }
    }

    private static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") || text.contains("readTimeout") {
            return "no answer in time"
        }
        if text.lowercased().contains("connection refused") || text.contains("connectionRefused") { return "connection refused" }
        return text
    }
}
