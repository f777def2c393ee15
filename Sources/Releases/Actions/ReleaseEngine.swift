import ChartRender
import KubeClient

/// What an upgrade did.
public struct UpgradeOutcome: Sendable {
    /// The revision now current (the previous one when nothing changed).
    public var release: Release
    /// True when the upgrade found nothing to change and recorded no revision.
    public var unchanged: Bool
}

/// install / upgrade / rollback / uninstall on a cluster, recording revisions in Helm's format.
/// Every operation that created a pending revision ends it `deployed` or `failed` (also when
/// interrupted: the caller cancels the task and the revision is marked failed before returning).
public struct ReleaseEngine: Sendable {
    public let client: KubeClient
    /// The revision records (Helm's Secret storage through `KubeSecretBackend` by default).
    public let store: ReleaseStore
    public let log: @Sendable (String) -> Void
    /// Phase timings for `TARSCTL_TRACE` (nil: off).
    public let trace: (@Sendable (String) -> Void)?

    public init(client: KubeClient, store: ReleaseStore? = nil, log: @escaping @Sendable (String) -> Void = { _ in },
                trace: (@Sendable (String) -> Void)? = nil) {
        self.client = client
        self.store = store ?? ReleaseStore(backend: KubeSecretBackend(client: client))
        self.log = log
        self.trace = trace
    }

    func ops(_ name: String, _ namespace: String, _ options: ReleaseActionOptions, clientSide: Bool = false, migrateOwnership: Bool = false) -> ClusterOperations {
        ClusterOperations(client: client, release: name, namespace: namespace, options: options, log: log, clientSide: clientSide,
                          migrateClientSideOwnership: migrateOwnership)
    }

    // MARK: reading

    public func history(name: String, namespace: String) async throws -> [Release] {
        try await records(name: name, namespace: namespace)
    }

    /// Every revision, oldest first. Secrets that look like records but cannot be read are
    /// named in the log and left alone (Helm skips them too).
    func records(name: String, namespace: String) async throws -> [Release] {
        let listing = try await store.history(name: name, namespace: namespace)
        for e in listing.unreadable { log("warning: skipped an unreadable release record: \(e)") }
        return listing.releases
    }

    /// Deletes a revision's record; one already gone is fine.
    func removeRecord(name: String, namespace: String, revision: Int) async throws {
        do {
            try await store.delete(name: name, namespace: namespace, revision: revision)
        } catch let e as ReleaseStoreError where e.code == .revisionNotFound {}
    }

    /// The newest revision; `usage` error when the release does not exist.
    public func latest(name: String, namespace: String) async throws -> Release {
        guard let r = try await records(name: name, namespace: namespace).last else {
            throw ReleaseActionError(.usage, "release \"\(name)\" not found in namespace \"\(namespace)\" (list releases with `tarsctl list -A`)")
        }
        return r
    }

    /// Refuses to start while the newest revision is pending: another operation runs, or one
    /// died without finishing.
    func refusePending(_ history: [Release]) throws {
        guard let last = history.last, last.status.isPending else { return }
        let since = last.info?.lastDeployed.map { " since \($0)" } ?? ""
        throw ReleaseActionError(.locked, "another operation (install/upgrade/rollback) is in progress on release \"\(last.name)\" in namespace \"\(last.namespace)\": "
            + "revision \(last.version) is \(last.status.rawValue)\(since). Wait for it to finish. If no tarsctl or helm process is working on it any more "
            + "(it crashed or was killed), clear it with `tarsctl rollback \(last.name) -n \(last.namespace) --recover-pending`, which marks revision \(last.version) failed "
            + "and restores the last deployed revision.")
    }

    // MARK: install

    public func install(name: String, namespace: String, chart: Chart, values: [String: Value], options: ReleaseActionOptions) async throws -> Release {
        try await explained("install", name) { try await installBody(name: name, namespace: namespace, chart: chart, values: values, options: options) }
    }

    func installBody(name: String, namespace: String, chart: Chart, values: [String: Value], options: ReleaseActionOptions) async throws -> Release {
        // Read the history while rendering (revision 1 is the usual guess; re-rendered when not),
        // and open the connections the parallel ownership reads and applies will use.
        let warmUp = connectionWarmUp(options)
        defer { warmUp?.cancel() }
        async let pastRecords = records(name: name, namespace: namespace)
        let chartRecord = precompressedChart(chart, options)
        var rendered = try ReleaseRenderer.render(chart: chart, releaseName: name, namespace: namespace, values: values, revision: 1, isUpgrade: false,
                                                  chartRecord: chartRecord)
        trace?("rendered")
        let history = try await pastRecords
        trace?("history read")
        try refusePending(history)
        if let last = history.last, last.status != .uninstalled {
            throw ReleaseActionError(.usage, "release \"\(name)\" already exists in namespace \"\(namespace)\" (revision \(last.version), \(last.status.rawValue)); "
                + "use `tarsctl upgrade \(name) CHART` to change it, or `tarsctl uninstall \(name)` first")
        }
        let revision = (history.last?.version ?? 0) + 1
        if revision != 1 {
            rendered = try ReleaseRenderer.render(chart: chart, releaseName: name, namespace: namespace, values: values, revision: revision, isUpgrade: false,
                                                  chartRecord: chartRecord)
        }
        for w in rendered.warnings { log("warning: \(w)") }
        let now = GoTime.now()
        var release = Release(name: name, namespace: namespace, version: revision,
                              info: ReleaseInfo(firstDeployed: now, lastDeployed: now, description: "Initial install underway", status: .pendingInstall, notes: rendered.notes),
                              chart: rendered.chart, config: rendered.config, manifest: rendered.manifest, hooks: rendered.hooks,
                              applyMethod: options.serverSide.method(following: nil), labels: options.labels)
        let pendingRecord = encodedAhead(release, options)
        let ops = self.ops(name, namespace, options)
        if options.createNamespace && !options.dryRun { try await ensureNamespace(namespace, ops: ops) }
        try await installCRDs(rendered.crds, ops: ops, options: options)
        let desired = try await ops.prepare(rendered.manifestObjects(), markOwnership: true)
        trace?("objects prepared (discovery)")
        if options.dryRun {
            let ops = self.ops(name, namespace, options, clientSide: release.applyMethod == "csa")
            try await ops.apply(desired.filter { $0["kind"]?.stringValue != "CustomResourceDefinition" }, dryRun: true)
            release.info?.status = .pendingInstall
            release.info?.description = "Dry run complete"
            return release
        }
        release.storageVersion = try await lock(release, checking: desired, ops: ops, encoded: pendingRecord)
        trace?("ownership checked, pending record written")
        return try await run(&release, earlier: history, previous: nil, previousObjects: [], desired: desired, crds: [],
                             pre: .preInstall, post: .postInstall, success: "Install complete", options: options)
    }

    /// The chart as its release records hold it, whose part of the records is compressed on
    /// another thread meanwhile (while the templates render), unless nothing will be recorded.
    func precompressedChart(_ chart: Chart, _ options: ReleaseActionOptions) -> ChartRecord {
        let record = ReleaseRenderer.record(of: chart)
        if !options.dryRun { Task.detached { ReleaseSecret.precompress(chart: record) } }
        return record
    }

    /// The pending record's Secret, encoded and compressed on another thread while the objects
    /// are prepared (discovery requests); nil for a dry run, which records nothing.
    func encodedAhead(_ pending: Release, _ options: ReleaseActionOptions) -> Task<JSON?, Never>? {
        guard !options.dryRun else { return nil }
        return Task.detached { try? ReleaseSecret.encode(pending, write: .create) }
    }

    /// Connections for the parallel requests to come, opened while the chart renders (nil for a
    /// dry run). Cancelled when the operation ends.
    func connectionWarmUp(_ options: ReleaseActionOptions) -> Task<Void, Never>? {
        guard !options.dryRun else { return nil }
        let client = self.client
        return Task { await client.warmUp(connections: options.parallelism) }
    }

    /// CRDs from the chart's `crds/` directory, before anything else and outside the release (as
    /// Helm: never upgraded by templates, never deleted with the release); waited for until established.
    func installCRDs(_ crds: [JSON], ops: ClusterOperations, options: ReleaseActionOptions) async throws {
        guard !crds.isEmpty, !options.dryRun else { return }
        try await ops.apply(try await ops.prepare(crds, markOwnership: false))
    }

    func ensureNamespace(_ namespace: String, ops: ClusterOperations) async throws {
        do {
            _ = try await client.get(apiVersion: "v1", kind: "Namespace", name: namespace)
        } catch let e as KubeAPIError where e.isNotFound {
            _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]], fieldManager: ClusterOperations.fieldManager)
            log("created Namespace/\(namespace)")
        }
    }

    // MARK: upgrade

    public func upgrade(name: String, namespace: String, chart: Chart, values: [String: Value], options: ReleaseActionOptions, install: Bool = false) async throws -> UpgradeOutcome {
        try await explained("upgrade", name) { try await upgradeBody(name: name, namespace: namespace, chart: chart, values: values, options: options, install: install) }
    }

    func upgradeBody(name: String, namespace: String, chart: Chart, values: [String: Value], options: ReleaseActionOptions, install: Bool) async throws -> UpgradeOutcome {
        // Known now: its part of the records is compressed while the history is read and the chart renders.
        let chartRecord = precompressedChart(chart, options)
        let history = try await records(name: name, namespace: namespace)
        guard let last = history.last, last.status != .uninstalled || false else {
            if install {
                return UpgradeOutcome(release: try await self.install(name: name, namespace: namespace, chart: chart, values: values, options: options), unchanged: false)
            }
            throw ReleaseActionError(.usage, history.isEmpty
                ? "release \"\(name)\" has no deployed revision in namespace \"\(namespace)\"; install it first, or pass --install"
                : "release \"\(name)\" in namespace \"\(namespace)\" is uninstalled; install it again with `tarsctl install` or `upgrade --install`")
        }
        try refusePending(history)
        // Connections for the parallel reads and applies, opened while the chart renders.
        let warmUp = connectionWarmUp(options)
        defer { warmUp?.cancel() }
        let deployed = history.last { $0.status == .deployed }
        let revision = last.version + 1
        var values = values
        if options.reuseValues {
            values = Coalesce.merge(ReleaseRenderer.values(fromConfig: (deployed ?? last).config), values)
        }
        let rendered = try ReleaseRenderer.render(chart: chart, releaseName: name, namespace: namespace, values: values, revision: revision, isUpgrade: true,
                                                  chartRecord: chartRecord)
        for w in rendered.warnings { log("warning: \(w)") }
        let ops = self.ops(name, namespace, options)
        try await installCRDs(rendered.crds, ops: ops, options: options)
        let desired = try await ops.prepare(rendered.manifestObjects(), markOwnership: true)
        let base = deployed ?? last
        // As Helm: `auto` keeps the method of the newest revision.
        let applyMethod = options.serverSide.method(following: last.applyMethod)
        // Nothing to do when the manifest, hooks and values are those of the deployed revision
        // and the live objects still match them (Helm's #7652: no empty revisions).
        if !options.force, let deployed, deployed.manifest == rendered.manifest, deployed.config == rendered.config, deployed.applyMethod == applyMethod,
           deployed.hooks.map(\.manifest) == rendered.hooks.map(\.manifest), last.version == deployed.version {
            // Fast path: every field the manifest sets already has that value live. Objects that
            // differ (or hold fields the server normalises) get the exact dry-run comparison.
            let live = try await ops.live(desired)
            var liveByID: [String: JSON] = [:]
            for l in live { liveByID[ObjectKey(l).identity] = l }
            let differing = desired.filter { d in liveByID[ObjectKey(d).identity].map { !Self.contains($0, d) } ?? true }
            let diff = differing.isEmpty ? ManifestDiff.diff(live: [], desired: [], options: DiffOptions(desiredLabel: ""))
                // The deployed manifest is this one, so its objects are the client-side originals.
                : try await self.diff(ops: self.ops(name, namespace, options, clientSide: applyMethod == "csa"), previousManifest: "",
                                      desired: differing, options: DiffOptions(desiredLabel: "revision \(revision)"), originals: differing)
            if diff.isEmpty {
                log("no changes: release \"\(name)\" is already at this state (revision \(deployed.version)); no revision recorded (use --force to record one)")
                return UpgradeOutcome(release: deployed, unchanged: true)
            }
        }
        let previousObjects = try await prunable(ops, history: history, base: base)
        let now = GoTime.now()
        var release = Release(name: name, namespace: namespace, version: revision,
                              info: ReleaseInfo(firstDeployed: history.first?.info?.firstDeployed ?? now, lastDeployed: now, description: "Preparing upgrade",
                                                status: .pendingUpgrade, notes: rendered.notes),
                              chart: rendered.chart, config: rendered.config, manifest: rendered.manifest, hooks: rendered.hooks, applyMethod: applyMethod,
                              labels: options.labels.isEmpty ? base.labels : options.labels)
        if options.dryRun {
            release.info?.description = "Dry run complete"
            return UpgradeOutcome(release: release, unchanged: false)
        }
        let owned = Set(previousObjects.map { ObjectKey($0).identity })
        release.storageVersion = try await lock(release, checking: desired.filter { !owned.contains(ObjectKey($0).identity) }, ops: ops)
        let done = try await run(&release, earlier: history, previous: deployed, previousObjects: previousObjects, desired: desired, crds: [],
                                 pre: .preUpgrade, post: .postUpgrade, success: "Upgrade complete", options: options)
        return UpgradeOutcome(release: done, unchanged: false)
    }

    /// Objects the release owned before: the base revision's manifest plus a failed newer
    /// revision's (its objects may have been applied), so pruning misses none.
    func prunable(_ ops: ClusterOperations, history: [Release], base: Release) async throws -> [JSON] {
        var text = [base.manifest]
        if let last = history.last, last.version != base.version, last.status == .failed { text.append(last.manifest) }
        var seen = Set<String>()
        var out: [JSON] = []
        for t in text {
            let objects = (try? ManifestObjects.parse(t)) ?? []
            for o in try await ops.prepareRecorded(objects) where seen.insert(ObjectKey(o).identity).inserted {
                out.append(o)
            }
        }
        return out
    }

    // MARK: diff

    /// The object-by-object difference between the live objects and what upgrading to `chart`
    /// would apply (computed with a server-side dry-run apply, so defaults do not show).
    public func diffUpgrade(name: String, namespace: String, chart: Chart, values: [String: Value], options: ReleaseActionOptions, diffOptions: DiffOptions) async throws -> ReleaseDiff {
        let history = try await records(name: name, namespace: namespace)
        let base = history.last { $0.status == .deployed } ?? history.last
        let rendered = try ReleaseRenderer.render(chart: chart, releaseName: name, namespace: namespace, values: values, revision: (history.last?.version ?? 0) + 1, isUpgrade: base != nil)
        // The method the upgrade would use, so the dry run shows what it would do.
        let ops = self.ops(name, namespace, options, clientSide: options.serverSide.method(following: history.last?.applyMethod) == "csa")
        let desired = try await ops.prepare(rendered.manifestObjects(), markOwnership: true)
        return try await diff(ops: ops, previousManifest: base?.manifest ?? "", desired: desired, options: diffOptions)
    }

    /// `originals`: objects the previous revision set, besides those of `previousManifest` (for
    /// the client-side three-way patch).
    func diff(ops: ClusterOperations, previousManifest: String, desired: [JSON], options: DiffOptions, originals extra: [JSON] = []) async throws -> ReleaseDiff {
        let previous = try await ops.prepareRecorded((try? ManifestObjects.parse(previousManifest)) ?? [])
        let wanted = Set(desired.map { ObjectKey($0).identity })
        let removed = previous.filter { !wanted.contains(ObjectKey($0).identity) }
        let live = try await ops.live(desired + removed)
        var originals: [String: JSON] = [:]
        for o in previous + extra { originals[ObjectKey(o).identity] = o }
        let originalObjects = originals
        let dry: [JSON] = try await ops.forEach(desired) { o in
            // The server's view of the object after the apply: defaults filled in like the live one.
            if ops.clientSide {
                return (try? await ops.applyClientSide(o, original: originalObjects[ObjectKey(o).identity], dryRun: true).object) ?? o
            }
            return (try? await client.apply(o, fieldManager: ClusterOperations.fieldManager, force: true, dryRun: true)) ?? o
        }
        return ManifestDiff.diff(live: live, desired: dry, options: options)
    }

    // MARK: rollback

    /// Re-applies revision `revision` (default: the one before the current) as a new revision.
    public func rollback(name: String, namespace: String, revision: Int?, options: ReleaseActionOptions, recoverPending: Bool = false) async throws -> Release {
        try await explained("rollback", name) { try await rollbackBody(name: name, namespace: namespace, revision: revision, options: options, recoverPending: recoverPending) }
    }

    func rollbackBody(name: String, namespace: String, revision: Int?, options: ReleaseActionOptions, recoverPending: Bool) async throws -> Release {
        var history = try await records(name: name, namespace: namespace)
        guard let last = history.last else {
            throw ReleaseActionError(.usage, "release \"\(name)\" not found in namespace \"\(namespace)\" (list releases with `tarsctl list -A`)")
        }
        if last.status.isPending {
            guard recoverPending else { try refusePending(history); return last }
            var cleared = last
            cleared.info?.status = .failed
            cleared.info?.description = "Marked failed by `tarsctl rollback --recover-pending`: the operation that created it never finished"
            cleared = try await store.update(cleared)
            history[history.count - 1] = cleared
            log("marked revision \(last.version) failed (it was \(last.status.rawValue))")
        }
        let current = history.last { $0.status == .deployed } ?? last
        // As Helm: the default target is the revision before the newest one.
        let targetRevision = revision ?? last.version - 1
        guard targetRevision > 0, let target = history.first(where: { $0.version == targetRevision }) else {
            throw ReleaseActionError(.usage, "release \"\(name)\" has no revision \(revision.map(String.init) ?? String(targetRevision)) "
                + "(revisions: \(history.map { String($0.version) }.joined(separator: ", "))); see `tarsctl history \(name) -n \(namespace)`")
        }
        let ops = self.ops(name, namespace, options)
        let desired = try await ops.prepare(ManifestObjects.parse(target.manifest), markOwnership: true)
        let previousObjects = try await prunable(ops, history: history, base: current)
        let now = GoTime.now()
        var release = Release(name: name, namespace: namespace, version: last.version + 1,
                              info: ReleaseInfo(firstDeployed: history.first?.info?.firstDeployed ?? now, lastDeployed: now, description: "Rollback to \(targetRevision)",
                                                status: .pendingRollback, rollbackRevision: targetRevision, notes: target.info?.notes ?? ""),
                              chart: target.chart, config: target.config, manifest: target.manifest, hooks: target.hooks,
                              // As Helm: `auto` uses the method of the revision rolled back to.
                              applyMethod: options.serverSide.method(following: target.applyMethod), labels: target.labels)
        if options.dryRun { return release }
        let owned = Set(previousObjects.map { ObjectKey($0).identity })
        release.storageVersion = try await lock(release, checking: desired.filter { !owned.contains(ObjectKey($0).identity) }, ops: ops)
        var noRollback = options
        noRollback.rollbackOnFailure = false
        return try await run(&release, earlier: history, previous: history.last { $0.status == .deployed }, previousObjects: previousObjects, desired: desired, crds: [],
                             pre: .preRollback, post: .postRollback, success: "Rollback to \(targetRevision)", options: noRollback)
    }

    // MARK: uninstall

    /// Runs pre-delete hooks, deletes the release's objects, runs post-delete hooks, then removes
    /// the records (or marks the last `uninstalled` with `keepHistory`).
    public func uninstall(name: String, namespace: String, options: ReleaseActionOptions) async throws -> Release {
        let history = try await records(name: name, namespace: namespace)
        guard var last = history.last else {
            throw ReleaseActionError(.usage, "release \"\(name)\" not found in namespace \"\(namespace)\" (list releases with `tarsctl list -A`)")
        }
        if last.status == .uninstalled {
            throw ReleaseActionError(.usage, "release \"\(name)\" in namespace \"\(namespace)\" is already uninstalled (its history was kept); "
                + "remove the records with `tarsctl uninstall \(name) -n \(namespace)` after installing, or leave them")
        }
        try refusePending(history)
        if options.dryRun { return last }
        let ops = self.ops(name, namespace, options)
        let deadline = ContinuousClock.now + options.timeout
        last.info?.status = .uninstalling
        last.info?.description = "Deletion in progress (or silently failed)"
        last.storageVersion = try await store.update(last).storageVersion
        do {
            if !options.noHooks { try await HookRunner(ops: ops).run(.preDelete, hooks: &last.hooks, deadline: deadline) }
            let objects = try await ops.prepareRecorded((try? ManifestObjects.parse(last.manifest)) ?? [])
            let deleted = try await ops.delete(objects, reason: "deleted", propagation: options.cascade)
            if options.wait { for o in deleted { try await ops.waitGone(o, deadline: deadline) } }
            if !options.noHooks { try await HookRunner(ops: ops).run(.postDelete, hooks: &last.hooks, deadline: deadline) }
        } catch {
            let message = Self.message(for: error)
            var failed = last
            failed.info?.status = .failed
            failed.info?.description = "Uninstallation failed: \(message)"
            let failedRecord = failed
            await finish { try await store.update(failedRecord) }
            throw ReleaseActionError((error as? ReleaseActionError)?.kind ?? (Task.isCancelled ? .interrupted : .failed),
                                     "uninstall of release \"\(name)\" failed: \(message)\nRevision \(last.version) is marked failed; run the uninstall again to finish it.")
        }
        last.info?.status = .uninstalled
        last.info?.deleted = .now()
        last.info?.description = "Uninstallation complete"
        if options.keepHistory {
            try await store.update(last)
        } else {
            for r in history { try await removeRecord(name: name, namespace: namespace, revision: r.version) }
        }
        return last
    }

    /// Errors that are not already explained (cluster, render, record errors before anything was
    /// applied: everything after is handled in `run`) get the operation and release named.
    func explained<T>(_ verb: String, _ name: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as ReleaseActionError {
            throw e
        } catch {
            let interrupted = Task.isCancelled || error is CancellationError
            throw ReleaseActionError(interrupted ? .interrupted : .failed,
                                     "\(verb) of release \"\(name)\" failed before it applied anything: \(interrupted ? "interrupted" : Self.message(for: error))")
        }
    }

    /// Whether `live` holds every field `desired` sets, with the same value (arrays element by element).
    static func contains(_ live: JSON, _ desired: JSON) -> Bool {
        switch (live, desired) {
        case (.object(let l), .object(let d)):
            return d.allSatisfy { k, v in l[k].map { contains($0, v) } ?? v.isNull }
        case (.array(let l), .array(let d)):
            return l.count == d.count && zip(l, d).allSatisfy { contains($0, $1) }
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)):
            return Double(a) == b
        default:
            return live == desired
        }
    }

    /// Writes the pending revision while checking that no object to apply belongs to someone
    /// else (both before any object changes); an ownership refusal removes the record again.
    /// Returns the record's storage version: the final write is conditional on it, so an
    /// operation that finishes late does not overwrite what another one (e.g. `rollback
    /// --recover-pending`) wrote meanwhile.
    /// `encoded`: the record's Secret encoded ahead (`encodedAhead`), used unless it failed.
    func lock(_ release: Release, checking objects: [JSON], ops: ClusterOperations, encoded: Task<JSON?, Never>? = nil) async throws -> String? {
        async let check: Void = ops.checkOwnership(objects)
        let version = try await createRecord(release, encoded: await encoded?.value)
        do {
            try await check
            return version
        } catch {
            let (name, namespace, version) = (release.name, release.namespace, release.version)
            await finish { try await removeRecord(name: name, namespace: namespace, revision: version) }
            throw error
        }
    }

    /// Writes the pending revision; losing the race for its number to another operation
    /// refuses this one before it changed anything.
    func createRecord(_ release: Release, encoded: JSON? = nil) async throws -> String? {
        do {
            if let encoded { return try await store.create(release, encoded: encoded).storageVersion }
            return try await store.create(release).storageVersion
        } catch let e as ReleaseStoreError where e.code == .revisionExists {
            throw ReleaseActionError(.locked, ConcurrentOperationError(release: release.name, namespace: release.namespace, revision: release.version).description)
        }
    }

    // MARK: the common path

    /// hooks pre → apply → prune → wait → hooks post → record. On any failure the revision is
    /// marked failed (from a task that cancellation does not reach) and, with
    /// `rollbackOnFailure`, the previous revision is restored or a failed install removed.
    func run(_ release: inout Release, earlier: [Release], previous: Release?, previousObjects: [JSON], desired: [JSON], crds: [JSON],
             pre: HookEvent, post: HookEvent, success: String, options: ReleaseActionOptions) async throws -> Release {
        // Moving from client-side to server-side apply: the previous revision's client-side
        // field ownership goes to the Apply entry first (Helm's UpgradeClientSideFieldManager).
        let ops = self.ops(release.name, release.namespace, options, clientSide: release.applyMethod == "csa",
                           migrateOwnership: release.applyMethod == "ssa" && previous.map { $0.applyMethod != "ssa" } ?? false)
        let deadline = ContinuousClock.now + options.timeout
        let created = ClusterOperations.CreatedObjects()
        var speculativeRecord: Task<(Release, JSON?), Never>?
        do {
            if !options.noHooks { try await HookRunner(ops: ops).run(pre, hooks: &release.hooks, deadline: deadline) }
            if !crds.isEmpty { try await ops.apply(try await ops.prepare(crds, markOwnership: false)) }
            // The final record, encoded while the objects are applied; used when nothing in it
            // changed by the end (post hooks record their runs).
            var expected = release
            expected.info?.status = .deployed
            expected.info?.description = options.description ?? success
            let speculative = expected
            speculativeRecord = Task.detached { (speculative, try? ReleaseSecret.encode(speculative, write: .update)) }
            // Client-side apply patches from the previous revision's objects (the first
            // recorded wins: the deployed revision's, then a failed newer one's).
            var originals: [String: JSON] = [:]
            for o in previousObjects where originals[ObjectKey(o).identity] == nil { originals[ObjectKey(o).identity] = o }
            try await ops.apply(desired, created: created, originals: originals)
            trace?("applied")
            let wanted = Set(desired.map { ObjectKey($0).identity })
            try await ops.delete(previousObjects.filter { !wanted.contains(ObjectKey($0).identity) }, reason: "pruned")
            if options.wait { try await ops.waitReady(desired, deadline: deadline) }
            if !options.noHooks { try await HookRunner(ops: ops).run(post, hooks: &release.hooks, deadline: deadline) }
        } catch {
            let interrupted = Task.isCancelled || error is CancellationError
            let message = interrupted ? "interrupted (SIGINT/SIGTERM) before it finished" : Self.message(for: error)
            var failed = release
            // Marking the revision failed must not be refused: it is written unconditionally.
            failed.storageVersion = nil
            failed.info?.status = .failed
            failed.info?.description = "\(pre == .preInstall ? "Release" : pre == .preUpgrade ? "Upgrade" : "Rollback") \"\(release.name)\" failed: \(message)"
            let failedRecord = failed
            await finish { try await store.update(failedRecord) }
            if options.cleanupOnFail && !created.all.isEmpty {
                let fresh = created.all
                await finish { _ = try await ops.delete(fresh, reason: "deleted (--cleanup-on-fail)") }
            }
            var text = "\(Self.verb(pre)) of release \"\(release.name)\" (revision \(release.version)) failed: \(message)\nRevision \(release.version) is marked failed."
            if options.rollbackOnFailure {
                let (name, namespace) = (release.name, release.namespace)
                let restored = await finishing {
                    if let previous {
                        var o = options
                        o.rollbackOnFailure = false
                        let r = try await rollback(name: name, namespace: namespace, revision: previous.version, options: o)
                        return "Rolled back to revision \(previous.version) as revision \(r.version)."
                    } else if pre == .preInstall {
                        var o = options
                        o.keepHistory = false
                        _ = try await uninstall(name: name, namespace: namespace, options: o)
                        return "The failed install was removed (--rollback-on-failure)."
                    }
                    return "No earlier deployed revision to roll back to."
                }
                text += "\n" + restored
            } else if !interrupted {
                text += pre == .preInstall
                    ? " Fix the cause and run `tarsctl upgrade --install \(release.name) CHART -n \(release.namespace)`; no manual cleanup is needed."
                    : " Fix the cause and run the upgrade again; the next upgrade starts from the last deployed revision."
            }
            let kind: ReleaseActionError.Kind = interrupted ? .interrupted : (error as? ReleaseActionError)?.kind ?? .failed
            throw ReleaseActionError(kind == .locked ? .failed : kind, text)
        }
        release.info?.status = .deployed
        release.info?.description = options.description ?? success
        let finished = release
        let speculation = await speculativeRecord?.value
        let recordStore = self.store
        if let error = await finishReporting({
            if let (expected, secret) = speculation, let secret, expected == finished {
                try await recordStore.update(finished, encoded: secret)
            } else {
                try await recordStore.update(finished)
            }
        }) {
            throw ReleaseActionError(.failed, "release \"\(finished.name)\" revision \(finished.version) was applied, but recording it as deployed failed: "
                + "\(Self.message(for: error))\nIts record stays \(finished.status == .deployed ? "pending" : finished.status.rawValue); once the cluster answers again run "
                + "`tarsctl rollback \(finished.name) -n \(finished.namespace) --recover-pending \(finished.version)` to mark it and restore this revision.")
        }
        trace?("record updated")
        // Earlier deployed revisions are superseded; old records beyond --history-max go.
        // Pruning follows the ledger's rule (oldest first, never the deployed or a pending one).
        var history: [Release] = []
        for var r in earlier where r.version != release.version {
            if r.version < release.version && (r.status == .deployed || r.status.isPending) {
                let next: ReleaseStatus = r.status == .deployed ? .superseded : .failed
                r.info?.status = next
                r = try await store.update(r)
            }
            history.append(r)
        }
        history.append(finished)
        for v in ReleaseHistory.revisionsToPrune(history, max: options.historyMax) {
            try await removeRecord(name: finished.name, namespace: finished.namespace, revision: v)
        }
        log("\(Self.verb(pre)) of release \"\(release.name)\" complete: revision \(release.version) deployed")
        return finished
    }

    static func verb(_ pre: HookEvent) -> String {
        pre == .preInstall ? "install" : pre == .preUpgrade ? "upgrade" : "rollback"
    }

    static func message(for error: Error) -> String {
        if let e = error as? ReleaseActionError { return e.description }
        if let e = error as? KubeAPIError { return e.description }
        if let e = error as? KubeClientError { return e.description }
        return String(describing: error)
    }

    /// Runs cleanup outside the (possibly cancelled) current task, retrying for a while so a
    /// brief connection loss does not leave a revision pending.
    func finish(_ body: @escaping @Sendable () async throws -> Void) async {
        if let error = await finishReporting(body) { log("could not record the failure: \(Self.message(for: error))") }
    }

    /// As `finish`, answering the last error when it never succeeded.
    func finishReporting(_ body: @escaping @Sendable () async throws -> Void) async -> Error? {
        await Task.detached {
            let deadline = ContinuousClock.now + .seconds(60)
            while true {
                do {
                    try await body()
                    return nil
                } catch {
                    // A record someone else changed stays changed however often it is retried.
                    if ContinuousClock.now >= deadline || Self.isConflict(error) { return error }
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }.value
    }

    static func isConflict(_ error: Error) -> Bool {
        (error as? ReleaseStoreError)?.code == .modifiedConcurrently
    }

    func finishing(_ body: @escaping @Sendable () async throws -> String) async -> String {
        await Task.detached {
            do { return try await body() } catch { return "Restoring the previous state failed too: \(Self.message(for: error))" }
        }.value
    }
}
