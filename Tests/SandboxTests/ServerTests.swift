import KubeClient
import Foundation
import Testing
@testable import Sandbox

@Suite struct ServerTests {
    @Test func startsOnAnEphemeralPortAndPersistsAcrossRestarts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try await SandboxServer.start(configuration: SandboxConfiguration(dataDirectory: dir))
        #expect(first.url.hasPrefix("https://127.0.0.1:"))
        #expect(first.port > 0)
        #expect(first.caPEM.contains("BEGIN CERTIFICATE"))
        #expect(first.token.count == 40)
        guard let type = first.cluster.type(group: "", version: "v1", plural: "configmaps") else {
            Issue.record("configmaps not served")
            return
        }
        _ = try first.cluster.create(type, namespace: "default", body: configMap("kept"), options: WriteOptions(fieldManager: "test"))
        let rv = first.cluster.currentResourceVersion
        try await first.shutdown()

        let second = try await SandboxServer.start(configuration: SandboxConfiguration(dataDirectory: dir))
        defer { Task { try? await second.shutdown() } }
        #expect(second.token == first.token)
        #expect(second.caPEM == first.caPEM)
        #expect(try second.cluster.get(type, namespace: "default", name: "kept").name == "kept")
        #expect(second.cluster.currentResourceVersion == rv)
        let client = try second.issueClientCertificate(commonName: "tester")
        #expect(client.certificatePEM.contains("BEGIN CERTIFICATE"))
    }

    @Test func kubeconfigGetsTheSandboxContext() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kc-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"apiVersion\":\"v1\",\"kind\":\"Config\",\"clusters\":[{\"name\":\"prod\",\"cluster\":{\"server\":\"https://prod\"}}],\"current-context\":\"prod\"}".utf8)
            .write(to: URL(fileURLWithPath: path))
        let outcome = try KubeconfigWriter(path: path).write(server: "https://127.0.0.1:1", caPEM: "PEM", token: "t", switchContext: false)
        #expect(outcome == .written(path))
        let config = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(config["current-context"] == "prod")
        #expect(config["clusters"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["prod", "tarsctl-sandbox"])
        #expect(config["users"]?.arrayValue?.first?[path: ["user", "token"]] == "t")
        _ = try KubeconfigWriter(path: path).write(server: "https://127.0.0.1:2", caPEM: "PEM", token: "t", switchContext: true)
        let switched = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(switched["current-context"] == "tarsctl-sandbox")
        #expect(switched["clusters"]?.arrayValue?.count == 2)
    }

    @Test func kubeconfigPathFollowsKubectl() {
        #expect(KubeconfigWriter.resolvePath(explicit: "/x", environment: ["KUBECONFIG": "/a:/b"]) == "/x")
        #expect(KubeconfigWriter.resolvePath(explicit: nil, environment: ["KUBECONFIG": "/a:/b"]) == "/a")
        #expect(KubeconfigWriter.resolvePath(explicit: nil, environment: ["HOME": "/h"]) == "/h/.kube/config")
    }
}
