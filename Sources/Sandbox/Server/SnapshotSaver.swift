import Foundation
import KubeClient
import NIOCore

/// Writes the object store to disk for a persistent sandbox, away from the API's event loops
/// and away from bursts of requests.
///
/// Serializing the whole store is the sandbox's single most expensive task (every object,
/// release records of tens of KB each, grows with every install). Done every second on an event
/// loop, it stalled the connections of that loop and took a core from whatever client was
/// installing at that moment. Now a save waits until the store has been quiet for one check
/// (no change in `interval`), or at the latest `maxDelay` after the first unsaved change, and
/// runs on a queue of its own. `sandbox down` still saves everything (see `finish`).
final class SnapshotSaver: @unchecked Sendable {
    static let interval = TimeAmount.milliseconds(500)
    static let maxDelay: TimeInterval = 10

    private let store: StateFile
    private let cluster: Cluster
    private let queue = DispatchQueue(label: "sandbox.snapshot")
    private let lock = NSLock()
    private var seenVersion: Int64 = -1
    private var unsavedSince: Date?
    private var saving = false

    init(store: StateFile, cluster: Cluster) {
        self.store = store
        self.cluster = cluster
    }

    /// Called every `interval` (from a timer on an event loop): starts a save when one is due.
    func tick(now: Date = Date()) {
        let version = cluster.currentResourceVersion
        let dirty = cluster.needsSave
        lock.lock()
        defer { lock.unlock() }
        let quiet = version == seenVersion
        seenVersion = version
        guard dirty, !saving else { return }
        let since = unsavedSince ?? now
        unsavedSince = since
        guard quiet || now.timeIntervalSince(since) >= Self.maxDelay else { return }
        saving = true
        unsavedSince = nil
        queue.async { [self] in
            try? store.save(cluster.snapshot())
            lock.withLock { saving = false }
        }
    }

    /// Waits for a save in progress, then saves what is left (at shutdown).
    func finish() throws {
        drain()
        try store.save(cluster.snapshot())
    }

    /// Returns once a save in progress has been written.
    func drain() {
        queue.sync {}
    }
}
