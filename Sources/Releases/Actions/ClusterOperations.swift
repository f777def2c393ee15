import ChartRender
import KubeClient

/// The cluster side of a release operation: ownership marks, ordered parallel server-side
/// apply, pruning, deletion and readiness polling. Knows nothing of revisions.
struct ClusterOperations: Sendable {
    static let releaseNameAnnotation = "meta.helm.sh/release-name"
    static let releaseNamespaceAnnotation = "meta.helm.sh/release-namespace"
    static let managedByLabel = "app.kubernetes.io/managed-by"
    static let resourcePolicyAnnotation = "helm.sh/resource-policy"
    static let fieldManager = "tarsctl"

    let client: KubeClient
    let release: String
    let namespace: String
    let options: ReleaseActionOptions
    let log: @Sendable (String) -> Void
    /// Write objects with client-side apply (create, then three-way merge patches) instead of
    /// server-side apply: revisions recorded `apply_method: csa`.
    var clientSide = false
    /// Before a server-side apply, hand the fields a client-side write (tarsctl's or Helm's
    /// `Update` entry) owns to tarsctl's `Apply` entry, as Helm does when a release moves from
    /// client-side to server-side apply: otherwise fields later dropped from the chart would
    /// stay, still owned by the old entry.
    var migrateClientSideOwnership = false

    // MARK: objects

    /// Objects of a manifest with their namespace filled in (namespaced kinds only) and, for
    /// release objects, Helm's ownership annotations and label.
    func prepare(_ objects: [JSON], markOwnership: Bool) async throws -> [JSON] {
        var out: [JSON] = []
        for var o in objects {
            let apiVersion = o["apiVersion"]?.stringValue ?? "", kind = o["kind"]?.stringValue ?? ""
            let name = o[path: ["metadata", "name"]]?.stringValue ?? ""
            guard !apiVersion.isEmpty, !kind.isEmpty, !name.isEmpty else {
                throw ReleaseActionError(.usage, "a rendered object (\(kind.isEmpty ? "no kind" : kind)/\(name.isEmpty ? "no name" : name)) has no apiVersion, kind or metadata.name; fix the template that renders it")
            }
            let namespaced: Bool
            do {
                namespaced = try await client.resource(apiVersion: apiVersion, kind: kind).namespaced
            } catch let e as KubeClientError where e.kind == .unknownKind {
                throw ReleaseActionError(.failed, "\(kind)/\(name): the cluster does not serve kind \(kind) in \(apiVersion) (\(e.description)); install its CRD first or drop the object")
            }
            if namespaced {
                if (o[path: ["metadata", "namespace"]]?.stringValue ?? "").isEmpty { o[path: ["metadata", "namespace"]] = .string(namespace) }
            } else {
                o[path: ["metadata", "namespace"]] = nil
            }
            if markOwnership {
                o[path: ["metadata", "annotations", Self.releaseNameAnnotation]] = .string(release)
                o[path: ["metadata", "annotations", Self.releaseNamespaceAnnotation]] = .string(namespace)
                o[path: ["metadata", "labels", Self.managedByLabel]] = "Helm"
            }
            out.append(o)
        }
        return out
    }

    /// `prepare` for objects a release applied earlier: an object whose kind the cluster no
    /// longer serves (its CRD is gone) cannot exist any more, so it is skipped, not an error.
    func prepareRecorded(_ objects: [JSON]) async throws -> [JSON] {
        var out: [JSON] = []
        for o in objects {
            do {
                out += try await prepare([o], markOwnership: true)
            } catch let e as ReleaseActionError where e.description.contains("the cluster does not serve kind") {
                log("skipped \(Self.describe(o)): its kind is no longer served by the cluster")
            }
        }
        return out
    }

    static func describe(_ o: JSON) -> String {
        let key = ObjectKey(o)
        return key.namespace.isEmpty ? key.description : "\(key.description) in namespace \(key.namespace)"
    }

    /// Groups of one kind each, in Helm's install order (unknown kinds last, by name).
    static func kindGroups(_ objects: [JSON]) -> [[JSON]] {
        let rank = Dictionary(uniqueKeysWithValues: ManifestSorter.installOrder.enumerated().map { ($1, $0) })
        var groups: [String: [JSON]] = [:]
        for o in objects { groups[o["kind"]?.stringValue ?? "", default: []].append(o) }
        return groups.keys.sorted { a, b in
            switch (rank[a], rank[b]) {
            case (let x?, let y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }.map { groups[$0]! }
    }

    /// Runs `body` over `items` with at most `options.parallelism` at once; the first error wins.
    func forEach<T: Sendable, R: Sendable>(_ items: [T], width: Int? = nil, _ body: @escaping @Sendable (T) async throws -> R) async throws -> [R] {
        let width = max(1, width ?? options.parallelism)
        return try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            while next < items.count && next < width {
                let i = next, item = items[i]
                group.addTask { (i, try await body(item)) }
                next += 1
            }
            while let (i, r) = try await group.next() {
                results[i] = r
                if next < items.count {
                    let j = next, item = items[j]
                    group.addTask { (j, try await body(item)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }

    // MARK: ownership

    /// Refuses objects that exist but belong to another release or to no release, unless
    /// `takeOwnership`. Checked for every object before anything is changed.
    func checkOwnership(_ objects: [JSON]) async throws {
        let existing = try await existingObjects(objects)
        let problems: [String?] = objects.map { o in
            guard let live = existing[ObjectKey(o).identity] else { return nil }
            let owner = live[path: ["metadata", "annotations", Self.releaseNameAnnotation]]?.stringValue
            let ownerNS = live[path: ["metadata", "annotations", Self.releaseNamespaceAnnotation]]?.stringValue
            if owner == release && ownerNS == namespace { return nil }
            if options.takeOwnership {
                log("taking ownership of \(Self.describe(o)) (was \(owner.map { "owned by release \"\($0)\" in namespace \"\(ownerNS ?? "?")\"" } ?? "not managed by any release"))")
                return nil
            }
            if let owner {
                return "\(Self.describe(o)) belongs to release \"\(owner)\" in namespace \"\(ownerNS ?? "?")\""
            }
            return "\(Self.describe(o)) exists and is not managed by any release"
        }
        let found = problems.compactMap { $0 }
        if !found.isEmpty {
            throw ReleaseActionError(.failed, "release \"\(release)\" cannot adopt objects it does not own; nothing was changed:\n"
                + found.map { "  - \($0)" }.joined(separator: "\n")
                + "\nDelete or rename them, or re-run with --take-ownership to adopt them into this release.")
        }
    }

    // MARK: apply

    /// Server-side apply in `ApplyPlan.installWaves` (kinds in Helm's order, independent kinds
    /// together), in parallel inside a wave. The release's own objects are applied with force,
    /// so fields another manager (Helm) set move to tarsctl instead of failing on a conflict.
    /// With `clientSide`, objects are created or patched instead (`applyClientSide`);
    /// `originals` holds the previous revision's objects by identity, for the three-way patch.
    /// The objects the server returns are not read: only whether each was created matters.
    func apply(_ objects: [JSON], dryRun: Bool = false, created: CreatedObjects? = nil, originals: [String: JSON] = [:]) async throws {
        for wave in ApplyPlan.installWaves(objects) {
            try Task.checkCancellation()
            _ = try await forEach(wave) { o in
                do {
                    if clientSide {
                        let r = try await applyClientSide(o, original: originals[ObjectKey(o).identity], dryRun: dryRun)
                        if r.created && !dryRun { created?.add(o) }
                        return
                    }
                    if migrateClientSideOwnership && !dryRun { await migrateOwnership(of: o) }
                    let r = try await client.applyReportingCreation(o, fieldManager: Self.fieldManager, force: true, dryRun: dryRun, decode: false)
                    if !dryRun { log("\(r.created ? "created" : "applied") \(Self.describe(o))") }
                    if r.created && !dryRun { created?.add(o) }
                } catch let e as KubeAPIError {
                    throw ReleaseActionError(.failed, "applying \(Self.describe(o)) failed: \(e.description)")
                }
            }
            let crds = wave.filter { $0["kind"]?.stringValue == "CustomResourceDefinition" }
            if !crds.isEmpty && !dryRun {
                try await waitReady(crds, deadline: .now + options.timeout, what: "CRDs")
                _ = try? await client.serverResources(refresh: true)
            }
        }
    }

    /// Client-side apply of one object, as Helm does without `--server-side`: an absent object is
    /// created (POST); an existing one gets a three-way (strategic) merge patch from `original` (the
    /// previous revision's object), the object and the live one, or nothing when it already
    /// matches. The field manager is `tarsctl` with operation Update (no Apply entry).
    func applyClientSide(_ o: JSON, original: JSON?, dryRun: Bool) async throws -> (object: JSON, created: Bool) {
        let key = ObjectKey(o)
        let ns = key.namespace.isEmpty ? nil : key.namespace
        var live = try await client.getIfExists(apiVersion: key.apiVersion, kind: key.kind, namespace: ns, name: key.name)
        if live == nil {
            do {
                let made = try await client.create(o, fieldManager: Self.fieldManager, dryRun: dryRun)
                if !dryRun { log("created \(Self.describe(o))") }
                return (made, true)
            } catch let e as KubeAPIError where e.isAlreadyExists {
                // Created by someone else since it was read: patch it like any live object.
                live = try await client.getIfExists(apiVersion: key.apiVersion, kind: key.kind, namespace: ns, name: key.name)
            }
        }
        guard let live else {
            throw ReleaseActionError(.failed, "\(Self.describe(o)) was reported to exist and then to be absent while it was being created; run the operation again")
        }
        // As Helm: a strategic merge patch for built-in kinds, a JSON merge patch for the rest
        // (and when the server refuses the strategic one: the kind is not built in after all).
        let strategic = ThreeWayMergePatch.isBuiltIn(apiVersion: key.apiVersion)
        let patch = ThreeWayMergePatch.make(original: original, modified: o, current: live, strategic: strategic)
        if patch.objectValue?.isEmpty ?? true {
            if !dryRun { log("unchanged \(Self.describe(o))") }
            return (live, false)
        }
        let patched: JSON
        do {
            patched = try await client.patch(apiVersion: key.apiVersion, kind: key.kind, namespace: ns, name: key.name, patch: patch,
                                             type: strategic ? .strategicMerge : .merge, fieldManager: Self.fieldManager, dryRun: dryRun)
        } catch let e as KubeAPIError where strategic && e.code == 415 {
            patched = try await client.patch(apiVersion: key.apiVersion, kind: key.kind, namespace: ns, name: key.name,
                                             patch: ThreeWayMergePatch.make(original: original, modified: o, current: live), type: .merge,
                                             fieldManager: Self.fieldManager, dryRun: dryRun)
        }
        if !dryRun { log("patched \(Self.describe(o))") }
        return (patched, false)
    }

    /// Field managers whose client-side (`Update`) ownership moves to tarsctl's `Apply` entry:
    /// tarsctl's own client-side writes and Helm's.
    static let clientSideManagers: Set<String> = [fieldManager, "helm"]

    /// Moves the live object's client-side ownership to tarsctl's `Apply` entry with a JSON
    /// patch guarded by its resourceVersion (retried when the object changed meanwhile). An
    /// absent object or one without such entries is left alone; a migration that keeps failing
    /// is reported and the apply goes on (fields then stay co-owned, as before the migration).
    func migrateOwnership(of o: JSON) async {
        let key = ObjectKey(o)
        let ns = key.namespace.isEmpty ? nil : key.namespace
        var lastError = ""
        for _ in 0..<3 {
            do {
                guard let live = try await client.getIfExists(apiVersion: key.apiVersion, kind: key.kind, namespace: ns, name: key.name),
                      let entries = live[path: ["metadata", "managedFields"]]?.arrayValue,
                      let migrated = Self.migratedManagedFields(entries) else { return }
                let guardVersion = live[path: ["metadata", "resourceVersion"]] ?? .null
                let patch: JSON = [["op": "test", "path": "/metadata/resourceVersion", "value": guardVersion],
                                   ["op": "replace", "path": "/metadata/managedFields", "value": .array(migrated)]]
                _ = try await client.patch(apiVersion: key.apiVersion, kind: key.kind, namespace: ns, name: key.name, patch: patch, type: .json)
                log("moved client-side field ownership of \(Self.describe(o)) to server-side apply")
                return
            } catch {
                lastError = String(describing: error)
            }
        }
        log("warning: could not move the client-side field ownership of \(Self.describe(o)) to server-side apply (\(lastError)); "
            + "fields the chart no longer sets may stay on it")
    }

    /// `entries` with the client-side `Update` entries of `clientSideManagers` merged into
    /// tarsctl's `Apply` entry (created when absent); nil when there is none to move.
    static func migratedManagedFields(_ entries: [JSON]) -> [JSON]? {
        func isClientSide(_ e: JSON) -> Bool {
            e["operation"]?.stringValue == "Update" && clientSideManagers.contains(e["manager"]?.stringValue ?? "")
                && (e["subresource"]?.stringValue ?? "").isEmpty
        }
        let moving = entries.filter(isClientSide)
        guard !moving.isEmpty else { return nil }
        var out = entries.filter { !isClientSide($0) }
        let fields = moving.reduce(JSON.object([:])) { union($0, $1["fieldsV1"] ?? [:]) }
        if let i = out.firstIndex(where: { $0["manager"]?.stringValue == fieldManager && $0["operation"]?.stringValue == "Apply" && ($0["subresource"]?.stringValue ?? "").isEmpty }) {
            out[i]["fieldsV1"] = union(out[i]["fieldsV1"] ?? [:], fields)
        } else {
            var entry: JSON = ["manager": .string(fieldManager), "operation": "Apply", "fieldsType": "FieldsV1", "fieldsV1": fields]
            entry["apiVersion"] = moving[0]["apiVersion"]
            entry["time"] = moving[0]["time"]
            out.append(entry)
        }
        return out
    }

    /// The union of two `fieldsV1` trees.
    static func union(_ a: JSON, _ b: JSON) -> JSON {
        guard case .object(var x) = a, case .object(let y) = b else { return a }
        for (k, v) in y { x[k] = x[k].map { union($0, v) } ?? v }
        return .object(x)
    }

    /// Objects an apply created (not updated), for `--cleanup-on-fail`.
    final class CreatedObjects: @unchecked Sendable {
        private let lock = NSLock()
        private var objects: [JSON] = []
        func add(_ o: JSON) { lock.lock(); objects.append(o); lock.unlock() }
        var all: [JSON] { lock.lock(); defer { lock.unlock() }; return objects }
    }

    /// Deletes objects in reverse install order; absent objects are fine. Objects annotated
    /// `helm.sh/resource-policy: keep` stay.
    /// Answers the objects it asked the server to delete.
    @discardableResult
    func delete(_ objects: [JSON], reason: String, propagation: DeletePropagation = .background) async throws -> [JSON] {
        var deleted: [JSON] = []
        for group in Self.kindGroups(objects).reversed() {
            deleted += try await forEach(group) { o -> JSON? in
                if o[path: ["metadata", "annotations", Self.resourcePolicyAnnotation]]?.stringValue == "keep" {
                    log("kept \(Self.describe(o)) (helm.sh/resource-policy: keep)")
                    return nil
                }
                let key = ObjectKey(o)
                do {
                    try await client.delete(apiVersion: key.apiVersion, kind: key.kind, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name,
                                            propagationPolicy: propagation)
                    log("\(reason) \(Self.describe(o))")
                } catch let e as KubeAPIError where e.isNotFound {
                    return nil
                } catch let e as KubeClientError where e.kind == .unknownKind {
                    return nil
                } catch let e as KubeAPIError {
                    throw ReleaseActionError(.failed, "deleting \(Self.describe(o)) failed: \(e.description)")
                }
                return o
            }.compactMap { $0 }
        }
        return deleted
    }

    /// The live objects among `objects`, by identity: one LIST per kind and namespace when a kind
    /// has several objects (fewer requests and connections than a GET each), a GET otherwise.
    func existingObjects(_ objects: [JSON]) async throws -> [String: JSON] {
        var groups: [String: [JSON]] = [:]
        for o in objects {
            let k = ObjectKey(o)
            groups["\(k.apiVersion)|\(k.kind)|\(k.namespace)", default: []].append(o)
        }
        let found: [[JSON]] = try await forEach(Array(groups.values), width: 2 * options.parallelism) { group in
            let k = ObjectKey(group[0])
            let ns = k.namespace.isEmpty ? nil : k.namespace
            do {
                if group.count == 1 {
                    return [try await client.get(apiVersion: k.apiVersion, kind: k.kind, namespace: ns, name: k.name)]
                }
                let wanted = Set(group.map { ObjectKey($0).name })
                return try await client.list(apiVersion: k.apiVersion, kind: k.kind, namespace: ns).items.filter {
                    wanted.contains($0[path: ["metadata", "name"]]?.stringValue ?? "")
                }.map { item in
                    // List items carry no kind/apiVersion; identity needs them.
                    var o = item
                    o["apiVersion"] = .string(k.apiVersion)
                    o["kind"] = .string(k.kind)
                    return o
                }
            } catch let e as KubeAPIError where e.isNotFound {
                return []
            }
        }
        var out: [String: JSON] = [:]
        for o in found.joined() { out[ObjectKey(o).identity] = o }
        return out
    }

    /// Live objects (nil when absent), for diffs.
    func live(_ objects: [JSON]) async throws -> [JSON] {
        let found: [JSON?] = try await forEach(objects, width: 2 * options.parallelism) { o in
            let key = ObjectKey(o)
            do {
                return try await client.get(apiVersion: key.apiVersion, kind: key.kind, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name)
            } catch let e as KubeAPIError where e.isNotFound {
                return nil
            } catch let e as KubeClientError where e.kind == .unknownKind {
                return nil
            }
        }
        return found.compactMap { $0 }
    }

    // MARK: readiness

    /// Polls until every object is ready by the kstatus rules, or the deadline passes: then a
    /// timeout error lists what is not ready and why. A Job that failed ends the wait at once.
    func waitReady(_ objects: [JSON], deadline: ContinuousClock.Instant, what: String = "resources") async throws {
        var pending = objects
        var lastReasons: [String: String] = [:]
        var reported: [String: String] = [:]
        if !pending.isEmpty { log("waiting for \(pending.count) \(what) to be ready (timeout \(Self.format(deadline - .now)))") }
        while !pending.isEmpty {
            try Task.checkCancellation()
            let states: [(JSON, Readiness)] = try await forEach(pending) { o in
                let key = ObjectKey(o)
                do {
                    let live = try await client.get(apiVersion: key.apiVersion, kind: key.kind, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name)
                    return (o, Readiness.evaluate(live))
                } catch let e as KubeAPIError where e.isNotFound {
                    return (o, .inProgress("not found in the cluster"))
                }
            }
            pending = []
            for (o, state) in states {
                let id = ObjectKey(o).identity
                switch state {
                case .ready:
                    log("ready: \(Self.describe(o))")
                case .failed(let why) where o["kind"]?.stringValue == "Job":
                    throw ReleaseActionError(.failed, "\(Self.describe(o)) failed: \(why)")
                case .failed(let why), .inProgress(let why):
                    pending.append(o)
                    lastReasons[id] = why
                    if reported[id] != why {
                        log("waiting: \(Self.describe(o)): \(why)")
                        reported[id] = why
                    }
                }
            }
            if pending.isEmpty { break }
            if ContinuousClock.now >= deadline {
                let list = pending.map { "  - \(Self.describe($0)): \(lastReasons[ObjectKey($0).identity] ?? "not ready")" }.joined(separator: "\n")
                throw ReleaseActionError(.timeout, "timed out after \(Self.format(options.timeout)) waiting for \(pending.count) of \(objects.count) \(what) to be ready:\n\(list)\n"
                    + "Check them with `kubectl describe` (events, pod status), or raise --timeout.")
            }
            try await Task.sleep(for: min(options.pollInterval, max(.milliseconds(1), deadline - .now)))
        }
    }

    static func format(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        if ms % 60000 == 0 && ms > 0 { return "\(ms / 60000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return String(format: "%.1fs", Double(ms) / 1000)
    }

    /// Waits until an object is gone (after a delete), bounded by the deadline.
    func waitGone(_ o: JSON, deadline: ContinuousClock.Instant) async throws {
        let key = ObjectKey(o)
        while true {
            do {
                _ = try await client.get(apiVersion: key.apiVersion, kind: key.kind, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name)
            } catch let e as KubeAPIError where e.isNotFound {
                return
            }
            if ContinuousClock.now >= deadline {
                throw ReleaseActionError(.timeout, "timed out waiting for \(Self.describe(o)) to be deleted")
            }
            try await Task.sleep(for: options.pollInterval)
        }
    }
}

import Foundation
