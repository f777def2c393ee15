import Foundation
import TestSupport
import Testing

/// The release commands through the built binary against a background sandbox
/// (`tarsctl sandbox up` on a free port, its own data directory and kubeconfig).
final class SandboxProcessFixture: Sendable {
    let dir: URL
    let kubeconfig: String
    let dataDir: String

    private init() async throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-release-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        kubeconfig = dir.appendingPathComponent("kubeconfig").path
        dataDir = dir.appendingPathComponent("data").path
        var lastError = ""
        for _ in 0..<5 {
            let port = Int.random(in: 20000...40000)
            let up = try await CLI.run(["sandbox", "up", "--data-dir", dataDir, "--port", String(port), "--kubeconfig", kubeconfig, "--ready-delay-ms", "100"])
            if up.status == 0 { return }
            lastError = up.stderr + up.stdout
        }
        throw CLIFixtureError(description: "sandbox up failed: \(lastError)")
    }

    /// Starts a sandbox, runs `body` with it and stops it, also when `body` throws (the stop
    /// runs a process, so it is awaited here rather than in a `defer`).
    static func with(_ body: (SandboxProcessFixture) async throws -> Void) async throws {
        let s = try await SandboxProcessFixture()
        do {
            try await body(s)
        } catch {
            await s.stop()
            throw error
        }
        await s.stop()
    }

    struct CLIFixtureError: Error, CustomStringConvertible { var description: String }

    func stop() async {
        _ = try? await CLI.run(["sandbox", "down", "--data-dir", dataDir])
        try? FileManager.default.removeItem(at: dir)
    }

    func chart(_ name: String, _ files: [String: String]) throws -> String {
        let root = dir.appendingPathComponent(name)
        var all = files
        all["Chart.yaml"] = all["Chart.yaml"] ?? "apiVersion: v2\nname: \(name)\nversion: 1.0.0\nappVersion: \"1.0\"\n"
        for (rel, text) in all {
            let url = root.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root.path
    }

    func run(_ args: [String]) async throws -> CLI.Result {
        try await CLI.run(args + ["--kubeconfig", kubeconfig])
    }
}

/// A kubeconfig with one context (token auth) for `server`, whose namespace is `namespace`.
func singleContextKubeconfig(server: String, namespace: String) -> String {
    """
    apiVersion: v1
    kind: Config
    clusters: [{name: c, cluster: {server: "\(server)"}}]
    users: [{name: u, user: {token: t}}]
    contexts: [{name: x, context: {cluster: c, user: u, namespace: \(namespace)}}]
    current-context: x
    """
}

let releaseCLIRepositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

let slowChartFiles: [String: String] = [
    "values.yaml": "neverReady: \"true\"\n",
    "templates/slow.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: slow
    spec:
      selector:
        matchLabels: {app: slow}
      template:
        metadata:
          labels: {app: slow}
          annotations:
            sandbox.tarsctl.dev/never-ready: {{ .Values.neverReady | quote }}
        spec:
          containers: [{name: s, image: nginx}]
    """,
    "templates/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: slow-config\ndata:\n  a: \"1\"\n",
]

@Suite(.serialized) struct ReleaseCLITests {
    @Test func tarsInstallStatusListNoChangeUpgradeAndDiff() async throws {
        try await SandboxProcessFixture.with { s in
            let root = releaseCLIRepositoryRoot
            let install = try await s.run(["install", "tars", root, "-f", root + "/Values/dev.yaml", "-n", "tars", "--create-namespace", "--timeout", "60s"])
            #expect(install.status == 0, "\(install.stderr)")
            #expect(install.stdout.contains("NAME: tars\n"))
            #expect(install.stdout.contains("NAMESPACE: tars\nSTATUS: deployed\nREVISION: 1\n"))
            #expect(install.stdout.contains("NOTES:\n"))
            #expect(install.stderr.contains("post-install hook Job/tars-migrate succeeded"))

            let list = try await s.run(["list", "-A"])
            #expect(list.status == 0)
            let rows = list.stdout.split(separator: "\n")
            #expect(rows.first?.hasPrefix("NAME") == true)
            #expect(rows.count == 2)
            #expect(rows.last?.contains("deployed") == true)
            #expect(rows.last?.contains("tars-0.4.0") == true)

            let same = try await s.run(["upgrade", "tars", root, "-f", root + "/Values/dev.yaml", "-n", "tars"])
            #expect(same.status == 0, "\(same.stderr)")
            #expect(same.stdout.contains("has no changes"))
            let history = try await s.run(["history", "tars", "-n", "tars", "-o", "json"])
            #expect(history.status == 0)
            #expect(history.stdout.contains("\"revision\":1"))
            #expect(!history.stdout.contains("\"revision\":2"))

            let secret = "cli-secret-value-0042"
            let diff = try await s.run(["diff", "upgrade", "tars", root, "-f", root + "/Values/dev.yaml", "-n", "tars", "--set", "secrets.postgresPassword=\(secret)"])
            #expect(diff.status == 0, "\(diff.stderr)")
            #expect(diff.stdout.contains("--- Secret/tars-secrets (live)"))
            #expect(diff.stdout.contains("<redacted, changed>"))
            #expect(!diff.stdout.contains(secret))
            #expect(!diff.stdout.contains(Data(secret.utf8).base64EncodedString()))

            let upgraded = try await s.run(["upgrade", "tars", root, "-f", root + "/Values/dev.yaml", "-n", "tars", "--set", "backend.replicaCount=2", "--diff"])
            #expect(upgraded.status == 0, "\(upgraded.stderr)")
            #expect(upgraded.stdout.contains("+  replicas: 2"))
            #expect(upgraded.stdout.contains("REVISION: 2"))
            let values = try await s.run(["get", "values", "tars", "-n", "tars", "-o", "json"])
            #expect(values.stdout.contains("\"replicaCount\":2"))
            let rollback = try await s.run(["rollback", "tars", "-n", "tars"])
            #expect(rollback.status == 0, "\(rollback.stderr)")
            let status = try await s.run(["status", "tars", "-n", "tars"])
            #expect(status.stdout.contains("REVISION: 3\nDESCRIPTION: Rollback to 1\n"))
            let gone = try await s.run(["uninstall", "tars", "-n", "tars"])
            #expect(gone.status == 0, "\(gone.stderr)")
            let after = try await s.run(["status", "tars", "-n", "tars"])
            #expect(after.status == 1)
            #expect(after.stderr.contains("release \"tars\" not found in namespace \"tars\""))
        }
    }

    /// Acceptance 3 through the CLI: exit code 4, the message names the Deployment and why.
    @Test func neverReadyExitsFourNamingTheDeployment() async throws {
        try await SandboxProcessFixture.with { s in
            let chart = try s.chart("slow", slowChartFiles)
            let r = try await s.run(["install", "slow", chart, "--timeout", "2s"])
            #expect(r.seconds >= 2 && r.seconds < 60)   // the 2 s timeout ended it, not the 5 min default
            #expect(r.status == 4, "\(r.stderr)")
            #expect(r.stderr.contains("timed out after 2s waiting for 1 of 2 resources to be ready"))
            #expect(r.stderr.contains("Deployment/slow in namespace default: 0 of 1 updated replicas available"))
            let h = try await s.run(["history", "slow", "-o", "json"])
            #expect(h.stdout.contains("\"status\":\"failed\""))
        }
    }

    /// Acceptance 4 through the CLI: SIGINT during the wait ends the process with the revision
    /// failed and says so; the next upgrade works.
    @Test func sigintDuringWaitMarksTheRevisionFailed() async throws {
        try await SandboxProcessFixture.with { s in
            let chart = try s.chart("slow", slowChartFiles)
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["install", "slow", chart, "--timeout", "60s", "--kubeconfig", s.kubeconfig]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            // Its stderr is read, and its exit awaited, on threads of their own (not the pool's).
            async let stderrBytes = offPool { err.fileHandleForReading.readDataToEndOfFile() }
            // Wait until the install waits (its first "waiting" line), then interrupt.
            let deadline = Date().addingTimeInterval(20)
            var waited = false
            while Date() < deadline {
                let h = try await s.run(["history", "slow", "-o", "json"])
                if h.stdout.contains("pending-install") { waited = true; break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(waited)
            try await Task.sleep(for: .milliseconds(300))
            p.interrupt()
            await offPool { p.waitUntilExit() }
            let stderr = String(decoding: await stderrBytes, as: UTF8.self)
            #expect(p.terminationStatus == 1, "\(stderr)")
            #expect(stderr.contains("interrupted: stopping and marking the revision failed"))
            #expect(stderr.contains("Revision 1 is marked failed"))
            let h = try await s.run(["history", "slow", "-o", "json"])
            #expect(h.stdout.contains("\"status\":\"failed\""))
            #expect(!h.stdout.contains("pending"))
            let fixed = try await s.run(["upgrade", "slow", chart, "--set", "neverReady=false", "--timeout", "30s"])
            #expect(fixed.status == 0, "\(fixed.stderr)")
            #expect(fixed.stdout.contains("STATUS: deployed"))
        }
    }
}
