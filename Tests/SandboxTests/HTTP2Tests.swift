import Foundation
import KubeClient
import Sandbox
import TestSupport
import Testing

/// The sandbox offers h2 and http/1.1 over ALPN, as the real API server does. curl reports the
/// protocol it used (`%{http_version}`) and the sandbox how many connections it accepted, by
/// protocol, so each test shows both what the client saw and how the server carried it.
@Suite struct HTTP2Tests {
    static let curl = URL(fileURLWithPath: "/usr/bin/curl")

    /// One `curl` run: the `-w` line it printed after each transfer.
    func curl(_ arguments: [String]) async throws -> [String] {
        let out = try await runProcess(Self.curl, ["-s", "--max-time", "30"] + arguments)
        #expect(out.status == 0, "curl \(arguments.joined(separator: " ")): exit \(out.status) \(out.stderrText)")
        return out.stdoutText.split(separator: "\n").map(String.init)
    }

    func withServer(http2: Bool = true, _ body: (SandboxServer, String) async throws -> Void) async throws {
        var configuration = SandboxConfiguration(port: 0, dataDirectory: nil, readyDelay: .milliseconds(100))
        configuration.http2 = http2
        let server = try await SandboxServer.start(configuration: configuration)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("h2-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try server.caPEM.write(toFile: dir + "/ca.crt", atomically: true, encoding: .utf8)
            try await body(server, dir)
        } catch {
            try? FileManager.default.removeItem(atPath: dir)
            try? await server.shutdown()
            throw error
        }
        try? FileManager.default.removeItem(atPath: dir)
        try await server.shutdown()
    }

    @Test func offersH2AndStillAnswersHTTP11OnlyClients() async throws {
        try await withServer { server, dir in
            let auth = ["--cacert", dir + "/ca.crt", "-H", "Authorization: Bearer \(server.token)"]
            let h2 = try await curl(auth + ["--http2", "-o", dir + "/h2.json", "-w", "%{http_version} %{http_code}\\n", server.url + "/api/v1/namespaces"])
            #expect(h2 == ["2 200"])
            let list = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/h2.json"))))
            #expect(list["kind"] == "NamespaceList")
            #expect(list["items"]?.arrayValue?.contains { $0[path: ["metadata", "name"]] == "default" } == true)
            // A client that offers only http/1.1 gets the same answer over HTTP/1.1, twice on one
            // keep-alive connection.
            let h1 = try await curl(auth + ["--http1.1", "-w", "%{http_version} %{http_code} %{num_connects}\\n",
                                            "-o", "/dev/null", server.url + "/version", "-o", "/dev/null", server.url + "/version"])
            #expect(h1 == ["1.1 200 1", "1.1 200 0"])
            // Without credentials: 401 over h2 as well.
            let unauthorized = try await curl(["--cacert", dir + "/ca.crt", "--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code}\\n", server.url + "/api/v1/namespaces"])
            #expect(unauthorized == ["2 401"])
            #expect(server.acceptedConnections == ["h2": 2, "http/1.1": 1])
        }
    }

    @Test func withoutHTTP2ItServesHTTP11Only() async throws {
        try await withServer(http2: false) { server, dir in
            let lines = try await curl(["--http2", "--cacert", dir + "/ca.crt", "-H", "Authorization: Bearer \(server.token)",
                                        "-w", "%{http_version} %{http_code}\\n", "-o", "/dev/null", server.url + "/version"])
            #expect(lines == ["1.1 200"])
            #expect(server.acceptedConnections == ["http/1.1": 1])
        }
    }

    @Test func clientCertificateAuthenticatesOverH2() async throws {
        try await withServer { server, dir in
            let issued = try server.issueClientCertificate(commonName: "h2-tester")
            try issued.certificatePEM.write(toFile: dir + "/client.crt", atomically: true, encoding: .utf8)
            try issued.keyPEM.write(toFile: dir + "/client.key", atomically: true, encoding: .utf8)
            // The certificate is checked in the connection's TLS handler, the request is read on a
            // stream of it: no token, still 200.
            let lines = try await curl(["--http2", "--cacert", dir + "/ca.crt", "--cert", dir + "/client.crt", "--key", dir + "/client.key",
                                        "-w", "%{http_version} %{http_code}\\n", "-o", "/dev/null", server.url + "/api/v1/namespaces", "-o", "/dev/null", server.url + "/version"])
            #expect(lines == ["2 200", "2 200"])
            // And on an HTTP/1.1 connection, where the TLS handler is in the handler's own pipeline.
            let h1 = try await curl(["--http1.1", "--cacert", dir + "/ca.crt", "--cert", dir + "/client.crt", "--key", dir + "/client.key",
                                     "-w", "%{http_version} %{http_code}\\n", "-o", "/dev/null", server.url + "/api/v1/namespaces"])
            #expect(h1 == ["1.1 200"])
            #expect(server.acceptedConnections == ["h2": 1, "http/1.1": 1])
        }
    }

    /// A dropped request closes its connection (h2 included), never the listener: the next
    /// client still connects and is dropped in turn.
    @Test(arguments: ["--http2", "--http1.1"])
    func dropClosesTheConnectionOnly(_ version: String) async throws {
        let server = try await SandboxServer.start(configuration: SandboxConfiguration(port: 0, dataDirectory: nil, readyDelay: .milliseconds(100), faults: FaultSettings(dropRate: 1)))
        for _ in 0..<2 {
            let out = try await runProcess(Self.curl, ["-sk", "--max-time", "30", version, "-H", "Authorization: Bearer \(server.token)",
                                                       "-o", "/dev/null", "-w", "%{http_code}", server.url + "/version"])
            #expect(out.status != 0)
            #expect(out.stdoutText == "000")
        }
        #expect(server.acceptedConnections == [version == "--http2" ? "h2" : "http/1.1": 2])
        try await server.shutdown()
    }

    @Test func watchStreamsEventsOverH2AndEndsAtItsTimeout() async throws {
        try await withServer { server, dir in
            let type = try #require(server.cluster.type(group: "", version: "v1", plural: "configmaps"))
            let from = server.cluster.currentResourceVersion
            for name in ["one", "two"] {
                _ = try server.cluster.create(type, namespace: "default", body: configMap(name), options: WriteOptions(fieldManager: "test"))
            }
            // From a resourceVersion before both writes: both arrive as events, then the stream
            // ends cleanly when its timeoutSeconds runs out.
            let started = ContinuousClock.now
            let out = try await runProcess(Self.curl, ["-sN", "--max-time", "30", "--http2", "--cacert", dir + "/ca.crt", "-H", "Authorization: Bearer \(server.token)",
                                                       "-w", "%{http_version} %{http_code}\\n",
                                                       server.url + "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(from)&timeoutSeconds=1"])
            #expect(out.status == 0, "\(out.stderrText)")
            let lines = out.stdoutText.split(separator: "\n").map(String.init)
            #expect(lines.last == "2 200")
            let events = try lines.dropLast().map { try JSONParser.parse(Array($0.utf8)) }
            #expect(events.map { "\($0["type"]?.stringValue ?? "?") \($0[path: ["object", "metadata", "name"]]?.stringValue ?? "?")" } == ["ADDED one", "ADDED two"])
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(server.acceptedConnections == ["h2": 1])
        }
    }

    @Test func manyConcurrentStreamsShareOneConnection() async throws {
        try await withServer { server, dir in
            // curl --parallel waits for the first connection and multiplexes the rest onto it.
            let urls = (0..<60).map { i in server.url + (i.isMultiple(of: 2) ? "/version" : "/api/v1/namespaces/default/configmaps") }
            let lines = try await curl(["--http2", "--parallel", "--parallel-max", "60", "--cacert", dir + "/ca.crt", "-H", "Authorization: Bearer \(server.token)",
                                        "-w", "%{http_version} %{http_code}\\n"] + urls.flatMap { ["-o", "/dev/null", $0] })
            #expect(lines.count == 60)
            #expect(lines.allSatisfy { $0 == "2 200" }, "\(Set(lines))")
            #expect(server.acceptedConnections == ["h2": 1])
        }
    }
}
