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
    /// The whole document as parsed for its head, so later stages (the objects to apply) need
    /// not parse the YAML again.
    public var value: Value = .null
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

    /// Splits a YAML stream as Helm's SplitManifests: on `(?:^|\\s*\\n)---\\s*` (`\\s` is
    /// `[\\t\\n\\f\\r ]`), trimming each document and dropping empty ones. A byte scan: this runs
    /// on every rendered file, and the regex over NSString cost more than the rendering.
    public static func split(_ text: String) -> [String] {
        let whole = TextTrim.trimmed(text)
        let b = Array(whole.utf8)
        var docs: [String] = []
        func add(_ lo: Int, _ hi: Int) {
            let d = TextTrim.trimmed(String(decoding: b[lo..<hi], as: UTF8.self))
            if !d.isEmpty { docs.append(d) }
        }
        var last = 0
        var i = 0
        while i + 3 <= b.count {
            // A separator's `---` follows either the start of the text or a newline that the
            // previous separator did not consume.
            guard b[i] == 0x2D, b[i + 1] == 0x2D, b[i + 2] == 0x2D,
                  (i == 0 && last == 0) || (i > last && b[i - 1] == 0x0A) else {
                i += 1
                continue
            }
            var start = i
            if i > 0 {
                start = i - 1
                while start > last && isRegexSpace(b[start - 1]) { start -= 1 }
            }
            var end = i + 3
            while end < b.count && isRegexSpace(b[end]) { end += 1 }
            add(last, start)
            last = end
            i = end
        }
        add(last, b.count)
        return docs
    }

    /// `\\s` in Go's (and ICU's) regex syntax.
    private static func isRegexSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D
    }

    /// Sorts rendered files into ordinary manifests and hooks, each in install order.
    public static func sort(_ files: [String: String]) throws -> (manifests: [Manifest], hooks: [Manifest]) {
        var generic: [Manifest] = []
        var hooks: [Manifest] = []
        var docs: [(path: String, doc: String)] = []
        for path in files.keys.sorted() {
            let base = path.split(separator: "/").last.map(String.init) ?? path
            if base.hasPrefix("_") || path.hasSuffix("NOTES.txt") { continue }
            guard let content = files[path], !TextTrim.isBlank(content) else { continue }
            for doc in split(content) { docs.append((path, doc)) }
        }
        let parsed = parseDocuments(docs)
        for (i, (path, doc)) in docs.enumerated() {
            switch parsed[i] {
            case .success(let head): generic.append(manifest(path, doc, head))
            case .failure(let error): throw RenderError(description: "YAML parse error on \(path): \(error.goMessage)")
            }
        }
        hooks = generic.filter(\.isHook)
        generic = generic.filter { !$0.isHook }
        return (stableSortByKind(generic), stableSortByKind(hooks))
    }

    /// Parses the documents on two threads when there are enough of them (the YAML parse is most
    /// of the sorting time); results come back in document order, so the first error reported
    /// is the one a parse in order would stop at.
    static func parseDocuments(_ docs: [(path: String, doc: String)]) -> [Result<Value, YAMLValues.ParseError>] {
        LargeStack.forEach(docs.count, workers: docs.count >= 8 ? min(2, LargeStack.workers) : 1) { i -> Result<Value, YAMLValues.ParseError> in
            do throws(YAMLValues.ParseError) {
                return .success(try YAMLValues.parse(docs[i].doc, file: docs[i].path))
            } catch {
                return .failure(error)
            }
        }
    }

    static func manifest(_ path: String, _ doc: String, _ head: Value) -> Manifest {
        var m = Manifest(source: path, content: doc, apiVersion: "", kind: "", name: "", hookEvents: [], hookWeight: 0, hookDeletePolicies: [], value: head)
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
