import KubeClient
import Testing
@testable import Sandbox

/// The two fault hooks client tests use: history compaction (410 on resume) and dropped watches.
@Suite struct CompactionAndDropTests {
    let api = TestAPI()
    let cms = "/api/v1/namespaces/default/configmaps"

    private func watcher(_ events: LockedValue<[JSON]>, closed: LockedValue<Int>) -> Watcher {
        Watcher(typeID: "configmaps", namespace: "default", fieldSelector: nil, labelSelector: nil,
                send: { event in events.withLock { $0.append(event) } }, close: { closed.withLock { $0 += 1 } })
    }

    @Test func compactedHistoryExpiresOlderVersionsOnly() throws {
        api.send("POST", cms, configMap("a"))
        let old = api.cluster.currentResourceVersion
        api.send("POST", cms, configMap("b"))
        let current = api.cluster.currentResourceVersion
        // Before compaction the old version replays fine.
        let events = LockedValue<[JSON]>([])
        _ = try api.cluster.addWatcher(watcher(events, closed: LockedValue(0)), from: old, bookmarks: false, initialEvents: false)
        #expect(events.withLock { $0.count } == 1)
        api.cluster.compactHistory()
        let error = #expect(throws: APIError.self) {
            _ = try api.cluster.addWatcher(watcher(LockedValue([]), closed: LockedValue(0)), from: old, bookmarks: false, initialEvents: false)
        }
        #expect(error?.code == 410)
        // Watching from the current version still works, and sees later changes.
        let later = LockedValue<[JSON]>([])
        _ = try api.cluster.addWatcher(watcher(later, closed: LockedValue(0)), from: current, bookmarks: false, initialEvents: false)
        api.send("POST", cms, configMap("c"))
        #expect(later.withLock { $0.map { $0[path: ["object", "metadata", "name"]] } } == ["c"])
    }

    @Test func droppedWatchesAreClosedAndGetNothingMore() throws {
        let events = LockedValue<[JSON]>([])
        let closed = LockedValue(0)
        _ = try api.cluster.addWatcher(watcher(events, closed: closed), from: api.cluster.currentResourceVersion, bookmarks: false, initialEvents: false)
        api.cluster.dropWatches()
        #expect(closed.withLock { $0 } == 1)
        api.send("POST", cms, configMap("x"))
        #expect(events.withLock { $0.isEmpty })
    }
}
