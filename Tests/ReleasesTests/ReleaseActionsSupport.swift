import ChartRender
import Foundation
import KubeClient
import Sandbox
import TestSupport
import Testing
@testable import Releases

/// A sandbox over HTTPS, a kubeconfig pointing at it, a client and an engine, for one test.
struct ActionsHarness {
    let sandbox: SandboxServer
    let directory: URL
    let kubeconfig: String
    let client: KubeClient
    let engine: ReleaseEngine
    let logLines: LogLines

    final class LogLines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    }

    /// A namespaced `Widget` CRD (example.com/v1) keeping any fields, for a chart's `crds/`.
    static let widgetCRD = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
        """

    static func start(maxRetries: Int = 5, readyDelay: Duration = .milliseconds(100), http2: Bool = true) async throws -> ActionsHarness {
        var configuration = SandboxConfiguration(port: 0, dataDirectory: nil, readyDelay: readyDelay)
        configuration.http2 = http2
        let s = try await SandboxServer.start(configuration: configuration)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-actions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("kubeconfig").path
        try writeKubeconfig(path: path, sandbox: s)
        var options = KubeClientOptions()
        options.discoveryCacheDirectory = ""
        options.maxRetries = maxRetries
        options.initialBackoff = .milliseconds(50)
        let client = try KubeClient(kubeconfig: path, options: options)
        let lines = LogLines()
        return ActionsHarness(sandbox: s, directory: dir, kubeconfig: path, client: client,
                              engine: ReleaseEngine(client: client, log: { lines.append($0) }), logLines: lines)
    }

    static func writeKubeconfig(path: String, sandbox s: SandboxServer) throws {
        let ca = Data(s.caPEM.utf8).base64EncodedString()
        let text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: sandbox
          cluster:
            server: \(s.url)
            certificate-authority-data: \(ca)
        users:
        - name: tester
          user:
            token: \(s.token)
        contexts:
        - name: sandbox
          context:
            cluster: sandbox
            user: tester
            namespace: default
        current-context: sandbox

        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func stop() async {
        await client.shutdown()
        try? await sandbox.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes a chart directory: `files` maps chart-relative paths to contents.
    func chart(_ name: String, _ files: [String: String]) throws -> Chart {
        let root = directory.appendingPathComponent(name)
        var all = files
        if all["Chart.yaml"] == nil { all["Chart.yaml"] = "apiVersion: v2\nname: \(name)\nversion: 1.0.0\nappVersion: \"1.0\"\n" }
        for (rel, text) in all {
            let url = root.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return try Chart.load(path: root.path)
    }

    func get(_ apiVersion: String, _ kind: String, _ name: String, namespace: String? = nil) async throws -> JSON? {
        do {
            return try await client.get(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        } catch let e as KubeAPIError where e.isNotFound {
            return nil
        }
    }
}

/// The repository root (the T.A.R.S. chart lives there).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

func tarsValues(_ file: String, _ sets: [String] = []) throws -> [String: Value] {
    var base: [String: Value] = [:]
    if case .map(let m, _) = try YAMLValues.parse(String(contentsOfFile: repositoryRoot + "/Values/\(file)", encoding: .utf8), file: file) {
        base = m
    }
    for s in sets { try StrVals.parse(s, into: &base, mode: .typed, flag: "--set") }
    return base
}

func fastOptions(timeout: Duration = .seconds(60)) -> ReleaseActionOptions {
    var o = ReleaseActionOptions()
    o.timeout = timeout
    o.pollInterval = .milliseconds(50)
    return o
}

/// Runs scripts/helm-release-secret.py (Python's own gzip/base64/json) to build a record
/// exactly as Helm's Secret driver stores it.
func helmPythonSecret(_ release: JSON) async throws -> JSON {
    let r = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", repositoryRoot + "/scripts/helm-release-secret.py", "build"],
                                 stdin: Data(JSONWriter.bytes(release)))
    #expect(r.status == 0, "helm-release-secret.py build: \(r.stderrText)")
    return try JSONParser.parse(Array(r.stdout))
}
