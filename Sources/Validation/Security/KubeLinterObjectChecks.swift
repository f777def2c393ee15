import KubeClient

/// kube-linter checks about an object's own shape (selectors, API versions, ports, PDBs) and the
/// cross-object ones, which look up the other objects of the same run.
enum ObjectChecks {
    static let all: [KubeLinterCheck] = [
        KubeLinterCheck(
            id: "dangling-service",
            description: "Indicates when services do not have any associated deployments.",
            remediation: "Make the Service's selector match the pod template labels of one of your workloads, or remove the Service.",
            enabledByDefaultInKubeLinter: true,
            scope: .service
        ) { ctx in
            guard ctx.kind == "Service", ctx.item.object["spec"]?["type"]?.stringValue != "ExternalName" else { return }
            guard let selector = ctx.item.object["spec"]?["selector"]?.objectValue, !selector.isEmpty else {
                ctx.report("dangling-service", "service has no selector specified", path: "spec.selector")
                return
            }
            let ns = ctx.item.ref.namespace ?? ""
            let matched = ctx.index.candidates(namespace: ns, required: selector).contains {
                LabelSelector.mapMatches(selector, labels: ctx.index.workloads[$0].podLabels)
            }
            if !matched {
                ctx.report("dangling-service", "no pods in the input match the service selector \(labelText(selector))",
                           path: "spec.selector")
            }
        },
        KubeLinterCheck(
            id: "invalid-target-ports",
            description: "Indicates when deployments or services use port names that violate the IANA service name rules.",
            remediation: "Name ports with at most 15 lower-case letters, digits and single hyphens, with at least one letter and no hyphen at either end.",
            enabledByDefaultInKubeLinter: true,
            scope: .deploymentLikeOrService
        ) { ctx in
            if ctx.kind == "Service" {
                for (i, p) in (ctx.item.object["spec"]?["ports"]?.arrayValue ?? []).enumerated() {
                    guard let t = p["targetPort"], !t.isNull else { continue }
                    if let n = t.intValue {
                        if n < 1 || n > 65535 {
                            ctx.report("invalid-target-ports", "targetPort \(n) is not between 1 and 65535",
                                       path: "spec.ports[\(i)].targetPort")
                        }
                    } else if let s = t.stringValue, Int(s) == nil, let why = ianaServiceNameProblem(s) {
                        ctx.report("invalid-target-ports", "targetPort \"\(s)\" \(why)", path: "spec.ports[\(i)].targetPort")
                    }
                }
                return
            }
            for (name, path, c) in ctx.containers {
                for (i, p) in (c["ports"]?.arrayValue ?? []).enumerated() {
                    guard let s = p["name"]?.stringValue, let why = ianaServiceNameProblem(s) else { continue }
                    ctx.report("invalid-target-ports", "port name \"\(s)\" in container \"\(name)\" \(why)",
                               path: "\(path).ports[\(i)].name")
                }
            }
        },
        KubeLinterCheck(
            id: "mismatching-selector",
            description: "Indicates when deployment selectors fail to match the pod template labels.",
            remediation: "Make spec.selector match the labels in spec.template.metadata.labels.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            guard let pod = ctx.pod else { return }
            switch ctx.kind {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
                let selector = ctx.item.object["spec"]?["selector"]?.objectValue ?? [:]
                let labels = selector["matchLabels"]?.objectValue ?? [:]
                let expressions = selector["matchExpressions"]?.arrayValue ?? []
                if labels.isEmpty && expressions.isEmpty {
                    ctx.report("mismatching-selector", "object has no selector specified", path: "spec.selector")
                    return
                }
                if !LabelSelector.matches(selector, labels: pod.podLabels) {
                    ctx.report("mismatching-selector",
                               "selector does not match the pod template labels \(labelText(pod.podLabels))",
                               path: "spec.selector")
                }
            case "ReplicationController", "DeploymentConfig":
                if let selector = ctx.item.object["spec"]?["selector"]?.objectValue,
                   !LabelSelector.mapMatches(selector, labels: pod.podLabels) {
                    ctx.report("mismatching-selector",
                               "selector does not match the pod template labels \(labelText(pod.podLabels))",
                               path: "spec.selector")
                }
            default:
                return
            }
        },
        KubeLinterCheck(
            id: "no-anti-affinity",
            description: "Indicates when deployments with multiple replicas fail to specify inter-pod anti-affinity, so replicas may land on one node.",
            remediation: "Add a podAntiAffinity term with topologyKey kubernetes.io/hostname whose labelSelector matches the workload's pods.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            guard let pod = ctx.pod, let replicas = ObjectIndex.replicaCountOf(ctx.item), replicas >= 2 else { return }
            let anti = pod.spec["affinity"]?["podAntiAffinity"]
            var terms = (anti?["requiredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? [])
            for weighted in anti?["preferredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? [] {
                if let t = weighted["podAffinityTerm"] { terms.append(t) }
            }
            let ns = ctx.item.ref.namespace ?? ""
            let spread = terms.contains { t in
                // A term without namespaces applies to the pod's own namespace.
                if let namespaces = t["namespaces"]?.arrayValue, !namespaces.isEmpty,
                   !namespaces.contains(where: { $0.stringValue == ns }) { return false }
                guard t["topologyKey"]?.stringValue == "kubernetes.io/hostname",
                      let sel = t["labelSelector"]?.objectValue else { return false }
                return LabelSelector.matches(sel, labels: pod.podLabels)
            }
            if !spread {
                ctx.report("no-anti-affinity",
                           "\(replicas) replicas but no pod anti-affinity on kubernetes.io/hostname that selects the workload's pods",
                           path: "\(pod.path).affinity")
            }
        },
        KubeLinterCheck(
            id: "no-extensions-v1beta",
            description: "Indicates when objects use deprecated API versions under extensions/v1beta.",
            remediation: "Move the object to its current API group (apps/v1, networking.k8s.io/v1, policy/v1).",
            enabledByDefaultInKubeLinter: true,
            scope: .anyKind
        ) { ctx in
            let v = ctx.item.ref.apiVersion
            if v.hasPrefix("extensions/v1beta") && v.count > "extensions/v1beta".count {
                ctx.report("no-extensions-v1beta", "uses the deprecated API version \(v)", path: "apiVersion")
            }
        },
        KubeLinterCheck(
            id: "non-existent-service-account",
            description: "Indicates when pods reference a service account that is not found.",
            remediation: "Add the ServiceAccount to the chart or manifests, or refer to one that exists.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            guard let pod = ctx.pod else { return }
            let field = pod.spec["serviceAccountName"]?.stringValue?.isEmpty == false ? "serviceAccountName" : "serviceAccount"
            guard let sa = pod.spec[field]?.stringValue, !sa.isEmpty, sa != "default" else { return }
            let ns = ctx.item.ref.namespace ?? ""
            if !ctx.index.serviceAccounts.contains("\(ns)/\(sa)") {
                ctx.report("non-existent-service-account", "service account \"\(sa)\" is not among the objects given",
                           path: "\(pod.path).\(field)")
            }
        },
        KubeLinterCheck(
            id: "pdb-max-unavailable",
            description: "Indicates when a PodDisruptionBudget has a maxUnavailable of zero, which blocks every voluntary disruption.",
            remediation: "Set maxUnavailable above 0 (or use minAvailable below the replica count) so nodes can be drained.",
            enabledByDefaultInKubeLinter: true,
            scope: .podDisruptionBudget
        ) { ctx in
            guard ctx.kind == "PodDisruptionBudget", let m = ctx.item.object["spec"]?["maxUnavailable"], !m.isNull else { return }
            if let n = m.intValue {
                if n == 0 {
                    ctx.report("pdb-max-unavailable", "maxUnavailable of 0 prevents any pod from being evicted",
                               path: "spec.maxUnavailable")
                }
            } else if let s = m.stringValue, s.hasSuffix("%"), let pct = Int(s.dropLast()) {
                if pct == 0 {
                    ctx.report("pdb-max-unavailable", "maxUnavailable of 0% prevents any pod from being evicted",
                               path: "spec.maxUnavailable")
                }
            } else {
                ctx.report("pdb-max-unavailable", "maxUnavailable must be a number or a percentage such as 25%",
                           path: "spec.maxUnavailable")
            }
        },
        KubeLinterCheck(
            id: "pdb-min-available",
            description: "Indicates when a PodDisruptionBudget's minAvailable will always prevent pod disruptions of the workloads it selects.",
            remediation: "Lower minAvailable below the replica count of the selected workload (or its autoscaler's minReplicas), or raise the replicas.",
            enabledByDefaultInKubeLinter: true,
            scope: .podDisruptionBudget
        ) { ctx in
            guard ctx.kind == "PodDisruptionBudget", let spec = ctx.item.object["spec"],
                  let min = spec["minAvailable"], !min.isNull else { return }
            let value: Int64
            let percent: Bool
            if let n = min.intValue {
                (value, percent) = (n, false)
            } else if let s = min.stringValue, let n = Int64(s) {
                (value, percent) = (n, false)
            } else if let s = min.stringValue, s.hasSuffix("%"), let n = Int64(s.dropLast()) {
                (value, percent) = (n, true)
            } else {
                ctx.report("pdb-min-available", "minAvailable is neither a number nor a percentage", path: "spec.minAvailable")
                return
            }
            if percent && value == 100 {
                ctx.report("pdb-min-available", "minAvailable is 100% of the replicas, so no pod may ever be evicted",
                           path: "spec.minAvailable")
                return
            }
            let selector = spec["selector"]?.objectValue ?? [:]
            let ns = ctx.item.ref.namespace ?? ""
            let required = selector["matchLabels"]?.objectValue ?? [:]
            for position in ctx.index.candidates(namespace: ns, required: required, bySelector: true) {
                let w = ctx.index.workloads[position]
                // kube-linter compares the PDB selector with the workload's own selector labels.
                guard var replicas = w.replicas, let own = w.selectorLabels,
                      LabelSelector.matches(selector, labels: own) else { continue }
                if replicas == 1, let hpaMin = ctx.index.autoscalerMinReplicas["\(ns)/\(w.name)"] { replicas = hpaMin }
                let required = percent ? (replicas * value + 99) / 100 : value
                if replicas <= required {
                    ctx.report("pdb-min-available",
                               "minAvailable \(percent ? "\(value)%" : String(value)) leaves no disruption for \(w.name), which has \(replicas) replica\(replicas == 1 ? "" : "s")",
                               path: "spec.minAvailable")
                }
            }
        },
        KubeLinterCheck(
            id: "pdb-unhealthy-pod-eviction-policy",
            description: "Indicates when a PodDisruptionBudget does not explicitly set unhealthyPodEvictionPolicy.",
            remediation: "Set spec.unhealthyPodEvictionPolicy: AlwaysAllow so unhealthy pods do not block node drains.",
            enabledByDefaultInKubeLinter: true,
            scope: .podDisruptionBudget
        ) { ctx in
            guard ctx.kind == "PodDisruptionBudget" else { return }
            if ctx.item.object["spec"]?["unhealthyPodEvictionPolicy"]?.stringValue == nil {
                ctx.report("pdb-unhealthy-pod-eviction-policy", "unhealthyPodEvictionPolicy is not set",
                           path: "spec.unhealthyPodEvictionPolicy")
            }
        },
    ]

    /// Why `name` is not a valid IANA_SVC_NAME (RFC 6335 5.1), or nil when it is.
    static func ianaServiceNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 15 { return "is longer than 15 characters" }
        var hasLetter = false
        var previousHyphen = false
        for b in name.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): hasLetter = true; previousHyphen = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"): previousHyphen = false
            case UInt8(ascii: "-"):
                if previousHyphen { return "contains consecutive hyphens" }
                previousHyphen = true
            default: return "may contain only lower-case letters, digits and hyphens"
            }
        }
        if name.hasPrefix("-") || name.hasSuffix("-") { return "begins or ends with a hyphen" }
        if !hasLetter { return "contains no letter" }
        return nil
    }

    static func labelText(_ labels: [String: JSON]) -> String {
        "{" + labels.keys.sorted().map { "\($0)=\(labels[$0]?.stringValue ?? "")" }.joined(separator: ",") + "}"
    }
}
