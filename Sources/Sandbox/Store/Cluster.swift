import KubeClient
import Foundation

/// A change as watchers see it.
struct WatchEvent: Sendable {
    var resourceVersion: Int64
    var typeID: String
    var namespace: String
    var name: String
    var type: String
    var object: JSON
}

/// A registered watch: filters plus the function that delivers an encoded event line.
struct Watcher: Sendable {
    var typeID: String
    var namespace: String?
    var fieldSelector: FieldSelector?
    var labelSelector: LabelSelector?
    var send: @Sendable (JSON) -> Void
    /// Closes the watch's connection (set by the HTTP layer; used by `dropWatches`).
    var close: (@Sendable () -> Void)? = nil

    func accepts(_ event: WatchEvent) -> Bool {
        guard event.typeID == typeID else { return false }
        if let namespace, namespace != event.namespace { return false }
        if let fieldSelector, !fieldSelector.matches(namespace: event.namespace, name: event.name) { return false }
        if let labelSelector, !labelSelector.matches(event.object[path: ["metadata", "labels"]]?.objectValue ?? [:]) { return false }
        return true
    }
}

/// Every object the sandbox stores, the resource-type registry (built-ins plus CRD-served kinds),
/// the global resourceVersion counter, the recent change history and the open watches.
///
/// `@unchecked Sendable`: every stored property is read and written only while `lock` is held;
/// the public entry points take the lock and the `locked…` helpers assume it.
public final class Cluster: @unchecked Sendable {
    let lock = NSLock()
    var resourceVersion: Int64 = 1
    /// typeID (`deployments.apps`) → "namespace/name" → object.
    var objects: [String: [String: JSON]] = [:]
    var types: [String: ResourceType] = [:]
    var history: [WatchEvent] = []
    let historyLimit = 20_000
    var watchers: [UInt64: Watcher] = [:]
    var nextWatcherID: UInt64 = 1
    var nextClusterIP: UInt32 = 10
    /// Set whenever state changes, cleared by persistence after a save.
    var dirty = false
    /// Set when something was deleted, so the garbage collector looks for orphans on its next pass.
    var gcPending = false
    /// When a controller first saw an object (or revision): the start of its ready delay.
    var controllerClock: [String: Date] = [:]
    /// Namespaces ("" for cluster-scoped objects) written since the controller timer last looked,
    /// and when the timer first saw the latest write of each namespace still settling (see `reconcileIfDue`).
    var touchedNamespaces: Set<String> = []
    var namespaceChangeSeen: [String: Date] = [:]
    /// The namespaces the running reconcile pass looks at (nil: all); `items` honours it.
    var passScope: Set<String>?
    /// When the controller timer last ran a pass (see `reconcileIfDue`).
    var lastPass = Date.distantPast
    /// Deployment uid → the generation its pod-template hash was computed for, and the hash (see `lockedTemplateHash`).
    var templateHashes: [String: (version: String, hash: String)] = [:]
    let uidSource: @Sendable () -> String

    public init(uidSource: @escaping @Sendable () -> String = Cluster.randomUID) {
        self.uidSource = uidSource
        for type in BuiltinResources.all { types[type.qualifiedPlural] = type }
        let now = Self.timestamp()
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let object: JSON = [
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": ["name": .string(ns), "uid": .string(uidSource()), "resourceVersion": "1", "creationTimestamp": .string(now),
                             "labels": ["kubernetes.io/metadata.name": .string(ns)]],
                "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"],
            ]
            objects["namespaces", default: [:]]["/\(ns)"] = object
        }
    }

    func withLock<T>(_ body: () throws(APIError) -> T) throws(APIError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    static func key(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }

    /// A random (version 4) UUID in lower case, as the API server makes uids. From the system's
    /// generator: Foundation's `UUID()` opened and read /dev/urandom for each one, which showed
    /// in the profile of the controllers creating pods.
    @Sendable public static func randomUID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000                       // version 4
        let low = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000  // RFC 4122 variant
        func hex(_ value: UInt64) -> [Character] {
            let digits = Array(String(value, radix: 16))
            return Array(repeating: "0", count: 16 - digits.count) + digits
        }
        let h = hex(high), l = hex(low)
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-" + String(l[0..<4]) + "-" + String(l[4..<16])
    }

    /// The namespace part of a `key` ("" for a cluster-scoped object).
    static func namespace(ofKey key: String) -> String {
        key.firstIndex(of: "/").map { String(key[..<$0]) } ?? ""
    }

    static func timestamp(_ date: Date = Date()) -> String {
        var tm = tm()
        var t = time_t(date.timeIntervalSince1970)
        gmtime_r(&t, &tm)
        // RFC 3339 in UTC, as `%04d-%02d-%02dT%02d:%02d:%02dZ` would print it (without
        // Foundation's format parser, which showed in the profile of every write).
        func digits(_ value: Int32, _ width: Int) -> String {
            let s = String(value)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return digits(tm.tm_year + 1900, 4) + "-" + digits(tm.tm_mon + 1, 2) + "-" + digits(tm.tm_mday, 2) + "T"
            + digits(tm.tm_hour, 2) + ":" + digits(tm.tm_min, 2) + ":" + digits(tm.tm_sec, 2) + "Z"
    }

    /// All resource types currently served, built-in and from CRDs.
    public var servedTypes: [ResourceType] {
        lock.lock()
        defer { lock.unlock() }
        return Array(types.values)
    }

    /// The `openAPIV3Schema` the CRD behind a custom type declares for its served version; nil for
    /// built-in kinds and CRDs without a schema.
    public func customSchema(for type: ResourceType) -> JSON? {
        guard type.isCustom else { return nil }
        lock.lock()
        defer { lock.unlock() }
        for crd in (objects["customresourcedefinitions.apiextensions.k8s.io"] ?? [:]).values
        where crd[path: ["spec", "group"]]?.stringValue == type.group && crd[path: ["spec", "names", "kind"]]?.stringValue == type.kind {
            for version in crd[path: ["spec", "versions"]]?.arrayValue ?? [] where version["name"]?.stringValue == type.version {
                return version[path: ["schema", "openAPIV3Schema"]]
            }
        }
        return nil
    }

    /// The type a URL names: by group, version and plural.
    func lockedType(group: String, version: String, plural: String) -> ResourceType? {
        let id = group.isEmpty ? plural : "\(plural).\(group)"
        guard let type = types[id], type.version == version else { return nil }
        return type
    }

    public func type(group: String, version: String, plural: String) -> ResourceType? {
        lock.lock()
        defer { lock.unlock() }
        return lockedType(group: group, version: version, plural: plural)
    }

    /// Stores a change: bumps the resourceVersion, stamps it on the object, records history and
    /// tells the watches. `object` nil with `type == "DELETED"` removes it (the event carries `last`).
    @discardableResult
    func lockedCommit(_ type: ResourceType, namespace: String, name: String, object: JSON, event: String) -> JSON {
        resourceVersion += 1
        var stamped = object
        stamped[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        let key = Self.key(namespace, name)
        if event == "DELETED" {
            objects[type.qualifiedPlural]?[key] = nil
            gcPending = true
        } else {
            objects[type.qualifiedPlural, default: [:]][key] = stamped
        }
        let change = WatchEvent(resourceVersion: resourceVersion, typeID: type.qualifiedPlural, namespace: namespace, name: name, type: event, object: stamped)
        history.append(change)
        if history.count > historyLimit { history.removeFirst(history.count - historyLimit / 2) }
        for watcher in watchers.values where watcher.accepts(change) {
            watcher.send(["type": .string(event), "object": stamped])
        }
        dirty = true
        touchedNamespaces.insert(namespace)
        if type.qualifiedPlural == "customresourcedefinitions.apiextensions.k8s.io" {
            lockedSyncCRDTypes()
        }
        return stamped
    }

    /// Registers a type for every served version of every CRD, and drops types whose CRD is gone.
    func lockedSyncCRDTypes() {
        var custom: [String: ResourceType] = [:]
        for crd in (objects["customresourcedefinitions.apiextensions.k8s.io"] ?? [:]).values {
            guard let group = crd[path: ["spec", "group"]]?.stringValue,
                let plural = crd[path: ["spec", "names", "plural"]]?.stringValue,
                let kind = crd[path: ["spec", "names", "kind"]]?.stringValue
            else { continue }
            let namespaced = crd[path: ["spec", "scope"]]?.stringValue != "Cluster"
            for version in crd[path: ["spec", "versions"]]?.arrayValue ?? [] where version["served"]?.boolValue != false {
                guard let name = version["name"]?.stringValue else { continue }
                if version["storage"]?.boolValue == false, custom["\(plural).\(group)"] != nil { continue }
                custom["\(plural).\(group)"] = ResourceType(
                    group: group, version: name, plural: plural,
                    singular: crd[path: ["spec", "names", "singular"]]?.stringValue ?? kind.lowercased(), kind: kind,
                    namespaced: namespaced, shortNames: (crd[path: ["spec", "names", "shortNames"]]?.arrayValue ?? []).compactMap(\.stringValue),
                    hasStatus: version[path: ["subresources", "status"]] != nil, isCustom: true)
            }
        }
        for (id, type) in types where type.isCustom && custom[id] == nil {
            types[id] = nil
            objects[id] = nil
        }
        for (id, type) in custom { types[id] = type }
    }

    func lockedNamespaceExists(_ namespace: String) -> JSON? {
        objects["namespaces"]?[Self.key("", namespace)]
    }

    func lockedGet(_ type: ResourceType, namespace: String, name: String) -> JSON? {
        objects[type.qualifiedPlural]?[Self.key(namespace, name)]
    }

    /// Adds a watch and delivers its initial events (history replay or current objects) first.
    func addWatcher(_ watcher: Watcher, from version: Int64?, bookmarks: Bool, initialEvents: Bool) throws(APIError) -> UInt64 {
        try withLock { () throws(APIError) -> UInt64 in
            if let version, version > 0, !initialEvents {
                let oldest = history.first?.resourceVersion ?? resourceVersion + 1
                if version < oldest - 1 && version < resourceVersion {
                    throw APIError.expired("too old resource version: \(version) (\(oldest - 1))")
                }
                for event in history where event.resourceVersion > version && watcher.accepts(event) {
                    watcher.send(["type": .string(event.type), "object": event.object])
                }
            } else {
                let items = (objects[watcher.typeID] ?? [:]).values.sorted { $0.nameKey < $1.nameKey }
                for object in items {
                    let ns = object[path: ["metadata", "namespace"]]?.stringValue ?? ""
                    let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
                    let event = WatchEvent(resourceVersion: 0, typeID: watcher.typeID, namespace: ns, name: name, type: "ADDED", object: object)
                    if watcher.accepts(event) { watcher.send(["type": "ADDED", "object": object]) }
                }
                if initialEvents {
                    watcher.send(bookmark(typeID: watcher.typeID, initialEventsEnd: true))
                }
            }
            let id = nextWatcherID
            nextWatcherID += 1
            watchers[id] = watcher
            return id
        }
    }

    func bookmarkEvent(typeID: String) -> JSON {
        lock.lock()
        defer { lock.unlock() }
        return bookmark(typeID: typeID, initialEventsEnd: false)
    }

    /// A BOOKMARK carries only kind, apiVersion and the current resourceVersion.
    private func bookmark(typeID: String, initialEventsEnd: Bool) -> JSON {
        var metadata: JSON = ["resourceVersion": .string(String(resourceVersion))]
        if initialEventsEnd { metadata["annotations"] = ["k8s.io/initial-events-end": "true"] }
        let type = types[typeID]
        return ["type": "BOOKMARK", "object": ["kind": .string(type?.kind ?? ""), "apiVersion": .string(type?.apiVersion ?? ""), "metadata": metadata]]
    }

    /// Closes every open watch connection without ending the streams cleanly, as a broken
    /// network path would (for testing that clients resume).
    public func dropWatches() {
        lock.lock()
        let closers = watchers.values.compactMap(\.close)
        watchers.removeAll()
        lock.unlock()
        for close in closers { close() }
    }

    /// Forgets the change history, as etcd compaction does: a watch from an older
    /// resourceVersion then gets a 410 Expired error and the client must relist.
    public func compactHistory() {
        lock.lock()
        history.removeAll()
        lock.unlock()
    }

    func removeWatcher(_ id: UInt64) {
        lock.lock()
        watchers[id] = nil
        lock.unlock()
    }
}

extension JSON {
    var nameKey: String {
        (self[path: ["metadata", "namespace"]]?.stringValue ?? "") + "/" + (self[path: ["metadata", "name"]]?.stringValue ?? "")
    }
}
