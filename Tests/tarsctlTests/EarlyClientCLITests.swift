import Foundation
import TestSupport
import Testing

/// install/upgrade build their cluster client while the arguments parse; the command must use
/// it only when it was built for the kubeconfig, context and namespace the arguments name, and
/// a client-side dry run must not contact the cluster at all.
@Suite struct EarlyClientCLITests {
    static let chartFiles = ["templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  a: {{ .Values.a | default \"1\" | quote }}\n"]

    func traced(_ s: SandboxProcessFixture, _ args: [String]) async throws -> CLI.Result {
        var env = ProcessInfo.processInfo.environment
        env["TARSCTL_TRACE"] = "1"
        let r = try await runProcess(CLI.binary, args + ["--kubeconfig", s.kubeconfig], environment: env)
        return CLI.Result(status: r.status, stdout: r.stdoutText, stderr: r.stderrText, seconds: r.seconds)
    }

    @Test func theClientBuiltAheadIsUsedForTheNamespaceTheArgumentsName() async throws {
        try await SandboxProcessFixture.with { s in
            let chart = try s.chart("early", Self.chartFiles)
            for (i, form) in [["-n", "e1"], ["--namespace=e2"], ["--namespace", "e3"], ["-n=e4"]].enumerated() {
                let ns = "e\(i + 1)"
                let r = try await traced(s, ["install", "r\(i)", chart, "--create-namespace", "--no-wait"] + form)
                #expect(r.status == 0, "\(form): \(r.stderr)")
                #expect(r.stderr.contains("client created (built ahead)"), "\(form): \(r.stderr)")
                #expect(r.stdout.contains("NAMESPACE: \(ns)\n"), "\(form): \(r.stdout)")
                let cm = try await s.run(["status", "r\(i)", "-n", ns])
                #expect(cm.status == 0, "\(form): \(cm.stderr)")
            }
            let up = try await traced(s, ["upgrade", "r0", chart, "-n", "e1", "--set", "a=2"])
            #expect(up.status == 0, "\(up.stderr)")
            #expect(up.stderr.contains("client created (built ahead)"))
            #expect(up.stdout.contains("REVISION: 2\n"), "\(up.stdout)")
        }
    }

    @Test func aClientSideDryRunOpensNoConnection() async throws {
        // A listening socket nobody accepts on: a connection attempt would wait in its backlog.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) } }
        #expect(bound == 0)
        #expect(listen(listener, 16) == 0)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        let port = UInt16(bigEndian: addr.sin_port)
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-early-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kubeconfig = dir.appendingPathComponent("kubeconfig").path
        try singleContextKubeconfig(server: "https://127.0.0.1:\(port)", namespace: "dry").write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let chart = dir.appendingPathComponent("chart")
        for (rel, text) in Self.chartFiles.merging(["Chart.yaml": "apiVersion: v2\nname: early\nversion: 1.0.0\n"]) { $1 } {
            let url = chart.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        for flag in ["--dry-run", "--dry-run=client"] {
            let r = try await CLI.run(["install", "d", chart.path, flag, "--kubeconfig", kubeconfig])
            #expect(r.status == 0, "\(flag): \(r.stderr)")
            #expect(r.stdout.contains("STATUS: pending-install\n"))
        }
        let accepted = accept(listener, nil, nil)
        if accepted >= 0 { close(accepted) }
        #expect(accepted < 0, "a client-side dry run connected to the cluster")
    }
}
