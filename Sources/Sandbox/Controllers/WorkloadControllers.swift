import KubeClient
import Foundation

/// Deployment → ReplicaSet → Pod, as the real controllers drive them, but without gradual surge.
extension Cluster {
    func lockedReconcileDeployments() {
        guard let rsType = types["replicasets.apps"] else { return }
        // What a Deployment owns is not changed by another's ReplicaSets, so one index serves the pass.
        let replicaSets = ownedIndex("replicasets.apps")
        for deploy in items("deployments.apps") where deploy[path: ["metadata", "deletionTimestamp"]] == nil {
            let hash = lockedTemplateHash(deploy)
            let rsName = "\(deploy.name)-\(hash)"
            let desired = deploy[path: ["spec", "replicas"]]?.intValue ?? 1
            let owned = Cluster.owned(by: deploy, in: replicaSets)
            let revision = (owned.compactMap { Int64($0[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]]?.stringValue ?? "") }.max() ?? 0)
            if var current = owned.first(where: { $0.name == rsName }) {
                if current[path: ["spec", "replicas"]]?.intValue != desired {
                    current[path: ["spec", "replicas"]] = .int(desired)
                    lockedCommit(rsType, namespace: deploy.namespace, name: rsName, object: current, event: "MODIFIED")
                }
            } else {
                var template = deploy[path: ["spec", "template"]] ?? .object([:])
                template[path: ["metadata", "labels", "pod-template-hash"]] = .string(hash)
                var selector = deploy[path: ["spec", "selector"]] ?? .object([:])
                selector[path: ["matchLabels", "pod-template-hash"]] = .string(hash)
                var labels = template[path: ["metadata", "labels"]] ?? .object([:])
                labels["pod-template-hash"] = .string(hash)
                let rs: JSON = [
                    "apiVersion": "apps/v1", "kind": "ReplicaSet",
                    "metadata": ["name": .string(rsName), "namespace": .string(deploy.namespace), "labels": labels,
                                 "annotations": ["deployment.kubernetes.io/revision": .string(String(revision + 1)),
                                                 "deployment.kubernetes.io/desired-replicas": .string(String(desired))],
                                 "ownerReferences": [Cluster.ownerReference(deploy, kind: "Deployment", apiVersion: "apps/v1")]],
                    "spec": ["replicas": .int(desired), "selector": selector, "template": template],
                ]
                _ = try? lockedCreate(rsType, namespace: deploy.namespace, body: rs, options: WriteOptions(), manager: "kube-controller-manager", operation: "Update")
            }
            for var old in owned where old.name != rsName && (old[path: ["spec", "replicas"]]?.intValue ?? 0) != 0 {
                old[path: ["spec", "replicas"]] = 0
                lockedCommit(rsType, namespace: deploy.namespace, name: old.name, object: old, event: "MODIFIED")
            }
        }
    }

    func lockedReconcileReplicaSets() {
        guard let podType = types["pods"] else { return }
        let pods = ownedIndex("pods")
        for rs in items("replicasets.apps") where rs[path: ["metadata", "deletionTimestamp"]] == nil {
            let desired = Int(rs[path: ["spec", "replicas"]]?.intValue ?? 1)
            let owned = Cluster.owned(by: rs, in: pods).sorted { $0.name < $1.name }
            if owned.count < desired {
                for _ in owned.count..<desired {
                    var template = rs[path: ["spec", "template"]] ?? .object([:])
                    template["apiVersion"] = "v1"
                    template["kind"] = "Pod"
                    var metadata = template["metadata"] ?? .object([:])
                    metadata["name"] = .string("\(rs.name)-\(String(uidSource().lazy.filter { $0 != "-" }.prefix(5)))")
                    metadata["namespace"] = .string(rs.namespace)
                    metadata["ownerReferences"] = [Cluster.ownerReference(rs, kind: "ReplicaSet", apiVersion: "apps/v1")]
                    template["metadata"] = metadata
                    _ = try? lockedCreate(podType, namespace: rs.namespace, body: template, options: WriteOptions(), manager: "kube-controller-manager", operation: "Update")
                }
            } else if owned.count > desired {
                for pod in owned.suffix(owned.count - desired) {
                    lockedCommit(podType, namespace: pod.namespace, name: pod.name, object: pod, event: "DELETED")
                }
            }
        }
    }

    /// Pods start after the ready delay, except those annotated `sandbox.tarsctl.dev/never-ready: "true"`
    /// (set on a pod template), which stay Pending: a workload that never becomes ready.
    func lockedReconcilePods(now: Date, delay: Double) {
        for pod in items("pods") where pod[path: ["status", "phase"]]?.stringValue == "Pending" || pod["status"] == nil {
            if pod[path: ["metadata", "annotations", "sandbox.tarsctl.dev/never-ready"]]?.stringValue == "true" { continue }
            let seen = firstSeen("pod/" + (pod[path: ["metadata", "uid"]]?.stringValue ?? ""), now)
            guard now.timeIntervalSince(seen) >= delay else { continue }
            let ts = Cluster.timestamp(now)
            if let exitCode = Self.runToCompletionExitCode(pod) {
                lockedSetStatus("pods", pod, Self.completedPodStatus(pod, exitCode: exitCode, at: ts))
                continue
            }
            let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).map { c -> JSON in
                ["name": c["name"] ?? "", "image": c["image"] ?? "", "imageID": "", "ready": true, "started": true, "restartCount": 0,
                 "state": ["running": ["startedAt": .string(ts)]]]
            }
            let conditions: [JSON] = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].map {
                ["type": .string($0), "status": "True", "lastProbeTime": .null, "lastTransitionTime": .string(ts)]
            }
            let status: JSON = ["phase": "Running", "conditions": .array(conditions), "hostIP": "10.0.0.1", "hostIPs": [["ip": "10.0.0.1"]],
                                "podIP": "10.244.0.10", "podIPs": [["ip": "10.244.0.10"]], "startTime": .string(ts), "qosClass": "BestEffort",
                                "containerStatuses": .array(containers)]
            lockedSetStatus("pods", pod, status)
        }
    }

    /// A Pod that runs to completion after the ready delay (a test or hook Pod): exit code 0 with
    /// `sandbox.tarsctl.dev/succeed: "true"`, 1 with `sandbox.tarsctl.dev/fail: "true"` on a Pod
    /// no controller owns. A Helm hook Pod (`helm.sh/hook`) no controller owns whose
    /// restartPolicy lets it finish (Never, OnFailure) succeeds too: it is meant to run once, and
    /// the sandbox has no container to run that could fail it. nil for every other Pod (it keeps running).
    static func runToCompletionExitCode(_ pod: JSON) -> Int64? {
        let annotations = pod[path: ["metadata", "annotations"]]
        let owned = !(pod[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).isEmpty
        if !owned && annotations?["sandbox.tarsctl.dev/fail"]?.stringValue == "true" { return 1 }
        if annotations?["sandbox.tarsctl.dev/succeed"]?.stringValue == "true" { return 0 }
        let restart = pod[path: ["spec", "restartPolicy"]]?.stringValue ?? "Always"
        if !owned, annotations?["helm.sh/hook"] != nil, restart == "Never" || restart == "OnFailure" { return 0 }
        return nil
    }

    /// The status kubelet reports for a Pod whose containers all exited with `exitCode`.
    static func completedPodStatus(_ pod: JSON, exitCode: Int64, at ts: String) -> JSON {
        let reason = exitCode == 0 ? "Completed" : "Error"
        let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).map { c -> JSON in
            ["name": c["name"] ?? "", "image": c["image"] ?? "", "imageID": "", "ready": false, "started": false, "restartCount": 0,
             "state": ["terminated": ["exitCode": .int(exitCode), "reason": .string(reason), "startedAt": .string(ts), "finishedAt": .string(ts)]]]
        }
        let conditions: [JSON] = [("PodReadyToStartContainers", "False"), ("Initialized", "True"), ("Ready", "False"), ("ContainersReady", "False"),
                                  ("PodScheduled", "True")].map { (type: String, status: String) -> JSON in
            var c: [String: JSON] = ["type": .string(type), "status": .string(status), "lastProbeTime": .null, "lastTransitionTime": .string(ts)]
            if type == "Ready" || type == "ContainersReady" { c["reason"] = "PodCompleted" }
            return .object(c)
        }
        return ["phase": .string(exitCode == 0 ? "Succeeded" : "Failed"), "conditions": .array(conditions), "hostIP": "10.0.0.1",
                "hostIPs": [["ip": "10.0.0.1"]], "startTime": .string(ts), "qosClass": "BestEffort", "containerStatuses": .array(containers)]
    }

    static func isPodReady(_ pod: JSON) -> Bool {
        (pod[path: ["status", "conditions"]]?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
    }

    func lockedReconcileReplicaSetStatus() {
        let pods = ownedIndex("pods")
        for rs in items("replicasets.apps") {
            let owned = Cluster.owned(by: rs, in: pods)
            let ready = owned.filter(Cluster.isPodReady).count
            var status: JSON = ["replicas": .int(Int64(owned.count)), "fullyLabeledReplicas": .int(Int64(owned.count)), "observedGeneration": .int(rs.generation)]
            if ready > 0 {
                status["readyReplicas"] = .int(Int64(ready))
                status["availableReplicas"] = .int(Int64(ready))
            }
            lockedSetStatus("replicasets.apps", rs, status)
        }
    }

    func lockedReconcileDeploymentStatus() {
        let replicaSets = ownedIndex("replicasets.apps")
        for deploy in items("deployments.apps") {
            let hash = lockedTemplateHash(deploy)
            let newName = "\(deploy.name)-\(hash)"
            let owned = Cluster.owned(by: deploy, in: replicaSets)
            let desired = deploy[path: ["spec", "replicas"]]?.intValue ?? 1
            func sum(_ field: String) -> Int64 { owned.reduce(0) { $0 + ($1[path: ["status", field]]?.intValue ?? 0) } }
            let newRS = owned.first { $0.name == newName }
            let updated = newRS?[path: ["status", "replicas"]]?.intValue ?? 0
            let newAvailable = newRS?[path: ["status", "availableReplicas"]]?.intValue ?? 0
            let total = sum("replicas")
            let available = sum("availableReplicas")
            let complete = updated == desired && total == desired && newAvailable == desired
            let ts = Cluster.timestamp()
            let old = deploy[path: ["status", "conditions"]]?.arrayValue ?? []
            func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSON {
                if let previous = old.first(where: { $0["type"]?.stringValue == type }), previous["status"]?.stringValue == status,
                    previous["reason"]?.stringValue == reason
                {
                    return previous
                }
                let transition = old.first(where: { $0["type"]?.stringValue == type && $0["status"]?.stringValue == status })?["lastTransitionTime"] ?? .string(ts)
                return ["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message),
                        "lastUpdateTime": .string(ts), "lastTransitionTime": transition]
            }
            let availableCondition = available >= desired
                ? condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
                : condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
            let progressing = complete
                ? condition("Progressing", "True", "NewReplicaSetAvailable", "ReplicaSet \"\(newName)\" has successfully progressed.")
                : condition("Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"\(newName)\" is progressing.")
            var status: JSON = ["observedGeneration": .int(deploy.generation), "replicas": .int(total), "updatedReplicas": .int(updated),
                                "conditions": [availableCondition, progressing]]
            if sum("readyReplicas") > 0 { status["readyReplicas"] = .int(sum("readyReplicas")) }
            if available > 0 { status["availableReplicas"] = .int(available) }
            if total - available > 0 { status["unavailableReplicas"] = .int(total - available) }
            lockedSetStatus("deployments.apps", deploy, status)
        }
    }

    func lockedReconcileStatefulSets(now: Date, delay: Double) {
        for sts in items("statefulsets.apps") {
            let revision = "\(sts.name)-\(Cluster.templateHash(sts[path: ["spec", "template"]]))"
            let desired = sts[path: ["spec", "replicas"]]?.intValue ?? 1
            let seen = firstSeen("sts/\(sts[path: ["metadata", "uid"]]?.stringValue ?? "")/\(sts.generation)", now)
            let ready = now.timeIntervalSince(seen) >= delay
            var status: JSON = ["observedGeneration": .int(sts.generation), "replicas": .int(desired), "updateRevision": .string(revision),
                                "collisionCount": 0, "availableReplicas": .int(ready ? desired : 0)]
            if ready {
                status["readyReplicas"] = .int(desired)
                status["currentReplicas"] = .int(desired)
                status["updatedReplicas"] = .int(desired)
                status["currentRevision"] = .string(revision)
            } else {
                status["currentRevision"] = sts[path: ["status", "currentRevision"]] ?? .string(revision)
                status["currentReplicas"] = .int(desired)
            }
            lockedSetStatus("statefulsets.apps", sts, status)
        }
    }

    func lockedReconcileDaemonSets(now: Date, delay: Double) {
        for ds in items("daemonsets.apps") {
            let seen = firstSeen("ds/\(ds[path: ["metadata", "uid"]]?.stringValue ?? "")/\(ds.generation)", now)
            let ready: Int64 = now.timeIntervalSince(seen) >= delay ? 1 : 0
            let status: JSON = ["observedGeneration": .int(ds.generation), "desiredNumberScheduled": 1, "currentNumberScheduled": 1,
                                "numberMisscheduled": 0, "numberReady": .int(ready), "updatedNumberScheduled": 1,
                                "numberAvailable": .int(ready), "numberUnavailable": .int(1 - ready)]
            lockedSetStatus("daemonsets.apps", ds, status)
        }
    }

    /// Jobs complete after the ready delay, or fail when the pod template carries
    /// `sandbox.tarsctl.dev/fail: "true"`.
    func lockedReconcileJobs(now: Date, delay: Double) {
        for job in items("jobs.batch") {
            let conditions = job[path: ["status", "conditions"]]?.arrayValue ?? []
            if conditions.contains(where: { ($0["type"] == "Complete" || $0["type"] == "Failed") && $0["status"] == "True" }) { continue }
            let seen = firstSeen("job/" + (job[path: ["metadata", "uid"]]?.stringValue ?? ""), now)
            let start = Cluster.timestamp(seen)
            guard now.timeIntervalSince(seen) >= delay else {
                if job["status"]?["active"] == nil {
                    lockedSetStatus("jobs.batch", job, ["active": 1, "startTime": .string(start), "ready": 0, "terminating": 0])
                }
                continue
            }
            let ts = Cluster.timestamp(now)
            let fails = job[path: ["spec", "template", "metadata", "annotations", "sandbox.tarsctl.dev/fail"]]?.stringValue == "true"
            let status: JSON
            if fails {
                let backoff = job[path: ["spec", "backoffLimit"]]?.intValue ?? 6
                status = ["startTime": .string(start), "failed": .int(backoff + 1), "ready": 0, "terminating": 0,
                          "conditions": [
                            ["type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit", "lastProbeTime": .string(ts), "lastTransitionTime": .string(ts)],
                            ["type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit", "lastProbeTime": .string(ts), "lastTransitionTime": .string(ts)],
                          ]]
            } else {
                let completions = job[path: ["spec", "completions"]]?.intValue ?? 1
                status = ["startTime": .string(start), "completionTime": .string(ts), "succeeded": .int(completions), "ready": 0, "terminating": 0,
                          "uncountedTerminatedPods": .object([:]),
                          "conditions": [
                            ["type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": .string(ts), "lastTransitionTime": .string(ts)],
                            ["type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": .string(ts), "lastTransitionTime": .string(ts)],
                          ]]
            }
            lockedSetStatus("jobs.batch", job, status)
        }
    }
}
