import KubeClient

/// Whether an object has reached the state its spec asks for, by the kstatus rules Helm 4's
/// watcher uses: a pure function of the object as the API server returns it.
public enum Readiness: Sendable, Equatable, CustomStringConvertible {
    case ready
    /// Not there yet; the reason says what it waits for ("2 of 3 replicas available").
    case inProgress(String)
    /// Will not get there without a change (a failed Job, a Deployment past its progress deadline).
    case failed(String)

    public var description: String {
        switch self {
        case .ready: return "ready"
        case .inProgress(let why): return "waiting: \(why)"
        case .failed(let why): return "failed: \(why)"
        }
    }

    public var isReady: Bool { self == .ready }

    public static func evaluate(_ object: JSON) -> Readiness {
        if let deleting = object[path: ["metadata", "deletionTimestamp"]]?.stringValue {
            return .inProgress("being deleted since \(deleting)")
        }
        let kind = object["kind"]?.stringValue ?? ""
        let group = ObjectKey(object).group
        // A controller that has not seen the latest spec says nothing about it yet.
        if let generation = object[path: ["metadata", "generation"]]?.intValue,
           let observed = object[path: ["status", "observedGeneration"]]?.intValue, observed < generation {
            return .inProgress("the controller has not yet observed generation \(generation) (it has seen \(observed))")
        }
        switch (group, kind) {
        case ("apps", "Deployment"): return deployment(object)
        case ("apps", "StatefulSet"): return statefulSet(object)
        case ("apps", "DaemonSet"): return daemonSet(object)
        case ("apps", "ReplicaSet"), ("", "ReplicationController"): return replicaSet(object)
        case ("batch", "Job"): return job(object)
        case ("", "Pod"): return pod(object)
        case ("", "PersistentVolumeClaim"): return pvc(object)
        case ("", "Service"): return service(object)
        case ("apiextensions.k8s.io", "CustomResourceDefinition"): return crd(object)
        default: return generic(object)
        }
    }

    // MARK: - Helpers

    struct Condition {
        var status: String
        var reason: String
        var message: String
        var text: String { [reason, message].filter { !$0.isEmpty }.joined(separator: ": ") }
    }

    static func condition(_ o: JSON, _ type: String) -> Condition? {
        for c in o[path: ["status", "conditions"]]?.arrayValue ?? [] where c["type"]?.stringValue == type {
            return Condition(status: c["status"]?.stringValue ?? "Unknown", reason: c["reason"]?.stringValue ?? "",
                             message: c["message"]?.stringValue ?? "")
        }
        return nil
    }

    static func int(_ o: JSON, _ path: String...) -> Int64? { o[path: path]?.intValue }

    static func status(_ o: JSON, _ field: String) -> Int64 { o[path: ["status", field]]?.intValue ?? 0 }

    /// Whether a status exists at all: an object the controller never touched has none.
    static func hasStatus(_ o: JSON) -> Bool { !(o["status"]?.objectValue?.isEmpty ?? true) }

    // MARK: - Kinds

    static func deployment(_ o: JSON) -> Readiness {
        if let p = condition(o, "Progressing"), p.status == "False", p.reason == "ProgressDeadlineExceeded" {
            return .failed("Progressing=False: \(p.text)")
        }
        if o[path: ["spec", "paused"]]?.boolValue == true { return .ready }
        let want = int(o, "spec", "replicas") ?? 1
        let updated = status(o, "updatedReplicas"), total = status(o, "replicas")
        let available = status(o, "availableReplicas"), ready = status(o, "readyReplicas")
        if updated < want { return .inProgress("\(updated) of \(want) replicas updated") }
        if total > updated { return .inProgress("\(total - updated) old replicas pending termination") }
        if available < want { return .inProgress("\(available) of \(want) updated replicas available") }
        if ready < want { return .inProgress("\(ready) of \(want) replicas ready") }
        if let a = condition(o, "Available"), a.status == "False" { return .inProgress("Available=False: \(a.text)") }
        return .ready
    }

    static func statefulSet(_ o: JSON) -> Readiness {
        if o[path: ["spec", "updateStrategy", "type"]]?.stringValue == "OnDelete" { return .ready }
        let want = int(o, "spec", "replicas") ?? 1
        let ready = status(o, "readyReplicas"), current = status(o, "currentReplicas")
        let updated = status(o, "updatedReplicas")
        let partition = int(o, "spec", "updateStrategy", "rollingUpdate", "partition") ?? 0
        if partition > 0 {
            if updated < want - partition {
                return .inProgress("\(updated) of \(want - partition) replicas above partition \(partition) updated")
            }
            return ready < want ? .inProgress("\(ready) of \(want) replicas ready") : .ready
        }
        if ready < want { return .inProgress("\(ready) of \(want) replicas ready") }
        if let cur = o[path: ["status", "currentRevision"]]?.stringValue,
           let upd = o[path: ["status", "updateRevision"]]?.stringValue, cur != upd {
            return .inProgress("rolling update to revision \(upd): \(updated) of \(want) replicas updated")
        }
        if current < want { return .inProgress("\(current) of \(want) replicas at the current revision") }
        return .ready
    }

    static func daemonSet(_ o: JSON) -> Readiness {
        guard let desired = o[path: ["status", "desiredNumberScheduled"]]?.intValue else {
            return .inProgress("no nodes scheduled yet")
        }
        let scheduled = status(o, "currentNumberScheduled"), updated = status(o, "updatedNumberScheduled")
        let available = status(o, "numberAvailable"), ready = status(o, "numberReady")
        if scheduled < desired { return .inProgress("\(scheduled) of \(desired) pods scheduled") }
        if updated < desired { return .inProgress("\(updated) of \(desired) pods updated") }
        if available < desired { return .inProgress("\(available) of \(desired) pods available") }
        if ready < desired { return .inProgress("\(ready) of \(desired) pods ready") }
        return .ready
    }

    static func replicaSet(_ o: JSON) -> Readiness {
        let want = int(o, "spec", "replicas") ?? 1
        let available = status(o, "availableReplicas"), ready = status(o, "readyReplicas")
        if ready < want { return .inProgress("\(ready) of \(want) replicas ready") }
        if available < want { return .inProgress("\(available) of \(want) replicas available") }
        return .ready
    }

    static func job(_ o: JSON) -> Readiness {
        if let f = condition(o, "Failed"), f.status == "True" {
            return .failed("Job failed" + (f.text.isEmpty ? "" : ": \(f.text)"))
        }
        if let c = condition(o, "Complete"), c.status == "True" { return .ready }
        let completions = int(o, "spec", "completions") ?? 1
        let succeeded = status(o, "succeeded"), active = status(o, "active"), failed = status(o, "failed")
        var parts = ["\(succeeded) of \(completions) completions succeeded", "\(active) running"]
        if failed > 0 { parts.append("\(failed) failed") }
        return .inProgress("job not complete: " + parts.joined(separator: ", "))
    }

    static func pod(_ o: JSON) -> Readiness {
        switch o[path: ["status", "phase"]]?.stringValue ?? "" {
        case "Succeeded": return .ready
        case "Failed":
            let reason = [o[path: ["status", "reason"]]?.stringValue, o[path: ["status", "message"]]?.stringValue]
                .compactMap { $0 }.joined(separator: ": ")
            return .failed("pod failed" + (reason.isEmpty ? "" : ": \(reason)"))
        default: break
        }
        if let r = condition(o, "Ready"), r.status == "True" { return .ready }
        for c in o[path: ["status", "containerStatuses"]]?.arrayValue ?? [] {
            if let reason = c[path: ["state", "waiting", "reason"]]?.stringValue {
                return .inProgress("container \(c["name"]?.stringValue ?? "?") is waiting: \(reason)")
            }
        }
        let phase = o[path: ["status", "phase"]]?.stringValue ?? "Pending"
        return .inProgress("pod is \(phase), not ready")
    }

    static func pvc(_ o: JSON) -> Readiness {
        let phase = o[path: ["status", "phase"]]?.stringValue ?? "Pending"
        return phase == "Bound" ? .ready : .inProgress("claim is \(phase), not bound to a volume")
    }

    static func service(_ o: JSON) -> Readiness {
        guard o[path: ["spec", "type"]]?.stringValue == "LoadBalancer" else { return .ready }
        let ingress = o[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []
        return ingress.isEmpty ? .inProgress("waiting for the load balancer's address") : .ready
    }

    static func crd(_ o: JSON) -> Readiness {
        if let n = condition(o, "NamesAccepted"), n.status == "False" { return .failed("names not accepted: \(n.text)") }
        if let e = condition(o, "Established"), e.status == "True" { return .ready }
        return .inProgress("not established yet")
    }

    /// Other kinds (HPA, Ingress, ConfigMap, custom resources...) are ready once applied, unless
    /// they report the standard `Stalled`/`Reconciling` conditions kstatus reads.
    static func generic(_ o: JSON) -> Readiness {
        if let s = condition(o, "Stalled"), s.status == "True" { return .failed("Stalled: \(s.text)") }
        if let r = condition(o, "Reconciling"), r.status == "True" { return .inProgress("Reconciling: \(r.text)") }
        return .ready
    }
}
