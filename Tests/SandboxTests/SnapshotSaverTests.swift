import Foundation
import KubeClient
import Testing
@testable import Sandbox

/// A persistent sandbox writes its store when the API is quiet (or at the latest after
/// `maxDelay` of continuous changes), on a queue of its own, and everything at shutdown.
@Suite struct SnapshotSaverTests {
    let api = TestAPI()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-saver-\(UUID().uuidString)")
    var path: String { dir.appendingPathComponent("state.json").path }
    let cms = "/api/v1/namespaces/default/configmaps"

    init() throws { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }

    /// The names of the ConfigMaps in the file on disk, once the save queue has finished.
    func saved(_ saver: SnapshotSaver) throws -> [String] {
        saver.drain()
        guard let snapshot = try StateFile(path: path).load() else { return [] }
        return (snapshot["objects"]?.arrayValue ?? []).filter { $0["kind"] == "ConfigMap" }.compactMap { $0[path: ["metadata", "name"]]?.stringValue }.sorted()
    }

    @Test func savesOnceTheStoreIsQuietNotDuringABurst() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let saver = SnapshotSaver(store: StateFile(path: path), cluster: api.cluster)
        let t0 = Date()
        api.send("POST", cms, configMap("a"))
        saver.tick(now: t0)
        api.send("POST", cms, configMap("b"))
        saver.tick(now: t0.addingTimeInterval(0.5))
        #expect(try saved(saver) == [], "saved while changes were still coming")
        saver.tick(now: t0.addingTimeInterval(1))   // nothing changed since the last check
        #expect(try saved(saver) == ["a", "b"])
        #expect(!api.cluster.needsSave)
        saver.tick(now: t0.addingTimeInterval(1.5))
        #expect(try saved(saver) == ["a", "b"])
    }

    @Test func continuousChangesAreSavedAfterTheLongestDelay() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let saver = SnapshotSaver(store: StateFile(path: path), cluster: api.cluster)
        let t0 = Date()
        var names: [String] = []
        var at = 0.0
        while at < SnapshotSaver.maxDelay {
            names.append("c\(names.count)")
            api.send("POST", cms, configMap(names.last!))
            saver.tick(now: t0.addingTimeInterval(at))
            #expect(try saved(saver) == [], "saved at \(at) s while changes kept coming")
            at += 0.5
        }
        api.send("POST", cms, configMap("last"))
        saver.tick(now: t0.addingTimeInterval(at))
        #expect(try saved(saver) == (names + ["last"]).sorted())
    }

    @Test func finishSavesWhatIsLeft() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let saver = SnapshotSaver(store: StateFile(path: path), cluster: api.cluster)
        api.send("POST", cms, configMap("late"))
        saver.tick()
        try saver.finish()
        #expect(try saved(saver) == ["late"])
    }
}
