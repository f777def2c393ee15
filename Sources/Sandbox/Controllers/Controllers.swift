import KubeClient
import Foundation

/// Timing of the simulated controllers.
public struct ControllerSettings: Sendable {
    /// How long a new pod (or job, or StatefulSet revision) takes to become ready.
    public var readyDelay: Duration = .milliseconds(500)
    public init(readyDelay: Duration = .milliseconds(500)) { self.readyDelay = readyDelay }

    var readyDelaySeconds: Double {
        Double(readyDelay.components.seconds) + Double(readyDelay.components.attoseconds) / 1e18
    }
}

/// The simulated kube-controller-manager: one reconcile pass over everything that needs work.
/// Runs under the cluster lock, on a timer the server owns.
extension Cluster {
    /// A pass over every object.
    public func reconcile(now: Date = Date(), settings: ControllerSettings) {
        reconcile(now: now, settings: settings, scope: nil)
    }

    /// A pass over the objects of the namespaces in `scope` (nil: all). Namespace termination and
    /// garbage collection always look at everything: they act across namespaces.
    func reconcile(now: Date, settings: ControllerSettings, scope: Set<String>?) {
        lock.lock()
        defer { lock.unlock() }
        passScope = scope
        defer { passScope = nil }
        let delay = settings.readyDelaySeconds
        lockedTerminateNamespaces()
        lockedCollectGarbage()
        lockedReconcileCRDs()
        lockedReconcileDeployments()
        lockedReconcileReplicaSets()
        lockedReconcilePods(now: now, delay: delay)
        lockedReconcileReplicaSetStatus()
        lockedReconcileDeploymentStatus()
        lockedReconcileStatefulSets(now: now, delay: delay)
        lockedReconcileDaemonSets(now: now, delay: delay)
        lockedReconcileJobs(now: now, delay: delay)
        lockedReconcilePVCs()
        lockedReconcileServices()
    }

    /// The controller timer's entry: a pass only while something can still change, and only over
    /// the namespaces where it can. Every transition is caused by a write or falls due within the
    /// ready delay of the pass that first saw the object, and a controller's objects share their
    /// owner's namespace. So once a pass has run more than the delay (plus a margin) after the last
    /// write it saw in a namespace, later passes would change nothing there: an idle sandbox stays
    /// idle, and a busy one scans only what is settling instead of every object 20 times a second
    /// under the lock. The rule counts passes, not ticks: a tick that comes late (its event loop
    /// busy, the machine starved) still runs the pass that completes what fell due meanwhile.
    public func reconcileIfDue(now: Date = Date(), settings: ControllerSettings) {
        let window = settings.readyDelaySeconds + 0.25
        lock.lock()
        for namespace in touchedNamespaces { namespaceChangeSeen[namespace] = now }
        touchedNamespaces.removeAll(keepingCapacity: true)
        let previousPass = lastPass
        namespaceChangeSeen = namespaceChangeSeen.filter { previousPass.timeIntervalSince($0.value) <= window }
        let scope = Set(namespaceChangeSeen.keys)
        let due = gcPending || !scope.isEmpty
        if due { lastPass = now }
        lock.unlock()
        if due { reconcile(now: now, settings: settings, scope: scope) }
    }

    func type(_ id: String) -> ResourceType? { types[id] }

    /// The objects of a type that the running pass looks at (every one outside a pass).
    func items(_ id: String) -> [JSON] {
        guard let byKey = objects[id] else { return [] }
        guard let scope = passScope else { return Array(byKey.values) }
        // A loop, not `compactMap { … ? object : nil }`: JSON takes `nil` as a literal, and the
        // compiler reads that `nil` as `.null`, keeping an entry for every object left out.
        var out: [JSON] = []
        for (key, object) in byKey where scope.contains(Self.namespace(ofKey: key)) { out.append(object) }
        return out
    }

    /// Stores a new `.status` when it differs, bumping the resourceVersion (a MODIFIED event).
    func lockedSetStatus(_ typeID: String, _ object: JSON, _ status: JSON) {
        guard object["status"] != status, let type = types[typeID] else { return }
        var updated = object
        updated["status"] = status
        lockedCommit(type, namespace: object.namespace, name: object.name, object: updated, event: "MODIFIED")
    }

    func firstSeen(_ key: String, _ now: Date) -> Date {
        if let seen = controllerClock[key] { return seen }
        controllerClock[key] = now
        return now
    }

    private func lockedTerminateNamespaces() {
        guard let nsType = types["namespaces"] else { return }
        for ns in (objects["namespaces"] ?? [:]).values where ns[path: ["metadata", "deletionTimestamp"]] != nil {
            let name = ns.name
            var remaining = 0
            for (typeID, byKey) in objects where typeID != "namespaces" {
                guard let type = types[typeID], type.namespaced else { continue }
                for (key, object) in byKey where key.hasPrefix(name + "/") {
                    remaining += 1
                    if object[path: ["metadata", "deletionTimestamp"]] == nil {
                        _ = try? lockedDelete(type, namespace: name, name: object.name, propagation: .background, dryRun: false)
                    }
                }
            }
            if remaining == 0 {
                lockedCommit(nsType, namespace: "", name: name, object: ns, event: "DELETED")
            }
        }
    }

    /// Deletes objects whose every owner is gone (Background propagation).
    private func lockedCollectGarbage() {
        guard gcPending else { return }
        gcPending = false
        var uids = Set<String>()
        for byKey in objects.values { for object in byKey.values { if let uid = object[path: ["metadata", "uid"]]?.stringValue { uids.insert(uid) } } }
        for (typeID, byKey) in objects {
            guard let type = types[typeID] else { continue }
            for object in byKey.values {
                guard let refs = object[path: ["metadata", "ownerReferences"]]?.arrayValue, !refs.isEmpty else { continue }
                if refs.allSatisfy({ !uids.contains($0["uid"]?.stringValue ?? "") }) {
                    _ = try? lockedDelete(type, namespace: object.namespace, name: object.name, propagation: .background, dryRun: false)
                }
            }
        }
    }

    private func lockedReconcileCRDs() {
        let id = "customresourcedefinitions.apiextensions.k8s.io"
        for crd in items(id) {
            let now = Cluster.timestamp()
            var status: JSON = crd["status"] ?? .object([:])
            let existing = status["conditions"]?.arrayValue ?? []
            if existing.contains(where: { $0["type"]?.stringValue == "Established" }) && status["acceptedNames"] == crd[path: ["spec", "names"]] { continue }
            status["conditions"] = [
                ["type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found", "lastTransitionTime": .string(now)],
                ["type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted", "lastTransitionTime": .string(now)],
            ]
            status["acceptedNames"] = crd[path: ["spec", "names"]] ?? .object([:])
            status["storedVersions"] = .array((crd[path: ["spec", "versions"]]?.arrayValue ?? []).filter { $0["storage"]?.boolValue == true }.compactMap { $0["name"] })
            lockedSetStatus(id, crd, status)
        }
    }

    private func lockedReconcilePVCs() {
        let id = "persistentvolumeclaims"
        for pvc in items(id) where pvc[path: ["status", "phase"]]?.stringValue != "Bound" {
            var status: JSON = ["phase": "Bound", "accessModes": pvc[path: ["spec", "accessModes"]] ?? ["ReadWriteOnce"]]
            if let storage = pvc[path: ["spec", "resources", "requests", "storage"]] { status["capacity"] = ["storage": storage] }
            lockedSetStatus(id, pvc, status)
        }
    }

    private func lockedReconcileServices() {
        for svc in items("services") where svc[path: ["spec", "type"]]?.stringValue == "LoadBalancer" {
            if svc[path: ["status", "loadBalancer", "ingress"]] != nil { continue }
            lockedSetStatus("services", svc, ["loadBalancer": ["ingress": [["ip": "127.0.0.1", "ipMode": "VIP"]]]])
        }
    }

    static func ownerReference(_ owner: JSON, kind: String, apiVersion: String) -> JSON {
        ["apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(owner.name),
         "uid": owner[path: ["metadata", "uid"]] ?? "", "controller": true, "blockOwnerDeletion": true]
    }

    /// The objects of `typeID` by the uid of each owner they name (an object with two owners is
    /// under both), for one reconcile pass: a controller then finds what it owns without scanning
    /// every object of the type again for each owner.
    func ownedIndex(_ typeID: String) -> [JSON: [JSON]] {
        var index: [JSON: [JSON]] = [:]
        for object in items(typeID) {
            for ref in object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [] {
                if let uid = ref["uid"] { index[uid, default: []].append(object) }
            }
        }
        return index
    }

    /// What `owner` owns in `index`, in its namespace: those whose ownerReferences name its uid.
    static func owned(by owner: JSON, in index: [JSON: [JSON]]) -> [JSON] {
        guard let uid = owner[path: ["metadata", "uid"]] else { return [] }
        return (index[uid] ?? []).filter { $0.namespace == owner.namespace }
    }

    /// `templateHash` of a Deployment's pod template, computed again only when its spec changed
    /// (its generation; status updates leave that alone): every pass needs it for every Deployment.
    func lockedTemplateHash(_ deploy: JSON) -> String {
        let key = deploy[path: ["metadata", "uid"]]?.stringValue ?? ""
        let version = String(deploy.generation)
        if let cached = templateHashes[key], cached.version == version { return cached.hash }
        let hash = Cluster.templateHash(deploy[path: ["spec", "template"]])
        if templateHashes.count > 50_000 { templateHashes.removeAll() }
        templateHashes[key] = (version, hash)
        return hash
    }

    /// A short stable hash of a pod template, like the pod-template-hash label.
    static func templateHash(_ template: JSON?) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in JSONWriter.bytes(template ?? .null) { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var out = ""
        for _ in 0..<10 { out.append(alphabet[Int(hash % UInt64(alphabet.count))]); hash /= UInt64(alphabet.count) }
        return out
    }
}

extension JSON {
    var name: String { self[path: ["metadata", "name"]]?.stringValue ?? "" }
    var namespace: String { self[path: ["metadata", "namespace"]]?.stringValue ?? "" }
    var generation: Int64 { self[path: ["metadata", "generation"]]?.intValue ?? 1 }
}
