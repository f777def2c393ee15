import Foundation

/// One YAML document of rendered output, with what Helm reads of its head.
public struct Manifest: Sendable {
    /// The template it came from (`CHART/templates/FILE`).
    public var source: String
    public var content: String
    public var apiVersion: String
    public var kind: String
    public var name: String
    /// `helm.sh/hook` events, empty for ordinary manifests.
    public var hookEvents: [String]
    public var hookWeight: Int
    public var hookDeletePolicies: [String]
    public var isHook: Bool { !hookEvents.isEmpty }
}

/// Helm's releaseutil: split rendered files into documents and order them for installation.
public enum ManifestSorter {
    /// Helm's install order of kinds; unknown kinds go last, alphabetically.
    public static let installOrder: [String] = [
        "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
        "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
        "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
        "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
        "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
        "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ]
    private static let rank: [String: Int] = Dictionary(uniqueKeysWithValues: installOrder.enumerated().map { ($1, $0) })

    private static let separator = try? NSRegularExpression(pattern: "(?:^|[\\t\\n\\f\\r ]*\\n)---[\\t\\n\\f\\r ]*")

    /// Splits a YAML stream as Helm's SplitManifests: on `(?:^|\\s*\\n)---\\s*`, trimming each
    /// document and dropping empty ones.
    public static func split(_ text: String) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let ns = trimmed as NSString
        var docs: [String] = []
        var last = 0
        for m in separator?.matches(in: trimmed, range: NSRange(location: 0, length: ns.length)) ?? [] {
            docs.append(ns.substring(with: NSRange(location: last, length: m.range.location - last)))
            last = m.range.location + m.range.length
        }
        docs.append(ns.substring(from: last))
        return docs.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Sorts rendered files into ordinary manifests and hooks, each in install order.
    public static func sort(_ files: [String: String]) throws -> (manifests: [Manifest], hooks: [Manifest]) {
        var generic: [Manifest] = []
        var hooks: [Manifest] = []
        for path in files.keys.sorted() {
            let base = path.split(separator: "/").last.map(String.init) ?? path
            if base.hasPrefix("_") || path.hasSuffix("NOTES.txt") { continue }
            guard let content = files[path], !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            for doc in split(content) {
                let head: Value
                do {
                    head = try YAMLValues.parse(doc, file: path)
                } catch {
                    throw RenderError(description: "YAML parse error on \(path): \(error.goMessage)")
                }
                generic.append(manifest(path, doc, head))
            }
        }
        hooks = generic.filter(\.isHook)
        generic = generic.filter { !$0.isHook }
        return (stableSortByKind(generic), stableSortByKind(hooks))
    }

    static func manifest(_ path: String, _ doc: String, _ head: Value) -> Manifest {
        var m = Manifest(source: path, content: doc, apiVersion: "", kind: "", name: "", hookEvents: [], hookWeight: 0, hookDeletePolicies: [])
        guard case .map(let h, _) = head else { return m }
        m.apiVersion = h["apiVersion"]?.stringValue ?? ""
        m.kind = h["kind"]?.stringValue ?? ""
        if case .map(let meta, _)? = h["metadata"] {
            m.name = meta["name"]?.stringValue ?? ""
            if case .map(let ann, _)? = meta["annotations"] {
                if let hook = ann["helm.sh/hook"]?.stringValue {
                    m.hookEvents = hook.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                }
                m.hookWeight = Int(ann["helm.sh/hook-weight"]?.stringValue ?? "0") ?? 0
                if let p = ann["helm.sh/hook-delete-policy"]?.stringValue {
                    m.hookDeletePolicies = p.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                }
            }
        }
        return m
    }

    static func stableSortByKind(_ ms: [Manifest]) -> [Manifest] {
        ms.enumerated().sorted { a, b in
            let ra = rank[a.element.kind], rb = rank[b.element.kind]
            switch (ra, rb) {
            case (nil, nil):
                if a.element.kind != b.element.kind { return a.element.kind < b.element.kind }
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?): if x != y { return x < y }
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// `helm template` output: manifests, then hooks, each as `---\n# Source: PATH\nBODY\n`.
    public static func helmTemplateOutput(manifests: [Manifest], hooks: [Manifest], includeHooks: Bool = true, skipTests: Bool = false) -> String {
        var out = ""
        for m in manifests { out += "---\n# Source: \(m.source)\n\(m.content)\n" }
        if includeHooks {
            for h in hooks where !(skipTests && h.hookEvents.contains(where: { $0 == "test" || $0 == "test-success" })) {
                out += "---\n# Source: \(h.source)\n\(h.content)\n"
            }
        }
        return out
    }
}
