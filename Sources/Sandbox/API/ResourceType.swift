/// One REST resource the sandbox serves: where it lives in the URL space and how discovery names it.
public struct ResourceType: Sendable, Hashable {
    public var group: String
    public var version: String
    public var plural: String
    public var singular: String
    public var kind: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var hasStatus: Bool
    /// True for kinds that come from a CRD: strategic merge patch is refused for them.
    public var isCustom: Bool

    public init(
        group: String, version: String, plural: String, singular: String? = nil, kind: String,
        namespaced: Bool = true, shortNames: [String] = [], hasStatus: Bool = false, isCustom: Bool = false
    ) {
        self.group = group
        self.version = version
        self.plural = plural
        self.singular = singular ?? kind.lowercased()
        self.kind = kind
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.hasStatus = hasStatus
        self.isCustom = isCustom
    }

    /// `v1` for the core group, `apps/v1` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `deployments.apps`, or just `configmaps` in the core group: how error messages name it.
    public var qualifiedPlural: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// `Deployment.apps`, used in Invalid messages.
    public var qualifiedKind: String { group.isEmpty ? kind : "\(kind).\(group)" }
    /// The URL prefix of this group-version: `/api/v1` or `/apis/apps/v1`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    public var verbs: [String] {
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    }
}

/// The built-in kinds the sandbox stores.
public enum BuiltinResources {
    public static let all: [ResourceType] = [
        ResourceType(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false, shortNames: ["ns"], hasStatus: true),
        ResourceType(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", shortNames: ["cm"]),
        ResourceType(group: "", version: "v1", plural: "secrets", kind: "Secret"),
        ResourceType(group: "", version: "v1", plural: "services", kind: "Service", shortNames: ["svc"], hasStatus: true),
        ResourceType(group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", shortNames: ["sa"]),
        ResourceType(group: "", version: "v1", plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim", shortNames: ["pvc"], hasStatus: true),
        ResourceType(group: "", version: "v1", plural: "pods", kind: "Pod", shortNames: ["po"], hasStatus: true),
        ResourceType(group: "", version: "v1", plural: "events", kind: "Event", shortNames: ["ev"]),
        ResourceType(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", shortNames: ["deploy"], hasStatus: true),
        ResourceType(group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", shortNames: ["sts"], hasStatus: true),
        ResourceType(group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet", shortNames: ["ds"], hasStatus: true),
        ResourceType(group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", shortNames: ["rs"], hasStatus: true),
        ResourceType(group: "batch", version: "v1", plural: "jobs", kind: "Job", hasStatus: true),
        ResourceType(group: "batch", version: "v1", plural: "cronjobs", kind: "CronJob", shortNames: ["cj"], hasStatus: true),
        ResourceType(group: "networking.k8s.io", version: "v1", plural: "ingresses", kind: "Ingress", shortNames: ["ing"], hasStatus: true),
        ResourceType(group: "networking.k8s.io", version: "v1", plural: "networkpolicies", kind: "NetworkPolicy", shortNames: ["netpol"]),
        ResourceType(group: "networking.k8s.io", version: "v1", plural: "ingressclasses", kind: "IngressClass", namespaced: false),
        ResourceType(group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", shortNames: ["hpa"], hasStatus: true),
        ResourceType(group: "policy", version: "v1", plural: "poddisruptionbudgets", kind: "PodDisruptionBudget", shortNames: ["pdb"], hasStatus: true),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", kind: "Role"),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", kind: "RoleBinding"),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", kind: "ClusterRole", namespaced: false),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false),
        ResourceType(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false, shortNames: ["crd", "crds"], hasStatus: true),
    ]
}
