import Foundation
import Testing
@testable import KubeClient
import Sandbox

/// Lines written to the debug log or as warnings, shared with the client's tasks.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    var text: String { all.joined(separator: "\n") }
}

/// A temporary directory removed at the end of a test.
struct TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "kubeclient-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let file = "\(path)/\(name)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file) }
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Starts an in-process sandbox over HTTPS on 127.0.0.1, runs `body`, and stops it.
func withSandbox(faults: FaultSettings = FaultSettings(), http2: Bool = true, _ body: (SandboxServer) async throws -> Void) async throws {
    var configuration = SandboxConfiguration(port: 0, dataDirectory: nil, readyDelay: .milliseconds(100), faults: faults)
    configuration.http2 = http2
    let server = try await SandboxServer.start(configuration: configuration)
    do {
        try await body(server)
    } catch {
        try? await server.shutdown()
        throw error
    }
    try await server.shutdown()
}

/// Writes a kubeconfig for the sandbox with the given user entry (YAML lines under `user:`)
/// and extra cluster lines, and resolves it as kubectl would.
func kubeconfig(_ server: SandboxServer, dir: TempDir, user: String, cluster: String? = nil, namespace: String = "default") throws -> Kubeconfig.Resolved {
    let ca = Data(server.caPEM.utf8).base64EncodedString()
    let clusterLines = cluster ?? "    certificate-authority-data: \(ca)"
    let text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: sandbox
          cluster:
            server: \(server.url)
        \(clusterLines)
        users:
        - name: tester
          user:
        \(user)
        contexts:
        - name: sandbox-ctx
          context:
            cluster: sandbox
            user: tester
            namespace: \(namespace)
        current-context: sandbox-ctx

        """
    let path = try dir.write("kubeconfig-\(UUID().uuidString.prefix(8))", text)
    return try Kubeconfig.load(explicit: path).resolve()
}

/// Options for tests: a private discovery cache, fast backoff, log captured.
func testOptions(_ dir: TempDir, log: LogCapture? = nil, warnings: LogCapture? = nil) -> KubeClientOptions {
    var options = KubeClientOptions()
    options.version = "9.9.9-test"
    options.discoveryCacheDirectory = dir.path + "/cache"
    options.initialBackoff = .milliseconds(20)
    options.maxBackoff = .milliseconds(200)
    options.requestTimeout = .seconds(20)
    if let log { options.debugLog = { log.append($0) } }
    if let warnings { options.warn = { warnings.append($0) } }
    return options
}

func configMap(_ name: String, namespace: String? = nil, data: JSON = ["a": "1"], labels: JSON? = nil) -> JSON {
    var metadata: JSON = ["name": .string(name)]
    if let namespace { metadata["namespace"] = .string(namespace) }
    if let labels { metadata["labels"] = labels }
    return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data]
}

/// Runs `body` with a fresh sandbox, temp dir, and a token-authenticated client.
func withTokenClient(faults: FaultSettings = FaultSettings(), http2: Bool = true, log: LogCapture? = nil, configure: (inout KubeClientOptions) -> Void = { _ in },
                     _ body: (KubeClient, SandboxServer, TempDir) async throws -> Void) async throws {
    let dir = try TempDir()
    defer { dir.remove() }
    try await withSandbox(faults: faults, http2: http2) { server in
        var options = testOptions(dir, log: log)
        configure(&options)
        let client = try KubeClient(config: try kubeconfig(server, dir: dir, user: "    token: \(server.token)"), options: options)
        do {
            try await body(client, server, dir)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}

/// Waits until `condition` holds, polling; fails the test after `seconds` (generous: a loaded
/// 2-core CI machine can take seconds to open a watch, and the wait returns as soon as it holds).
func eventually(_ seconds: Double = 10, _ what: String, _ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline {
            Issue.record("timed out waiting for \(what)")
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
