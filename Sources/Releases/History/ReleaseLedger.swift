/// Another operation claimed the revision this one was about to write.
public struct ConcurrentOperationError: Error, Sendable, CustomStringConvertible {
    public var release: String
    public var namespace: String
    public var revision: Int
    public var description: String {
        "release \(release) in namespace \(namespace): another operation started at the same time and claimed "
            + "revision \(revision); this one changed nothing. Wait for it to finish (`tarsctl history \(release) "
            + "-n \(namespace)`), then run the command again."
    }
}

/// The revision bookkeeping of install, upgrade and rollback on a `ReleaseStore`: claim a new
/// revision (refusing while another is pending), record the outcome, supersede, prune.
public struct ReleaseLedger: Sendable {
    public let store: ReleaseStore
    /// A pending revision older than this is treated as abandoned in messages.
    public var staleAfterSeconds: Int64

    public init(store: ReleaseStore, staleAfterSeconds: Int64 = 600) {
        self.store = store
        self.staleAfterSeconds = staleAfterSeconds
    }

    /// Stores `draft` as the next revision with a pending status. The create is the lock: two
    /// operations racing for one revision number cannot both create its Secret, so the loser is
    /// refused with `ConcurrentOperationError` and writes nothing.
    ///
    /// A pending latest revision refuses the operation (`PendingRevision`, whose message names
    /// the fix), unless `clearingPending`: the fix itself (`rollback`) first marks it failed.
    public func begin(_ draft: Release, status: ReleaseStatus, description: String, clearingPending: Bool = false,
                      now: GoTime = .now()) async throws -> Release {
        precondition(status.isPending, "begin records a pending status")
        var history = try await store.history(name: draft.name, namespace: draft.namespace).releases
        if let pending = ReleaseHistory.pendingProblem(history, now: now, staleAfterSeconds: staleAfterSeconds) {
            guard clearingPending else { throw pending }
            _ = try await markPendingFailed(name: draft.name, namespace: draft.namespace, now: now)
            history = try await store.history(name: draft.name, namespace: draft.namespace).releases
        }
        var r = draft
        r.version = ReleaseHistory.nextRevision(history)
        var info = r.info ?? ReleaseInfo()
        info.firstDeployed = history.first?.info?.firstDeployed ?? now
        info.lastDeployed = now
        info.status = status
        info.description = description
        r.info = info
        do {
            return try await store.create(r, now: now)
        } catch let e as ReleaseStoreError where e.code == .revisionExists {
            throw ConcurrentOperationError(release: r.name, namespace: r.namespace, revision: r.version)
        }
    }

    /// Records success: the revision becomes `deployed` and every other deployed revision
    /// `superseded`; then history beyond `historyMax` is pruned. Returns the pruned revisions.
    @discardableResult
    public func succeed(_ release: Release, description: String, historyMax: Int, now: GoTime = .now()) async throws -> [Int] {
        var r = release
        r.info = r.info ?? ReleaseInfo()
        r.info?.status = .deployed
        r.info?.description = description
        r.info?.lastDeployed = now
        try await store.update(r, now: now)
        let history = try await store.history(name: r.name, namespace: r.namespace).releases
        for var old in history where old.version != r.version && old.status == .deployed {
            old.info?.status = .superseded
            try await store.update(old, now: now)
        }
        return try await prune(name: r.name, namespace: r.namespace, historyMax: historyMax)
    }

    /// Records failure: never leaves the revision pending. The previously deployed revision stays deployed.
    public func fail(_ release: Release, description: String, now: GoTime = .now()) async throws {
        var r = release
        r.info = r.info ?? ReleaseInfo()
        r.info?.status = .failed
        r.info?.description = description
        r.info?.lastDeployed = now
        try await store.update(r, now: now)
    }

    /// Deletes the oldest revisions beyond `historyMax`, never the deployed one.
    @discardableResult
    public func prune(name: String, namespace: String, historyMax: Int) async throws -> [Int] {
        let history = try await store.history(name: name, namespace: namespace).releases
        let doomed = ReleaseHistory.revisionsToPrune(history, max: historyMax)
        for v in doomed { try await store.delete(name: name, namespace: namespace, revision: v) }
        return doomed
    }

    /// The status fix for a revision a dead process left pending: marks it `failed` so the
    /// release accepts operations again. Returns it, or nil when nothing was pending.
    public func markPendingFailed(name: String, namespace: String, now: GoTime = .now()) async throws -> Release? {
        let history = try await store.history(name: name, namespace: namespace).releases
        guard var last = ReleaseHistory.latest(history), last.status.isPending else { return nil }
        let was = last.status.rawValue
        last.info?.status = .failed
        last.info?.description = "marked failed by tarsctl: the operation that left it \(was) did not finish"
        return try await store.update(last, now: now)
    }
}

extension ReleaseLedger {
    /// Marks the deployed revision `uninstalling` (Helm records uninstall on the existing
    /// revision, not a new one). Uninstall is the fix a pending first install's message names,
    /// so a pending revision is first marked failed rather than refusing.
    public func beginUninstall(name: String, namespace: String, now: GoTime = .now()) async throws -> Release {
        _ = try await markPendingFailed(name: name, namespace: namespace, now: now)
        let history = try await store.history(name: name, namespace: namespace).releases
        guard var target = ReleaseHistory.deployed(history) ?? ReleaseHistory.latest(history) else {
            throw ReleaseStoreError(code: .revisionNotFound, release: name, namespace: namespace, revision: 0)
        }
        target.info = target.info ?? ReleaseInfo()
        target.info?.status = .uninstalling
        target.info?.description = "Deletion in progress (or silently failed)"
        return try await store.update(target, now: now)
    }

    /// Ends an uninstall: with `keepHistory` the revision becomes `uninstalled` (with its
    /// deletion time) and every record stays; otherwise every revision's Secret is deleted.
    public func finishUninstall(_ release: Release, keepHistory: Bool, now: GoTime = .now()) async throws {
        if keepHistory {
            var r = release
            r.info = r.info ?? ReleaseInfo()
            r.info?.status = .uninstalled
            r.info?.deleted = now
            r.info?.description = "Uninstallation complete"
            try await store.update(r, now: now)
            return
        }
        for r in try await store.history(name: release.name, namespace: release.namespace).releases {
            try await store.delete(name: r.name, namespace: r.namespace, revision: r.version)
        }
    }
}
