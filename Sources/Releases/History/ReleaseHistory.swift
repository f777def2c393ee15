/// Rules over a release's revisions (oldest first), free of I/O.
public enum ReleaseHistory {
    public static func latest(_ history: [Release]) -> Release? { history.max { $0.version < $1.version } }

    /// The deployed revision (the newest, should a crash have left two).
    public static func deployed(_ history: [Release]) -> Release? {
        history.filter { $0.status == .deployed }.max { $0.version < $1.version }
    }

    public static func nextRevision(_ history: [Release]) -> Int { (latest(history)?.version ?? 0) + 1 }

    /// Revisions to delete so at most `max` remain: oldest first, never the deployed one (Helm's
    /// `--history-max`; 0 or less keeps everything).
    public static func revisionsToPrune(_ history: [Release], max: Int) -> [Int] {
        guard max > 0, history.count > max else { return [] }
        let keep = deployed(history)?.version
        var doomed: [Int] = []
        for r in history.sorted(by: { $0.version < $1.version }) {
            if history.count - doomed.count <= max { break }
            if r.version != keep && !r.status.isPending { doomed.append(r.version) }
        }
        return doomed
    }

    /// Whether `install NAME` may (re)use the name: free, or only uninstalled (kept history) or
    /// failed revisions, as Helm allows.
    public static func installBlocker(_ history: [Release]) -> String? {
        guard let last = latest(history) else { return nil }
        switch last.status {
        case .uninstalled, .failed: return nil
        default:
            return "cannot install release \(last.name) in namespace \(last.namespace): the name is in use "
                + "(revision \(last.version) is \(last.status.rawValue)); use `tarsctl upgrade \(last.name)"
                + " -n \(last.namespace)` to change it, or choose another name"
        }
    }

    /// The pending revision an operation would collide with, if any. A pending revision older
    /// than `staleAfterSeconds` is taken to be abandoned by a process that died.
    public static func pendingProblem(_ history: [Release], now: GoTime, staleAfterSeconds: Int64) -> PendingRevision? {
        guard let last = latest(history), last.status.isPending else { return nil }
        let since = last.info?.lastDeployed ?? last.info?.firstDeployed
        let age = since.map { now.seconds - $0.seconds }
        let previous = deployed(history.filter { $0.version < last.version })
            ?? history.filter { $0.version < last.version && !$0.status.isPending }.max { $0.version < $1.version }
        return PendingRevision(release: last, since: since, ageSeconds: age,
                               abandoned: age.map { $0 > staleAfterSeconds } ?? true,
                               restorableRevision: previous?.version)
    }
}

/// A revision left `pending-*`, and the command that clears it.
public struct PendingRevision: Error, Sendable, CustomStringConvertible {
    public var release: Release
    public var since: GoTime?
    public var ageSeconds: Int64?
    /// Older than the stale limit: the process that started it most likely died.
    public var abandoned: Bool
    /// The revision a rollback would return to; nil for a first install.
    public var restorableRevision: Int?

    /// The command that marks the pending revision failed and leaves the release usable.
    public var fixCommand: String {
        let ns = "-n \(release.namespace)"
        if let previous = restorableRevision { return "tarsctl rollback \(release.name) \(previous) \(ns)" }
        return "tarsctl uninstall \(release.name) \(ns)"
    }

    public var description: String {
        let what = "release \(release.name) in namespace \(release.namespace): revision \(release.version) is "
            + "\(release.status.rawValue)" + (since.map { " since \($0)" } ?? "")
            + (ageSeconds.map { " (\(Self.duration($0)) ago)" } ?? "")
        let effect = restorableRevision.map { "marks revision \(release.version) failed and restores revision \($0)" }
            ?? "marks it failed and removes what the install created"
        if abandoned {
            return "\(what), left behind by an operation that did not finish (its process stopped). "
                + "Run `\(fixCommand)`: it \(effect)."
        }
        return "\(what): another operation is in progress on this release. Wait for it to finish "
            + "(`tarsctl history \(release.name) -n \(release.namespace)` shows its progress); if no tarsctl or helm "
            + "process is running on it any more, run `\(fixCommand)`: it \(effect)."
    }

    static func duration(_ s: Int64) -> String {
        if s < 120 { return "\(max(s, 0))s" }
        if s < 7200 { return "\(s / 60)m" }
        return "\(s / 3600)h\(s % 3600 / 60)m"
    }
}

extension ReleaseHistory {
    /// Whether a proposed revision would store what the current one already holds (same
    /// manifest, hooks, user values and chart), so an upgrade without `--force` records nothing
    /// (Helm's #7652). The caller still compares against the live objects for drift.
    public static func isUnchanged(_ current: Release, _ proposed: Release) -> Bool {
        current.manifest == proposed.manifest
            && current.hooks.map(\.manifest) == proposed.hooks.map(\.manifest)
            && current.config == proposed.config
            && current.chart?.metadata == proposed.chart?.metadata
            && current.chart?.values == proposed.chart?.values
    }
}
