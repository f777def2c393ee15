import ChartRender
import KubeClient

/// What an install, upgrade or uninstall does to objects, decided before any request: groups
/// in Helm's kind order, ownership marks and checks, and the objects a new revision prunes.
public enum ApplyPlan {
    public static let releaseNameAnnotation = "meta.helm.sh/release-name"
    public static let releaseNamespaceAnnotation = "meta.helm.sh/release-namespace"
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    /// The value Helm writes and checks; tarsctl writes the same so Helm accepts the objects.
    public static let managedByValue = "Helm"
    /// `helm.sh/resource-policy: keep` objects are never deleted by uninstall or prune.
    public static let resourcePolicyAnnotation = "helm.sh/resource-policy"

    /// Helm's uninstall order of kinds (validating webhooks first, namespaces last).
    public static let uninstallOrder: [String] = [
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "Ingress", "IngressClass",
        "Service", "CronJob", "Job", "StatefulSet", "HorizontalPodAutoscaler", "Deployment", "ReplicaSet",
        "ReplicationController", "Pod", "DaemonSet", "RoleBindingList", "RoleBinding", "RoleList", "Role",
        "ClusterRoleBindingList", "ClusterRoleBinding", "ClusterRoleList", "ClusterRole", "CustomResourceDefinition",
        "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "ConfigMap", "SecretList", "Secret",
        "ServiceAccount", "PodDisruptionBudget", "PodSecurityPolicy", "LimitRange", "ResourceQuota", "NetworkPolicy",
        "Namespace", "PriorityClass",
    ]

    /// Objects in install order, grouped by kind: each group may be applied in parallel, the
    /// groups one after another. Unknown kinds (custom resources) come last, by kind name.
    public static func installGroups(_ objects: [JSON]) -> [[JSON]] {
        groups(objects, order: ManifestSorter.installOrder)
    }

    /// Objects in waves: each wave is applied in parallel, the waves one after another. A kind
    /// waits only for the earlier kinds it depends on, so independent kinds share a wave and an
    /// install pays fewer round trips than one group per kind. Nothing is applied before an
    /// object it needs, and the relative order Helm gives kinds is kept wherever it matters:
    /// - Namespace, PriorityClass, ResourceQuota, LimitRange, PodSecurityPolicy (admission for
    ///   what follows) and CustomResourceDefinition (established before anything later) come
    ///   before every kind Helm applies after them;
    /// - PersistentVolumeClaim after StorageClass and PersistentVolume; bindings after the roles
    ///   they name; Ingress after IngressClass;
    /// - workloads (and HorizontalPodAutoscaler, Ingress) after every configuration kind:
    ///   NetworkPolicy, ServiceAccount, Secret, ConfigMap, volumes, RBAC and Service (a Service
    ///   must exist before the pods that read its environment variables);
    /// - APIService, then the webhook configurations, then custom resources (one kind after
    ///   another, by name) last, as in Helm.
    public static func installWaves(_ objects: [JSON]) -> [[JSON]] {
        let groups = installGroups(objects)
        let kinds = groups.map { $0.first?["kind"]?.stringValue ?? "" }
        var wave: [Int] = []
        for (i, kind) in kinds.enumerated() {
            var w = 0
            for j in 0..<i where mustFollow(kind, kinds[j]) { w = max(w, wave[j] + 1) }
            wave.append(w)
        }
        var out: [[JSON]] = Array(repeating: [], count: (wave.max() ?? -1) + 1)
        for (i, group) in groups.enumerated() { out[wave[i]] += group }
        return out
    }

    /// Kinds that change how the API server admits what is created after them.
    static let admissionKinds: Set<String> = ["Namespace", "PriorityClass", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "CustomResourceDefinition"]
    static let workloadKinds: Set<String> = ["DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
                                             "StatefulSet", "Job", "CronJob"]
    static let knownKinds = Set(ManifestSorter.installOrder)
    static let lastKinds: Set<String> = ["APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]

    /// Whether objects of `kind` must wait for those of `earlier` (which Helm applies before it).
    static func mustFollow(_ kind: String, _ earlier: String) -> Bool {
        if admissionKinds.contains(earlier) || !knownKinds.contains(kind) || lastKinds.contains(kind) { return true }
        switch kind {
        case "PersistentVolumeClaim": return earlier == "StorageClass" || earlier == "PersistentVolume"
        case "ClusterRoleBinding", "ClusterRoleBindingList": return earlier.hasPrefix("ClusterRole") && !earlier.hasPrefix("ClusterRoleBinding")
        case "RoleBinding", "RoleBindingList": return ["ClusterRole", "ClusterRoleList", "Role", "RoleList"].contains(earlier)
        case "Ingress": return !workloadKinds.contains(earlier)
        case _ where workloadKinds.contains(kind): return !workloadKinds.contains(earlier)
        default: return false
        }
    }

    /// The same for deletion, in Helm's uninstall order.
    public static func uninstallGroups(_ objects: [JSON]) -> [[JSON]] {
        groups(objects, order: uninstallOrder)
    }

    static func groups(_ objects: [JSON], order: [String]) -> [[JSON]] {
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var byKind: [String: [JSON]] = [:]
        for o in objects { byKind[o["kind"]?.stringValue ?? "", default: []].append(o) }
        let kinds = byKind.keys.sorted { a, b in
            switch (rank[a], rank[b]) {
            case (let x?, let y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        return kinds.compactMap { byKind[$0] }
    }

    /// The object with the release's ownership marks, as Helm sets them.
    public static func markOwned(_ object: JSON, release: String, namespace: String) -> JSON {
        var o = object
        var annotations = o[path: ["metadata", "annotations"]]?.objectValue ?? [:]
        annotations[releaseNameAnnotation] = .string(release)
        annotations[releaseNamespaceAnnotation] = .string(namespace)
        o[path: ["metadata", "annotations"]] = .object(annotations)
        var labels = o[path: ["metadata", "labels"]]?.objectValue ?? [:]
        labels[managedByLabel] = .string(managedByValue)
        o[path: ["metadata", "labels"]] = .object(labels)
        return o
    }

    /// Why a live object may not be adopted by this release (nil when it is ours), in the
    /// terms of Helm's ownership check. `--take-ownership` skips the check.
    public static func ownershipConflict(live: JSON, release: String, namespace: String) -> String? {
        let key = ObjectKey(live)
        let where_ = key.namespace.isEmpty ? "\(key)" : "\(key) in namespace \(key.namespace)"
        let ann = live[path: ["metadata", "annotations"]]?.objectValue ?? [:]
        let owner = ann[releaseNameAnnotation]?.stringValue, ownerNS = ann[releaseNamespaceAnnotation]?.stringValue
        if owner == release && ownerNS == namespace { return nil }
        let fix = "pass --take-ownership to adopt it into release \(release)"
        if let owner {
            return "\(where_) already exists and belongs to release \(owner) (namespace \(ownerNS ?? "?")); "
                + "uninstall that release or remove the object first, or \(fix)"
        }
        return "\(where_) already exists and is not managed by any release; delete it first, or \(fix)"
    }

    /// Objects the previous revision applied that the new one no longer renders, in uninstall
    /// order; objects marked `helm.sh/resource-policy: keep` are left alone.
    public static func pruneSet(previous: [JSON], next: [JSON]) -> [JSON] {
        let keep = Set(next.map { ObjectKey($0).identity })
        let gone = previous.filter { o in
            !keep.contains(ObjectKey(o).identity)
                && o[path: ["metadata", "annotations", resourcePolicyAnnotation]]?.stringValue != "keep"
        }
        return uninstallGroups(gone).flatMap { $0 }
    }
}
