import Foundation
import TestSupport
import Testing
@testable import KubeClient
import Sandbox

/// The measurement behind Benchmarks/kube-apply.sh (acceptance 4): server-side apply of 1,000
/// ConfigMaps through the client against an in-process sandbox, with bounded concurrency, and
/// `kubectl apply --server-side` of the same objects against the same sandbox as the reference.
/// Runs only when KUBE_APPLY_BENCH is set; prints the figures, asserts nothing about time.
@Suite struct ApplyBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KUBE_APPLY_BENCH"] != nil))
    func applyOneThousandConfigMaps() async throws {
        let env = ProcessInfo.processInfo.environment
        let count = Int(env["KUBE_APPLY_COUNT"] ?? "") ?? 1000
        let inFlight = Int(env["KUBE_APPLY_CONCURRENCY"] ?? "") ?? 16
        let qps = Double(env["KUBE_APPLY_QPS"] ?? "") ?? 0
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let config = try kubeconfig(server, dir: dir, user: "    token: \(server.token)")
            var options = testOptions(dir)
            options.qps = qps
            options.burst = max(1, Int(qps * 2))
            options.maxConnections = inFlight
            let setup = try KubeClient(config: config, options: options)
            for ns in ["bench-client", "bench-kubectl"] { _ = try await setup.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(ns)]]) }
            await setup.shutdown()
            func object(_ i: Int, _ ns: String) -> JSON {
                ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("cm-\(i)"), "namespace": .string(ns), "labels": ["app": "bench"]],
                 "data": ["index": .string(String(i)), "payload": .string(String(repeating: "x", count: 256))]]
            }

            // The client: a fresh one (discovery from scratch), `inFlight` applies at a time.
            try? FileManager.default.removeItem(atPath: dir.path + "/cache")
            let started = ContinuousClock.now
            let client = try KubeClient(config: config, options: options)
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                while next < min(inFlight, count) {
                    let i = next
                    group.addTask { _ = try await client.apply(object(i, "bench-client"), fieldManager: "tarsctl") }
                    next += 1
                }
                while try await group.next() != nil {
                    if next < count {
                        let i = next
                        group.addTask { _ = try await client.apply(object(i, "bench-client"), fieldManager: "tarsctl") }
                        next += 1
                    }
                }
            }
            let clientTime = ContinuousClock.now - started
            await client.shutdown()
            let check = try KubeClient(config: config, options: options)
            let stored = try await check.list(apiVersion: "v1", kind: "ConfigMap", namespace: "bench-client").items.count
            #expect(stored == count)

            // kubectl, same objects, one file, as a user would run it.
            var kubectlTime: Duration?
            if let kubectl = Credentials.executablePath("kubectl", environment: env) {
                // A stream of JSON objects, one per line (kubectl reads JSON streams; `---` is YAML only).
                let manifest = (0..<count).map { JSONWriter.string(object($0, "bench-kubectl")) }.joined(separator: "\n")
                let file = try dir.write("objects.yaml", manifest)
                let kubeconfigFile = try dir.write("kubectl-config", """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: s, cluster: {server: "\(server.url)", certificate-authority-data: \(Data(server.caPEM.utf8).base64EncodedString())}}]
                    users: [{name: s, user: {token: "\(server.token)"}}]
                    contexts: [{name: s, context: {cluster: s, user: s}}]
                    current-context: s
                    """)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: kubectl)
                process.arguments = ["--kubeconfig", kubeconfigFile, "--cache-dir", dir.path + "/kubectl-cache", "apply", "--server-side", "-f", file]
                process.standardOutput = FileHandle.nullDevice
                let errPipe = Pipe()
                process.standardError = errPipe
                let t0 = ContinuousClock.now
                try process.run()
                let errors = await offPool {
                    let data = errPipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return data
                }
                if process.terminationStatus == 0 {
                    kubectlTime = ContinuousClock.now - t0
                    #expect(try await check.list(apiVersion: "v1", kind: "ConfigMap", namespace: "bench-kubectl").items.count == count)
                } else {
                    print("BENCH kubectl failed (\(process.terminationStatus)): \(String(decoding: errors.suffix(500), as: UTF8.self))")
                }
            }
            await check.shutdown()
            func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
            let limit = qps > 0 ? "qps \(qps)" : "client rate limit off"
            print(String(format: "BENCH client: %d ConfigMaps applied in %.2f s (%.0f/s; %d in flight, %@)", count, seconds(clientTime), Double(count) / seconds(clientTime), inFlight, limit))
            if let kubectlTime {
                print(String(format: "BENCH kubectl apply --server-side: %.2f s; kubectl/client = %.1fx", seconds(kubectlTime), seconds(kubectlTime) / seconds(clientTime)))
            } else {
                print("BENCH kubectl: not measured")
            }
        }
    }
}
