import Foundation
import Testing
@testable import KubeClient
import Sandbox

/// Acceptance 3: retries against injected 429 (with Retry-After) and 500 answers, visible in the
/// debug log; non-idempotent writes never repeated once sent; watches resume without loss or repeats.
@Suite struct RetryTests {
    @Test func idempotentRequestsSurviveInjected429And500() async throws {
        let log = LogCapture()
        let faults = FaultSettings(tooManyRequestsRate: 0.2, serverErrorRate: 0.2, retryAfterSeconds: 1)
        try await withTokenClient(faults: faults, log: log, configure: { $0.maxRetries = 12 }) { client, server, _ in
            for i in 0..<8 {
                _ = try await client.apply(configMap("r\(i)"))
                #expect(try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "r\(i)")["data"] == ["a": "1"])
            }
            #expect(try await client.list(apiVersion: "v1", kind: "ConfigMap").items.count == 8)
            let retries = log.all.filter { $0.hasPrefix("retry ") }
            #expect(!retries.isEmpty)
            // A 429 wait honours the server's Retry-After; a 500 backs off.
            for line in retries where line.contains("HTTP 429") {
                #expect(line.hasSuffix("waiting 1.00s (Retry-After)"))
            }
            for line in retries where line.contains("HTTP 500") { #expect(line.hasSuffix("(backoff)")) }
            #expect(log.all.contains { $0.contains("(attempt 2)") })
            #expect(!log.text.contains(server.token))
        }
    }

    @Test func createIsNotRepeatedAfterA500ButIsAfterA429() async throws {
        let log = LogCapture()
        let faults = FaultSettings(tooManyRequestsRate: 0.15, serverErrorRate: 0.35, retryAfterSeconds: 1)
        try await withTokenClient(faults: faults, log: log, configure: { $0.maxRetries = 15 }) { client, _, _ in
            _ = try await client.resource(apiVersion: "v1", kind: "ConfigMap")
            var serverErrors = 0
            for i in 0..<12 {
                do {
                    _ = try await client.create(configMap("c\(i)"))
                } catch let error as KubeAPIError {
                    #expect(error.code == 500)
                    #expect(error.description.contains("try again later"))
                    serverErrors += 1
                }
            }
            // A POST answered 500 may have been applied: it is never retried. A 429 was refused
            // before any processing, so that is retried.
            #expect(!log.all.contains { $0.hasPrefix("retry ") && $0.contains(" of POST ") && $0.contains("HTTP 500") })
            let postAttempts = log.all.filter { $0.hasPrefix("POST ") && $0.contains(" 500 in ") }
            #expect(postAttempts.count == serverErrors)
        }
    }

    @Test func droppedConnectionsRetryReadsAndAppliesButNotCreates() async throws {
        let log = LogCapture()
        try await withTokenClient(faults: FaultSettings(dropRate: 0.3), log: log, configure: { $0.maxRetries = 15 }) { client, _, _ in
            var lost = 0
            for i in 0..<10 {
                _ = try await client.apply(configMap("applied\(i)"))
                do {
                    _ = try await client.create(configMap("created\(i)"))
                } catch let error as KubeClientError {
                    #expect(error.kind == .connection)
                    #expect(error.description.contains("closed the connection before answering POST /api/v1/namespaces/default/configmaps"))
                    #expect(error.description.contains("the request may or may not have been applied"))
                    lost += 1
                }
            }
            #expect(try await client.list(apiVersion: "v1", kind: "ConfigMap", labelSelector: "").items.count == 20 - lost)
            #expect(log.all.contains { $0.hasPrefix("retry ") && $0.contains("connection closed by the server") })
            #expect(!log.all.contains { $0.hasPrefix("retry ") && $0.contains(" of POST ") && $0.contains("connection closed by the server") })
        }
    }

    @Test func refusedConnectionsAreRetriedEvenForCreate() async throws {
        let log = LogCapture()
        try await withTokenClient(log: log, configure: { $0.maxRetries = 10; $0.maxBackoff = .milliseconds(300) }) { client, server, _ in
            _ = try await client.resource(apiVersion: "v1", kind: "ConfigMap")
            await client.shutdown()  // drop pooled connections so the next request must connect
            let fresh = try KubeClient(config: client.config, options: client.options)
            server.refuseConnections(for: .milliseconds(600))
            let created = try await fresh.create(configMap("after-outage"))
            #expect(created[path: ["metadata", "name"]] == "after-outage")
            #expect(log.all.contains { $0.hasPrefix("retry 1/10 of ") })
            await fresh.shutdown()
        }
    }

    @Test func deadServerFailsWithAConnectionErrorNamingIt() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var resolved: Kubeconfig.Resolved?
        try await withSandbox { server in resolved = try kubeconfig(server, dir: dir, user: "    token: \(server.token)") }
        var options = testOptions(dir)
        options.maxRetries = 2
        let client = try KubeClient(config: try #require(resolved), options: options)
        let error = await #expect(throws: KubeClientError.self) { try await client.list(apiVersion: "v1", kind: "Pod") }
        #expect(error?.kind == .connection)
        #expect(error?.description.hasPrefix("cannot connect to \(resolved?.cluster.server ?? "?") (context \"sandbox-ctx\"): connection refused") == true)
        await client.shutdown()
    }

    @Test func rateLimiterSpacesRequestsBeyondTheBurst() async throws {
        let limiter = RateLimiter(qps: 20, burst: 2)
        let start = ContinuousClock.now
        for _ in 0..<6 { try await limiter.acquire() }
        // 2 from the burst, then 4 at 20/s: at least ~0.2 s.
        #expect(ContinuousClock.now - start >= .milliseconds(180))
        let off = RateLimiter(qps: 0, burst: 1)
        let t = ContinuousClock.now
        for _ in 0..<1000 { try await off.acquire() }
        // Throttled at 20/s these would take 50 s; unthrottled they take microseconds.
        #expect(ContinuousClock.now - t < .seconds(5))
    }
}

/// Collects watch events in the background.
final class EventSink: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [WatchEvent] = []
    var failure: Error?

    func append(_ e: WatchEvent) {
        lock.lock()
        events.append(e)
        lock.unlock()
    }

    var all: [WatchEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }

    /// `TYPE name data.v` per event, for exact comparison.
    var summary: [String] {
        all.map { "\($0.type.rawValue) \($0.object[path: ["metadata", "name"]]?.stringValue ?? "?") \($0.object[path: ["data", "v"]]?.stringValue ?? "-")" }
    }
}

@Suite struct WatchTests {
    func start(_ stream: AsyncThrowingStream<WatchEvent, Error>, into sink: EventSink) -> Task<Void, Never> {
        Task {
            do {
                for try await event in stream { sink.append(event) }
            } catch {
                sink.failure = error
            }
        }
    }

    func cm(_ name: String, _ v: String) -> JSON { configMap(name, data: ["v": .string(v)]) }

    /// Writes straight into the sandbox's store (no HTTP), so changes made while the client is
    /// cut off happen at once and in order.
    func store(_ server: SandboxServer, apply name: String, _ v: String) throws {
        let type = try #require(server.cluster.type(group: "", version: "v1", plural: "configmaps"))
        _ = try server.cluster.patch(type, namespace: "default", name: name, contentType: "application/apply-patch+yaml",
                                     body: JSONWriter.bytes(cm(name, v)), options: WriteOptions(fieldManager: "tarsctl"))
    }

    func store(_ server: SandboxServer, delete name: String) throws {
        let type = try #require(server.cluster.type(group: "", version: "v1", plural: "configmaps"))
        _ = try server.cluster.delete(type, namespace: "default", name: name, propagation: .background, options: WriteOptions())
    }

    @Test func watchListsThenStreamsChanges() async throws {
        try await withTokenClient { client, _, _ in
            _ = try await client.apply(cm("pre", "0"))
            let sink = EventSink()
            let task = start(client.watch(apiVersion: "v1", kind: "ConfigMap"), into: sink)
            try await eventually(60, "initial ADDED") { sink.all.count == 1 }
            _ = try await client.apply(cm("a", "1"))
            _ = try await client.apply(cm("pre", "2"))
            _ = try await client.delete(apiVersion: "v1", kind: "ConfigMap", name: "a")
            try await eventually(60, "4 events") { sink.all.count >= 4 }
            #expect(sink.summary == ["ADDED pre 0", "ADDED a 1", "MODIFIED pre 2", "DELETED a 1"])
            task.cancel()
            _ = await task.value
        }
    }

    @Test func droppedWatchResumesWithoutMissingOrRepeatingEvents() async throws {
        let log = LogCapture()
        // Enough retries that the test's own writes outlast the refused connections.
        try await withTokenClient(log: log, configure: { $0.maxRetries = 15 }) { client, server, _ in
            let sink = EventSink()
            let task = start(client.watch(apiVersion: "v1", kind: "ConfigMap"), into: sink)
            try await eventually(60, "watch open") { log.text.contains("(watch stream)") }
            _ = try await client.apply(cm("a", "1"))
            _ = try await client.apply(cm("b", "1"))
            try await eventually(60, "2 events") { sink.all.count == 2 }
            // Cut the stream; change things while the client reconnects (the sandbox refuses
            // connections for a moment); every change must arrive exactly once.
            server.refuseConnections(for: .milliseconds(500))
            server.cluster.dropWatches()
            try store(server, apply: "c", "1")
            try store(server, apply: "a", "2")
            try store(server, delete: "b")
            try await eventually(60, "5 events") { sink.all.count >= 5 }
            // A second drop with no changes in between repeats nothing.
            server.cluster.dropWatches()
            try await Task.sleep(for: .milliseconds(600))
            _ = try await client.apply(cm("a", "3"))
            try await eventually(60, "6 events") { sink.all.count >= 6 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(sink.summary == ["ADDED a 1", "ADDED b 1", "ADDED c 1", "MODIFIED a 2", "DELETED b 1", "MODIFIED a 3"])
            #expect(log.all.contains { $0.contains("watch of configmaps in namespace default") && $0.contains("resuming from resourceVersion") })
            #expect(sink.failure == nil)
            task.cancel()
            _ = await task.value
        }
    }

    @Test func expiredResourceVersionRelistsAndEmitsOnlyTheDifferences() async throws {
        let log = LogCapture()
        try await withTokenClient(log: log, configure: { $0.maxRetries = 15 }) { client, server, _ in
            _ = try await client.apply(cm("keep", "1"))
            _ = try await client.apply(cm("change", "1"))
            _ = try await client.apply(cm("remove", "1"))
            let sink = EventSink()
            let task = start(client.watch(apiVersion: "v1", kind: "ConfigMap"), into: sink)
            try await eventually(60, "3 ADDED") { sink.all.count == 3 }
            try await eventually(60, "watch open") { log.text.contains("(watch stream)") }
            // While the client is cut off, objects change and the history is compacted: its
            // resume gets 410 Expired, it relists and reports just what differs.
            server.refuseConnections(for: .milliseconds(500))
            server.cluster.dropWatches()
            try store(server, apply: "change", "2")
            try store(server, delete: "remove")
            try store(server, apply: "new", "1")
            server.cluster.compactHistory()
            try await eventually(60, "3 more events") { sink.all.count >= 6 }
            try await Task.sleep(for: .milliseconds(200))
            let after = Array(sink.summary.dropFirst(3))
            #expect(Set(after) == ["MODIFIED change 2", "DELETED remove 1", "ADDED new 1"])
            #expect(after.count == 3)
            #expect(log.text.contains("is too old (410 Expired); relisting"))
            // And it keeps watching after the relist.
            _ = try await client.apply(cm("keep", "2"))
            try await eventually(60, "event after relist") { sink.all.count >= 7 }
            #expect(sink.summary.last == "MODIFIED keep 2")
            task.cancel()
            _ = await task.value
        }
    }

    @Test func watchEndsCleanlyWhenTheConsumerStops() async throws {
        try await withTokenClient { client, _, _ in
            _ = try await client.apply(cm("x", "1"))
            var seen = 0
            for try await _ in client.watch(apiVersion: "v1", kind: "ConfigMap") {
                seen += 1
                break
            }
            #expect(seen == 1)
        }
    }
}
