import Foundation
import AsyncHTTPClient
import Testing
@testable import KubeClient
import Sandbox

/// KubeClient (AsyncHTTPClient with `httpVersion = .automatic`) against the sandbox, which offers
/// h2 as the API server does: every parallel request and watch shares one TLS connection.
/// `acceptedConnections` is the server's count of TLS connections by negotiated protocol.
@Suite struct HTTP2ClientTests {
    @Test func parallelRequestsShareOneH2Connection() async throws {
        try await withTokenClient { client, server, _ in
            _ = try await client.serverVersion()
            #expect(server.acceptedConnections == ["h2": 1])
            // More requests at once than HTTP/1.1 would get connections for (maxConnections 16).
            let names = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<80 {
                    group.addTask {
                        let created = try await client.apply(configMap("parallel-\(i)"))
                        return created[path: ["metadata", "name"]]?.stringValue ?? "?"
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(names == Set((0..<80).map { "parallel-\($0)" }))
            #expect(try await client.list(apiVersion: "v1", kind: "ConfigMap").items.count == 80)
            #expect(server.acceptedConnections == ["h2": 1])
        }
    }

    /// What an install does first: `warmUp` sends parallel requests before any connection exists.
    /// With `httpVersion = .automatic` the pool starts out expecting h2 and opens one connection
    /// for all of them (it opens more only once a server answers HTTP/1.1).
    @Test func coldWarmUpOpensOneConnection() async throws {
        let log = LogCapture()
        try await withTokenClient(log: log) { client, server, _ in
            await client.warmUp(connections: 8)
            #expect(server.acceptedConnections == ["h2": 1])
            // Once the first answer came over h2, no more requests are sent to open connections.
            #expect(log.all.filter { $0.hasPrefix("GET ") && $0.contains("/version ") }.count == 1, "\(log.all)")
        }
    }

    /// Over HTTP/1.1 a connection carries one request at a time: after the first answer the
    /// warm-up sends the other seven at once, which opens more connections (how many depends on
    /// how fast the first ones free up again).
    @Test func warmUpOverHTTP1OpensMoreConnections() async throws {
        let log = LogCapture()
        try await withTokenClient(http2: false, log: log) { client, server, _ in
            await client.warmUp(connections: 8)
            #expect((server.acceptedConnections["http/1.1"] ?? 0) > 1, "\(server.acceptedConnections)")
            #expect(server.acceptedConnections["h2"] == nil)
            #expect(log.all.filter { $0.hasPrefix("GET ") && $0.contains("/version ") }.count == 8, "\(log.all)")
        }
    }

    @Test func watchStreamsOverTheSharedConnection() async throws {
        try await withTokenClient { client, server, _ in
            _ = try await client.apply(configMap("before", data: ["v": "0"]))
            let sink = EventSink()
            let stream = client.watch(apiVersion: "v1", kind: "ConfigMap")
            let task = Task {
                do {
                    for try await event in stream { sink.append(event) }
                } catch {
                    sink.failure = error
                }
            }
            try await eventually(60, "initial ADDED") { sink.all.count == 1 }
            // Writes go out on other streams of the same connection while the watch holds its own.
            _ = try await client.apply(configMap("during", data: ["v": "1"]))
            _ = try await client.apply(configMap("before", data: ["v": "2"]))
            try await eventually(60, "3 events") { sink.all.count >= 3 }
            #expect(sink.summary == ["ADDED before 0", "ADDED during 1", "MODIFIED before 2"])
            #expect(sink.failure == nil)
            #expect(server.acceptedConnections == ["h2": 1])
            task.cancel()
            _ = await task.value
        }
    }

    @Test func clientCertificateAuthenticatesOverH2() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let (cert, key) = try server.issueClientCertificate(commonName: "h2-user")
            let config = try kubeconfig(server, dir: dir, user: "    client-certificate-data: \(Data(cert.utf8).base64EncodedString())\n    client-key-data: \(Data(key.utf8).base64EncodedString())")
            let client = try KubeClient(config: config, options: testOptions(dir))
            let namespaces = try await client.list(apiVersion: "v1", kind: "Namespace")
            _ = try await client.apply(configMap("by-cert"))
            await client.shutdown()
            #expect(namespaces.items.contains { $0[path: ["metadata", "name"]] == "default" })
            #expect(server.acceptedConnections == ["h2": 1])
        }
    }
}

/// A request handed to an h2 connection the server has just closed fails in AsyncHTTPClient
/// with `HTTPClientError.cancelled` (its pool had not yet seen the close), although nobody
/// cancelled anything: the client must retry it like any request on a lost connection. (Before,
/// it surfaced as a CancellationError: in about a third of the runs of the loop below.)
@Suite struct HTTP2ConnectionLossTests {
    @Test func cancelledByTheHTTPClientIsALostConnection() async throws {
        try await withTokenClient { client, _, _ in
            let call = Call(method: .PATCH, path: "/api/v1/namespaces/default/configmaps/x?fieldManager=tarsctl", verb: "apply", resource: "configmaps")
            let failure = client.transport.classify(HTTPClientError.cancelled, call: call)
            #expect(failure.phase == .afterSend)
            #expect(failure.summary == "connection closed by the server")
            let error = try #require(failure.error as? KubeClientError)
            #expect(error.kind == .connection)
            #expect(error.description.contains("closed the connection before answering PATCH /api/v1/namespaces/default/configmaps/x ("))
        }
    }

    @Test func requestsRightAfterADroppedConnectionAreRetried() async throws {
        try await withTokenClient(faults: FaultSettings(dropRate: 0.5), configure: { $0.maxRetries = 30 }) { client, server, _ in
            for i in 0..<100 {
                // Not retried (a POST may have been applied): its failure closes the connection...
                _ = try? await client.create(configMap("c\(i)"))
                // ...and this read goes out at once, possibly onto that connection.
                _ = try await client.list(apiVersion: "v1", kind: "ConfigMap")
            }
            #expect((server.acceptedConnections["h2"] ?? 0) > 1)
        }
    }
}
