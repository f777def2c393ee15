import KubeClient
import Foundation

extension Cluster {
    /// Everything needed to resume: the counter and every object (CRDs first on restore).
    public func snapshot() -> JSON {
        lock.lock()
        defer { lock.unlock() }
        dirty = false
        var items: [JSON] = []
        for byKey in objects.values { items.append(contentsOf: byKey.values) }
        return ["resourceVersion": .int(resourceVersion), "nextClusterIP": .int(Int64(nextClusterIP)), "objects": .array(items)]
    }

    public var needsSave: Bool {
        lock.lock()
        defer { lock.unlock() }
        return dirty
    }

    /// Replaces the state with a snapshot written by `snapshot()`.
    public func restore(_ snapshot: JSON) {
        lock.lock()
        defer { lock.unlock() }
        let items = snapshot["objects"]?.arrayValue ?? []
        objects = [:]
        let crdID = "customresourcedefinitions.apiextensions.k8s.io"
        let ordered = items.filter { $0["kind"]?.stringValue == "CustomResourceDefinition" } + items.filter { $0["kind"]?.stringValue != "CustomResourceDefinition" }
        var syncedCRDs = false
        for object in ordered {
            if !syncedCRDs && object["kind"]?.stringValue != "CustomResourceDefinition" {
                lockedSyncCRDTypes()
                syncedCRDs = true
            }
            let apiVersion = object["apiVersion"]?.stringValue ?? ""
            let kind = object["kind"]?.stringValue ?? ""
            guard let type = types.values.first(where: { $0.apiVersion == apiVersion && $0.kind == kind }) else { continue }
            let id = type.qualifiedPlural
            objects[id, default: [:]][Self.key(type.namespaced ? object.namespace : "", object.name)] = object
        }
        if !syncedCRDs || objects[crdID] != nil { lockedSyncCRDTypes() }
        resourceVersion = snapshot["resourceVersion"]?.intValue ?? resourceVersion
        nextClusterIP = UInt32(snapshot["nextClusterIP"]?.intValue ?? 10)
        history = []
        dirty = false
        // Whatever was still settling when the snapshot was taken goes on settling.
        for byKey in objects.values { for key in byKey.keys { touchedNamespaces.insert(Self.namespace(ofKey: key)) } }
    }
}
