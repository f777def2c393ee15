/// Kubernetes API versions that were deprecated and then removed, from the upstream
/// deprecation guide (kubernetes.io/docs/reference/using-api/deprecation-guide).
public struct DeprecatedAPI: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    /// Minor version of Kubernetes 1.x in which the API was deprecated and removed.
    public var deprecatedIn: Int
    public var removedIn: Int
    /// What to use instead; nil when the API has no replacement.
    public var replacement: String?

    /// The table; one entry per apiVersion and kind.
    public static let table: [DeprecatedAPI] = {
        var t: [DeprecatedAPI] = []
        func add(_ group: String, _ kinds: [String], _ deprecated: Int, _ removed: Int, _ replacement: String?) {
            for k in kinds {
                t.append(DeprecatedAPI(apiVersion: group, kind: k, deprecatedIn: deprecated, removedIn: removed, replacement: replacement))
            }
        }
        add("extensions/v1beta1", ["Deployment", "DaemonSet", "ReplicaSet"], 9, 16, "apps/v1")
        add("extensions/v1beta1", ["NetworkPolicy"], 9, 16, "networking.k8s.io/v1")
        add("extensions/v1beta1", ["PodSecurityPolicy"], 10, 16, "policy/v1beta1")
        add("extensions/v1beta1", ["Ingress"], 14, 22, "networking.k8s.io/v1")
        add("apps/v1beta1", ["Deployment", "StatefulSet", "ControllerRevision"], 9, 16, "apps/v1")
        add("apps/v1beta2", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"], 9, 16, "apps/v1")
        add("networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], 19, 22, "networking.k8s.io/v1")
        add("rbac.authorization.k8s.io/v1alpha1", ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"], 17, 22, "rbac.authorization.k8s.io/v1")
        add("rbac.authorization.k8s.io/v1beta1", ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"], 17, 22, "rbac.authorization.k8s.io/v1")
        add("apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"], 16, 22, "apiextensions.k8s.io/v1")
        add("admissionregistration.k8s.io/v1beta1", ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], 16, 22, "admissionregistration.k8s.io/v1")
        add("apiregistration.k8s.io/v1beta1", ["APIService"], 19, 22, "apiregistration.k8s.io/v1")
        add("scheduling.k8s.io/v1beta1", ["PriorityClass"], 14, 22, "scheduling.k8s.io/v1")
        add("scheduling.k8s.io/v1alpha1", ["PriorityClass"], 14, 17, "scheduling.k8s.io/v1")
        add("storage.k8s.io/v1beta1", ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], 19, 22, "storage.k8s.io/v1")
        add("storage.k8s.io/v1beta1", ["CSIStorageCapacity"], 24, 27, "storage.k8s.io/v1")
        add("coordination.k8s.io/v1beta1", ["Lease"], 19, 22, "coordination.k8s.io/v1")
        add("certificates.k8s.io/v1beta1", ["CertificateSigningRequest"], 19, 22, "certificates.k8s.io/v1")
        add("authentication.k8s.io/v1beta1", ["TokenReview"], 19, 22, "authentication.k8s.io/v1")
        add("authorization.k8s.io/v1beta1", ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview"], 19, 22, "authorization.k8s.io/v1")
        add("policy/v1beta1", ["PodDisruptionBudget"], 21, 25, "policy/v1")
        add("policy/v1beta1", ["PodSecurityPolicy"], 21, 25, nil)
        add("batch/v1beta1", ["CronJob"], 21, 25, "batch/v1")
        add("batch/v2alpha1", ["CronJob"], 8, 21, "batch/v1")
        add("discovery.k8s.io/v1beta1", ["EndpointSlice"], 21, 25, "discovery.k8s.io/v1")
        add("events.k8s.io/v1beta1", ["Event"], 19, 25, "events.k8s.io/v1")
        add("node.k8s.io/v1beta1", ["RuntimeClass"], 20, 25, "node.k8s.io/v1")
        add("autoscaling/v2beta1", ["HorizontalPodAutoscaler"], 22, 25, "autoscaling/v2")
        add("autoscaling/v2beta2", ["HorizontalPodAutoscaler"], 23, 26, "autoscaling/v2")
        add("flowcontrol.apiserver.k8s.io/v1beta1", ["FlowSchema", "PriorityLevelConfiguration"], 23, 26, "flowcontrol.apiserver.k8s.io/v1")
        add("flowcontrol.apiserver.k8s.io/v1beta2", ["FlowSchema", "PriorityLevelConfiguration"], 26, 29, "flowcontrol.apiserver.k8s.io/v1")
        add("flowcontrol.apiserver.k8s.io/v1beta3", ["FlowSchema", "PriorityLevelConfiguration"], 29, 32, "flowcontrol.apiserver.k8s.io/v1")
        return t
    }()

    private static let index: [String: DeprecatedAPI] = Dictionary(
        table.map { ($0.apiVersion + " " + $0.kind, $0) }, uniquingKeysWith: { a, _ in a })

    public static func lookup(apiVersion: String, kind: String) -> DeprecatedAPI? {
        index[apiVersion + " " + kind]
    }

    /// The minor version of a `1.MINOR[.PATCH]` kube version (`v1.29.3` → 29); nil when not 1.x.
    public static func minor(of kubeVersion: String) -> Int? {
        var s = Substring(kubeVersion)
        if s.hasPrefix("v") { s = s.dropFirst() }
        let parts = s.split(separator: ".")
        guard parts.count >= 2, parts[0] == "1" else { return nil }
        return Int(parts[1].prefix { $0.isNumber })
    }
}
