import KubeClient
import Foundation

/// Writes the `tarsctl-sandbox` cluster, user and context into a kubeconfig.
public struct KubeconfigWriter: Sendable {
    public static let contextName = "tarsctl-sandbox"

    public var path: String
    public init(path: String) { self.path = path }

    /// The kubeconfig path kubectl would use: `--kubeconfig`, else the first `$KUBECONFIG` entry, else `~/.kube/config`.
    public static func resolvePath(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let list = environment["KUBECONFIG"], let first = list.split(separator: ":").first { return String(first) }
        return "\(environment["HOME"] ?? NSHomeDirectory())/.kube/config"
    }

    public enum Outcome: Sendable, Equatable {
        case written(String)
        /// The existing file is YAML the sandbox cannot merge into; the entries went to this file instead.
        case writtenAside(String)
    }

    /// Adds (or replaces) the sandbox entries; makes the context current when `switchContext`.
    public func write(server: String, caPEM: String, token: String, switchContext: Bool) throws -> Outcome {
        let ca = Data(caPEM.utf8).base64EncodedString()
        let name = Self.contextName
        let cluster: JSON = ["name": .string(name), "cluster": ["server": .string(server), "certificate-authority-data": .string(ca)]]
        let user: JSON = ["name": .string(name), "user": ["token": .string(token)]]
        let context: JSON = ["name": .string(name), "context": ["cluster": .string(name), "user": .string(name)]]
        let existingText = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let trimmed = existingText.trimmingCharacters(in: .whitespacesAndNewlines)
        var config: JSON
        var target = path
        if trimmed.isEmpty {
            config = ["apiVersion": "v1", "kind": "Config", "clusters": [], "users": [], "contexts": [], "preferences": .object([:])]
        } else if let parsed = try? JSONParser.parse(trimmed), case .object = parsed {
            config = parsed
        } else if Self.isOnlySandbox(existingText) {
            config = ["apiVersion": "v1", "kind": "Config", "clusters": [], "users": [], "contexts": [], "preferences": .object([:])]
        } else {
            target = path + ".tarsctl-sandbox"
            config = ["apiVersion": "v1", "kind": "Config", "clusters": [], "users": [], "contexts": [], "preferences": .object([:])]
        }
        func upsert(_ key: String, _ entry: JSON) {
            var list = (config[key]?.arrayValue ?? []).filter { $0["name"]?.stringValue != name }
            list.append(entry)
            config[key] = .array(list)
        }
        upsert("clusters", cluster)
        upsert("users", user)
        upsert("contexts", context)
        if switchContext || target != path || config["current-context"] == nil { config["current-context"] = .string(name) }
        let directory = (target as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        // JSON is YAML, so kubectl reads this file as it reads any kubeconfig.
        try Data(JSONWriter.bytes(config) + [0x0A]).write(to: URL(fileURLWithPath: target), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        return target == path ? .written(target) : .writtenAside(target)
    }

    /// A YAML kubeconfig that names no cluster but ours can be rewritten as JSON without loss.
    private static func isOnlySandbox(_ text: String) -> Bool {
        let names = text.split(separator: "\n").filter { $0.contains("name:") }
        return !names.isEmpty && names.allSatisfy { $0.contains(contextName) }
    }
}
