/// Release statuses, spelled as Helm stores them.
public enum ReleaseStatus: String, Sendable, Codable, CaseIterable {
    case unknown, deployed, uninstalled, superseded, failed, uninstalling
    case pendingInstall = "pending-install"
    case pendingUpgrade = "pending-upgrade"
    case pendingRollback = "pending-rollback"

    /// A pending status means an operation is (or was, if its process died) in progress.
    public var isPending: Bool { rawValue.hasPrefix("pending-") }
}
