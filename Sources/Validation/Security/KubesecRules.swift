import KubeClient

/// kubesec v2's rule set: ids, selectors (as kubesec prints them), reasons, points and the kinds
/// each rule applies to. A rule "matches" when its predicate finds at least one instance; a matched
/// rule adds its points once. Negative rules are "critical", matched positive rules "passed",
/// unmatched positive rules "advise". Kinds outside a rule's list are not evaluated at all, and an
/// object no rule applies to gets no score.
///
/// Points come from kubesec's ruleset (pkg/ruler/ruleset.go) and its published scan output. Three
/// rules added to kubesec after its last release have points we could not confirm from a source
/// and are marked `pointsConfirmed: false` (ApparmorUnconfined, ProcMount, BindingsToSystemAnonymous).
struct KubesecRule: Sendable {
    let id: String
    let selector: String
    let reason: String
    let points: Int
    let kinds: Set<String>
    let pointsConfirmed: Bool
    /// Evaluated with the object and, for pod-bearing kinds, its pod spec.
    let matches: @Sendable (_ object: JSON, _ pod: PodSpecView?) -> Bool

    init(_ id: String, _ selector: String, _ reason: String, points: Int,
         kinds: Set<String> = KubesecRule.podKinds, confirmed: Bool = true,
         _ matches: @escaping @Sendable (_ object: JSON, _ pod: PodSpecView?) -> Bool) {
        self.id = id
        self.selector = selector
        self.reason = reason
        self.points = points
        self.kinds = kinds
        self.pointsConfirmed = confirmed
        self.matches = matches
    }

    static let podKinds: Set<String> = ["Pod", "Deployment", "StatefulSet", "DaemonSet"]
}

enum KubesecRules {
    /// Every rule, in kubesec's ruleset order.
    static let all: [KubesecRule] = [
        KubesecRule("HostNetwork", ".spec .hostNetwork == true",
                    "Sharing the host's network namespace permits processes in the pod to communicate with processes bound to the host's loopback adapter",
                    points: -9) { _, pod in pod?.spec["hostNetwork"]?.isTrue == true },
        KubesecRule("HostPID", ".spec .hostPID == true",
                    "Sharing the host's PID namespace allows visibility of processes on the host, potentially leaking information such as environment variables and configuration",
                    points: -9) { _, pod in pod?.spec["hostPID"]?.isTrue == true },
        KubesecRule("HostIPC", ".spec .hostIPC == true",
                    "Sharing the host's IPC namespace allows container processes to communicate with processes on the host",
                    points: -9) { _, pod in pod?.spec["hostIPC"]?.isTrue == true },
        KubesecRule("HostUsers", ".spec .hostUsers == false",
                    "Running the pod in its own user namespace maps container users to unprivileged users on the host",
                    points: 1) { _, pod in pod?.spec["hostUsers"]?.isFalse == true },
        KubesecRule("ReadOnlyRootFilesystem", "containers[] .securityContext .readOnlyRootFilesystem == true",
                    "An immutable root filesystem can prevent malicious binaries being added to PATH and increase attack cost",
                    points: 1) { _, pod in
            pod?.anyContainer(in: PodSpecView.initAndRegular) { $0[path: "securityContext", "readOnlyRootFilesystem"]?.isTrue == true } == true
        },
        KubesecRule("RunAsNonRoot", ".spec, .spec.containers[] | .securityContext .runAsNonRoot == true",
                    "Force the running image to run as a non-root user to ensure least privilege",
                    points: 1) { _, pod in
            inheritedSecurityContext(pod, "runAsNonRoot") { $0.boolValue.map { $0 } }
        },
        KubesecRule("RunAsUser", ".spec, .spec.containers[] | .securityContext .runAsUser -gt 10000",
                    "Run as a high-UID user to avoid conflicts with the host's users",
                    points: 1) { _, pod in
            inheritedSecurityContext(pod, "runAsUser") { $0.intValue.map { $0 > 10000 } }
        },
        KubesecRule("RunAsGroup", ".spec, .spec.containers[] | .securityContext .runAsGroup -gt 10000",
                    "Run as a high-UID group to avoid conflicts with the host's groups",
                    points: 1) { _, pod in
            inheritedSecurityContext(pod, "runAsGroup") { $0.intValue.map { $0 > 10000 } }
        },
        KubesecRule("Privileged", "containers[] .securityContext .privileged == true",
                    "Privileged containers can allow almost completely unrestricted host access",
                    points: -30) { _, pod in
            pod?.anyContainer(in: PodSpecView.initAndRegular) { $0[path: "securityContext", "privileged"]?.isTrue == true } == true
        },
        KubesecRule("CapSysAdmin", "containers[] .securityContext .capabilities .add == SYS_ADMIN",
                    "CAP_SYS_ADMIN is the most privileged capability and should always be avoided",
                    points: -30) { _, pod in
            pod?.anyContainer { capabilityListContains($0, "add", "SYS_ADMIN") } == true
        },
        KubesecRule("CapDropAny", "containers[] .securityContext .capabilities .drop",
                    "Reducing kernel capabilities available to a container limits its attack surface",
                    points: 1) { _, pod in
            pod?.anyContainer(in: PodSpecView.initAndRegular) { hasCapabilities($0, "drop") } == true
        },
        KubesecRule("CapDropAll", "containers[] .securityContext .capabilities .drop | index(\"ALL\")",
                    "Drop all capabilities and add only those required to reduce syscall attack surface",
                    points: 1) { _, pod in
            pod?.anyContainer(in: PodSpecView.initAndRegular) { capabilityListContains($0, "drop", "ALL") } == true
        },
        KubesecRule("DockerSock", "volumes[] .hostPath .path == /var/run/docker.sock",
                    "Mounting the docker.socket leaks information about other containers and can allow container breakout",
                    points: -9) { _, pod in
            pod?.volumes.contains { $0[path: "hostPath", "path"]?.stringValue?.contains("/var/run/docker.sock") == true } == true
        },
        KubesecRule("ProcMount", "volumes[] .hostPath .path == /proc",
                    "Mounting the host's /proc exposes host processes and kernel settings to the container",
                    points: -9, confirmed: false) { _, pod in
            pod?.volumes.contains { $0[path: "hostPath", "path"]?.stringValue?.contains("/proc") == true } == true
        },
        KubesecRule("RequestsCPU", "containers[] .resources .requests .cpu",
                    "Enforcing CPU requests aids a fair balancing of resources across the cluster",
                    points: 1) { _, pod in resource(pod, "requests", "cpu") },
        KubesecRule("LimitsCPU", "containers[] .resources .limits .cpu",
                    "Enforcing CPU limits prevents DOS via resource exhaustion",
                    points: 1) { _, pod in resource(pod, "limits", "cpu") },
        KubesecRule("RequestsMemory", "containers[] .resources .requests .memory",
                    "Enforcing memory requests aids a fair balancing of resources across the cluster",
                    points: 1) { _, pod in resource(pod, "requests", "memory") },
        KubesecRule("LimitsMemory", "containers[] .resources .limits .memory",
                    "Enforcing memory limits prevents DOS via resource exhaustion",
                    points: 1) { _, pod in resource(pod, "limits", "memory") },
        KubesecRule("ServiceAccountName", ".spec .serviceAccountName",
                    "Service accounts restrict Kubernetes API access and should be configured with least privilege",
                    points: 3) { _, pod in
            // kubesec counts any non-null value, the empty string included.
            if let name = pod?.spec["serviceAccountName"], !name.isNull { return true }
            return false
        },
        KubesecRule("AutomountServiceAccountToken", ".spec .automountServiceAccountToken == false",
                    "Disabling the automounting of Service Account Token reduces the attack surface of the API server",
                    points: 1) { _, pod in pod?.spec["automountServiceAccountToken"]?.isFalse == true },
        KubesecRule("HostAliases", ".spec .hostAliases",
                    "Managing /etc/hosts aliases can prevent the container from modifying the file after a pod's containers have already been started. DNS should be managed by the orchestrator",
                    points: -3) { _, pod in
            if let h = pod?.spec["hostAliases"], !h.isNull { return true }
            return false
        },
        KubesecRule("SeccompAny", ".metadata .annotations .\"container.seccomp.security.alpha.kubernetes.io/pod\"",
                    "Seccomp profiles set minimum privilege and secure against unknown threats",
                    points: 1) { object, pod in
            if annotationProfile(object, seccompAnnotationPrefixes, unconfined: false) { return true }
            return inheritedSecurityContext(pod, "seccompProfile") { profileType($0).map { $0 != "Unconfined" } }
        },
        KubesecRule("SeccompUnconfined", ".metadata .annotations .\"container.seccomp.security.alpha.kubernetes.io/pod\"",
                    "Unconfined Seccomp profiles have full system call access",
                    points: -1) { object, pod in
            if annotationProfile(object, seccompAnnotationPrefixes, unconfined: true) { return true }
            return inheritedSecurityContext(pod, "seccompProfile") { profileType($0).map { $0 == "Unconfined" } }
        },
        KubesecRule("ApparmorAny", ".metadata .annotations .\"container.apparmor.security.beta.kubernetes.io/nginx\"",
                    "Well defined AppArmor policies may provide greater protection from unknown threats. WARNING: NOT PRODUCTION READY",
                    points: 3) { object, pod in
            if annotationProfile(object, apparmorAnnotationPrefixes, unconfined: false) { return true }
            return inheritedSecurityContext(pod, "appArmorProfile") { profileType($0).map { $0 != "Unconfined" } }
        },
        KubesecRule("ApparmorUnconfined", ".spec, .spec.containers[] | .securityContext .appArmorProfile .type == Unconfined",
                    "Unconfined AppArmor profiles leave the container without mandatory access control",
                    points: -1, confirmed: false) { object, pod in
            if annotationProfile(object, apparmorAnnotationPrefixes, unconfined: true) { return true }
            return inheritedSecurityContext(pod, "appArmorProfile") { profileType($0).map { $0 == "Unconfined" } }
        },
        KubesecRule("VolumeClaimAccessModeReadWriteOnce",
                    ".spec .volumeClaimTemplates[] .spec .accessModes | index(\"ReadWriteOnce\")",
                    "Setting the access mode of ReadWriteOnce on volumeClaimTemplates (if any exist) allows only one node to mount the persistentVolume",
                    points: 1, kinds: ["StatefulSet"]) { object, _ in
            // kubesec matches the formatted list `accessModes:[ReadWriteOnce]`: exactly that one mode.
            claimTemplates(object).contains { $0[path: "spec", "accessModes"] == ["ReadWriteOnce"] }
        },
        KubesecRule("VolumeClaimRequestsStorage",
                    ".spec .volumeClaimTemplates[] .spec .resources .requests .storage",
                    "Setting a storage request on volumeClaimTemplates (if any exist) allows for the StatefulSet's PVCs to be bound to appropriately sized PVs",
                    points: 1, kinds: ["StatefulSet"]) { object, _ in
            claimTemplates(object).contains {
                if let s = $0[path: "spec", "resources", "requests", "storage"], !s.isNull { return true }
                return false
            }
        },
        KubesecRule("AllowPrivilegeEscalation", "containers[] .securityContext .allowPrivilegeEscalation == true",
                    "Ensure a non-root process can not gain more privileges",
                    points: -7) { _, pod in
            pod?.anyContainer(in: PodSpecView.initAndRegular) { $0[path: "securityContext", "allowPrivilegeEscalation"]?.isTrue == true } == true
        },
        KubesecRule("SecretsAsEnvironmentVariables",
                    "containers[] .env[] .valueFrom .secretKeyRef, containers[] .envFrom[] .secretRef",
                    "Secrets in environment variables leak through logs, crash dumps and child processes; mount them as files instead",
                    points: -5,
                    kinds: ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]) { _, pod in
            pod?.anyContainer { c in
                if (c["env"]?.arrayValue ?? []).contains(where: { $0[path: ["valueFrom", "secretKeyRef"]].map { !$0.isNull } ?? false }) {
                    return true
                }
                return (c["envFrom"]?.arrayValue ?? []).contains { $0["secretRef"].map { !$0.isNull } ?? false }
            } == true
        },
        KubesecRule("BindingsToSystemAnonymous", ".subjects[] .name == system:anonymous",
                    "Binding a role to system:anonymous grants its permissions to every unauthenticated request",
                    points: -9, kinds: ["RoleBinding", "ClusterRoleBinding"], confirmed: false) { object, _ in
            (object["subjects"]?.arrayValue ?? []).contains { $0["name"]?.stringValue?.contains("system:anonymous") == true }
        },
    ]

    static let byID: [String: KubesecRule] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// Kinds at least one rule applies to: the kinds that get a score.
    static let scoredKinds: Set<String> = all.reduce(into: []) { $0.formUnion($1.kinds) }

    // MARK: - Predicate helpers

    /// kubesec's pod-level inheritance for security-context fields: a container counts when its own
    /// value passes `test`, or when it leaves the field unset and the pod-level value passes.
    /// `test` returns nil for "unset".
    static func inheritedSecurityContext(_ pod: PodSpecView?, _ field: String,
                                         _ test: (JSON) -> Bool?) -> Bool {
        guard let pod else { return false }
        let podLevel = pod.podSecurityContext?[field].flatMap(test) ?? false
        return pod.anyContainer { c in
            if let own = c[path: "securityContext", field].flatMap(test) { return own }
            return podLevel
        }
    }

    static func profileType(_ profile: JSON) -> String? { profile["type"]?.stringValue }

    /// kubesec's own test: some entry of the list contains `text` (case-sensitive), so
    /// `CAP_SYS_ADMIN` counts as SYS_ADMIN but `sys_admin` does not.
    static func capabilityListContains(_ c: [String: JSON], _ list: String, _ text: String) -> Bool {
        guard case .array(let items)? = c[path: "securityContext", "capabilities", list] else { return false }
        return items.contains { $0.stringValue?.contains(text) == true }
    }

    /// Whether the container's capabilities `list` is a non-empty list.
    static func hasCapabilities(_ c: [String: JSON], _ list: String) -> Bool {
        guard case .array(let items)? = c[path: "securityContext", "capabilities", list] else { return false }
        return !items.isEmpty
    }

    static func resource(_ pod: PodSpecView?, _ kind: String, _ name: String) -> Bool {
        pod?.anyContainer(in: PodSpecView.regularOnly) {
            if let v = $0[path: "resources", kind, name], !v.isNull { return true }
            return false
        } == true
    }

    static func claimTemplates(_ object: JSON) -> [[String: JSON]] {
        (object["spec"]?["volumeClaimTemplates"]?.arrayValue ?? []).compactMap(\.objectValue)
    }

    static let seccompAnnotationPrefixes = ["seccomp.security.alpha.kubernetes.io/pod",
                                            "container.seccomp.security.alpha.kubernetes.io/"]
    static let apparmorAnnotationPrefixes = ["container.apparmor.security.beta.kubernetes.io/"]

    /// Whether the object's own annotations set a profile through the legacy annotations.
    /// `unconfined: true` asks whether any of them is `unconfined`; `unconfined: false` whether
    /// there is at least one and none is `unconfined` (kubesec gives no credit once one container
    /// is left unconfined).
    static func annotationProfile(_ object: JSON, _ prefixes: [String], unconfined: Bool) -> Bool {
        guard let annotations = object["metadata"]?["annotations"]?.objectValue else { return false }
        var found = false
        for (key, value) in annotations where prefixes.contains(where: { key.hasPrefix($0) }) {
            guard let v = value.stringValue else { continue }
            if v == "unconfined" { return unconfined }
            found = true
        }
        return found && !unconfined
    }
}
