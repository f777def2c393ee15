import KubeClient

/// Where an object of a given kind keeps its pod spec, and the few accessors every security rule
/// needs. Paths are stored as key lists so a rule reads them without building strings; the dotted
/// form is made only when a finding is reported.
struct PodSpecView {
    let spec: [String: JSON]
    /// `spec`, `spec.template.spec` or `spec.jobTemplate.spec.template.spec`.
    let path: String
    /// Labels of the pods this object creates (the template's, or the Pod's own).
    let podLabels: [String: JSON]

    /// The pod spec of a deployment-like object, or nil for any other kind.
    init?(kind: String, object: JSON) {
        switch kind {
        case "Pod":
            guard let spec = object["spec"]?.objectValue else { return nil }
            self.spec = spec
            self.path = "spec"
            self.podLabels = object["metadata"]?["labels"]?.objectValue ?? [:]
        case "CronJob":
            guard let template = object["spec"]?["jobTemplate"]?["spec"]?["template"],
                  let spec = template["spec"]?.objectValue else { return nil }
            self.spec = spec
            self.path = "spec.jobTemplate.spec.template.spec"
            self.podLabels = template["metadata"]?["labels"]?.objectValue ?? [:]
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController",
             "DeploymentConfig":
            guard let template = object["spec"]?["template"],
                  let spec = template["spec"]?.objectValue else { return nil }
            self.spec = spec
            self.path = "spec.template.spec"
            self.podLabels = template["metadata"]?["labels"]?.objectValue ?? [:]
        default:
            return nil
        }
    }

    /// Kinds kube-linter calls "DeploymentLike".
    static func isDeploymentLike(_ kind: String) -> Bool {
        switch kind {
        case "Pod", "CronJob", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
             "ReplicationController", "DeploymentConfig":
            true
        default:
            false
        }
    }

    static let allLists = ["initContainers", "containers", "ephemeralContainers"]
    static let linterLists = ["initContainers", "containers"]
    /// What kubesec's older per-field rules read (Privileged, ReadOnlyRootFilesystem, ...).
    static let initAndRegular = linterLists
    static let regularOnly = ["containers"]

    var podSecurityContext: [String: JSON]? { spec["securityContext"]?.objectValue }

    /// Containers in kubesec's order: init containers, containers, ephemeral containers.
    /// `includeEphemeral` is false for kube-linter, which looks at init and regular containers.
    func forEachContainer(includeEphemeral: Bool = true,
                          _ body: (_ list: String, _ index: Int, _ container: [String: JSON]) -> Void) {
        for list in includeEphemeral ? Self.allLists : Self.linterLists {
            guard let items = spec[list]?.arrayValue else { continue }
            for (i, item) in items.enumerated() {
                if let c = item.objectValue { body(list, i, c) }
            }
        }
    }

    /// True when any container of `lists` satisfies `test`.
    func anyContainer(in lists: [String] = PodSpecView.allLists, _ test: ([String: JSON]) -> Bool) -> Bool {
        for list in lists {
            guard let items = spec[list]?.arrayValue else { continue }
            for item in items {
                if let c = item.objectValue, test(c) { return true }
            }
        }
        return false
    }

    var volumes: [[String: JSON]] {
        (spec["volumes"]?.arrayValue ?? []).compactMap(\.objectValue)
    }

    func containerPath(_ list: String, _ index: Int) -> String { "\(path).\(list)[\(index)]" }
}

extension Dictionary where Key == String, Value == JSON {
    // Fixed-arity lookups: a variadic path would allocate an array on every call of a hot rule.
    subscript(path a: String, _ b: String) -> JSON? { self[a]?[b] }
    subscript(path a: String, _ b: String, _ c: String) -> JSON? { self[a]?[b]?[c] }
    subscript(path a: String, _ b: String, _ c: String, _ d: String) -> JSON? { self[a]?[b]?[c]?[d] }
}

extension JSON {
    /// A whole number from an int, a whole double (YAML numbers arrive as doubles) or a decimal
    /// string; nil otherwise.
    var looseInt: Int64? {
        if let i = intValue { return i }
        if case .string(let s) = self { return Int64(s) }
        return nil
    }

    var isTrue: Bool { boolValue == true }
    var isFalse: Bool { boolValue == false }
}

/// Kubernetes label selectors (matchLabels and matchExpressions), as controllers evaluate them.
enum LabelSelector {
    /// Whether a `LabelSelector` object selects pods with `labels`. An empty selector selects all.
    static func matches(_ selector: [String: JSON], labels: [String: JSON]) -> Bool {
        if let ml = selector["matchLabels"]?.objectValue {
            for (k, v) in ml where labels[k]?.stringValue != v.stringValue || labels[k] == nil {
                return false
            }
        }
        for expr in selector["matchExpressions"]?.arrayValue ?? [] {
            guard let key = expr["key"]?.stringValue, let op = expr["operator"]?.stringValue else {
                return false
            }
            let values = (expr["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            let have = labels[key]?.stringValue
            switch op {
            case "In": if have == nil || !values.contains(have!) { return false }
            case "NotIn": if let have, values.contains(have) { return false }
            case "Exists": if have == nil { return false }
            case "DoesNotExist": if have != nil { return false }
            default: return false
            }
        }
        return true
    }

    /// Whether a plain label map (Service, ReplicationController selectors) selects `labels`.
    static func mapMatches(_ selector: [String: JSON], labels: [String: JSON]) -> Bool {
        for (k, v) in selector {
            guard let have = labels[k]?.stringValue, have == v.stringValue else { return false }
        }
        return true
    }
}
