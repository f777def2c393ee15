import Foundation

extension ReleaseStatus {
    /// What `list` shows without state flags, as Helm: deployed and failed releases.
    public static let listedByDefault: Set<ReleaseStatus> = [.deployed, .failed]
    public static let pendingStatuses: Set<ReleaseStatus> = [.pendingInstall, .pendingUpgrade, .pendingRollback]
}

/// `list`'s selection: the newest revision of each release, kept when its status is one of
/// `states` and its name matches `--filter` (a regular expression).
public struct ReleaseListFilter: Sendable {
    public var states: Set<ReleaseStatus>
    public var namePattern: String?

    /// From `list`'s flags: `--all` shows every state; the state flags add up; none means the default.
    public init(all: Bool = false, deployed: Bool = false, failed: Bool = false, pending: Bool = false,
                superseded: Bool = false, uninstalled: Bool = false, uninstalling: Bool = false, namePattern: String? = nil) {
        var s: Set<ReleaseStatus> = []
        if deployed { s.insert(.deployed) }
        if failed { s.insert(.failed) }
        if pending { s.formUnion(ReleaseStatus.pendingStatuses) }
        if superseded { s.insert(.superseded) }
        if uninstalled { s.insert(.uninstalled) }
        if uninstalling { s.insert(.uninstalling) }
        if all { s = Set(ReleaseStatus.allCases) }
        states = s.isEmpty ? ReleaseStatus.listedByDefault : s
        self.namePattern = namePattern
    }

    /// A `--filter` that is not a valid regular expression, named as the user typed it.
    public struct PatternError: Error, Sendable, CustomStringConvertible {
        public var pattern: String
        public var description: String { "--filter \"\(pattern)\" is not a valid regular expression" }
    }

    /// Releases to show, ordered by name then namespace.
    public func apply(_ records: [Release]) throws -> [Release] {
        var newest: [String: Release] = [:]
        for r in records {
            let key = r.namespace + "/" + r.name
            if let have = newest[key], have.version >= r.version { continue }
            newest[key] = r
        }
        var regex: NSRegularExpression?
        if let p = namePattern, !p.isEmpty {
            do { regex = try NSRegularExpression(pattern: p) } catch { throw PatternError(pattern: p) }
        }
        return newest.values.filter { r in
            guard states.contains(r.status) else { return false }
            guard let regex else { return true }
            return regex.firstMatch(in: r.name, range: NSRange(r.name.startIndex..., in: r.name)) != nil
        }.sorted { ($0.name, $0.namespace) < ($1.name, $1.namespace) }
    }
}
