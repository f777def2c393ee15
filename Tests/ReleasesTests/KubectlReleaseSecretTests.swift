import Foundation
import KubeClient
import Sandbox
import TestSupport
import Testing
@testable import Releases

/// The release Secret over the wire, with the real kubectl against the sandbox over HTTPS: what
/// tarsctl writes, kubectl shows as Helm's records look (`data.release` base64 of the base64
/// text of the gzip), and a record created by kubectl from Helm's format reads back.
@Suite(.serialized) struct KubectlReleaseSecretTests {
    static let kubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(_ args: [String], kubeconfig: String, stdin: [UInt8]? = nil) async throws -> (Int32, String) {
        let r = try await runProcess(URL(fileURLWithPath: kubectl ?? "kubectl"), ["--kubeconfig", kubeconfig, "--request-timeout=20s"] + args,
                                     stdin: Data(stdin ?? []), mergeStderr: true)
        return (r.status, r.stdoutText)
    }

    @Test(.enabled(if: kubectl != nil), .timeLimit(.minutes(2)))
    func kubectlSeesHelmsLayersAndHelmRecordsReadBack() async throws {
        let s = try await SandboxServer.start(configuration: SandboxConfiguration(port: 0, dataDirectory: nil, readyDelay: .milliseconds(100)))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("release-kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kubeconfig = dir.appendingPathComponent("config").path
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: \(s.url)
                certificate-authority-data: \(Base64.encode(Array(s.caPEM.utf8)))
            users:
            - name: tester
              user:
                token: \(s.token)
            contexts:
            - name: sandbox
              context: {cluster: sandbox, user: tester, namespace: default}
            current-context: sandbox

            """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)

        do {
            // tarsctl's record, created through kubectl and read back as kubectl shows it.
            let release = try ReleaseCodecTests.sample().withNamespace("default")
            let secret = try ReleaseSecret.encode(release, write: .create)
            let (rc, out) = try await Self.run(["create", "-f", "-"], kubeconfig: kubeconfig, stdin: JSONWriter.bytes(secret))
            #expect(rc == 0, "\(out)")
            let (rc2, json) = try await Self.run(["get", "secret", "sh.helm.release.v1.tars.v2", "-o", "json"], kubeconfig: kubeconfig)
            #expect(rc2 == 0, "\(json)")
            let shown = try JSONParser.parse(json)
            let read = try await helmFormatScript("decode", shown)
            #expect(read["problems"] == [])
            #expect(read["layers"] == "base64(base64(gzip(json)))")
            #expect(read["release"] == (try JSONParser.parse(ReleaseCodec.encode(release))))
            let (_, yaml) = try await Self.run(["get", "secret", "sh.helm.release.v1.tars.v2", "-o", "yaml"], kubeconfig: kubeconfig)
            let wire = try #require(shown[path: ["data", "release"]]?.stringValue)
            #expect(yaml.contains("release: \(wire)"))
            #expect(yaml.contains("type: helm.sh/release.v1"))

            // A Helm-format record created by kubectl, read through the store.
            let helm: JSON = ["name": "legacy", "namespace": "default", "version": 1,
                              "info": ["status": "deployed", "last_deployed": "2025-01-01T00:00:00Z"], "manifest": "m"]
            let (rc3, out3) = try await Self.run(["create", "-f", "-"], kubeconfig: kubeconfig,
                                           stdin: JSONWriter.bytes(try await helmFormatScript("build", helm)))
            #expect(rc3 == 0, "\(out3)")
            let store = ReleaseStore(backend: SandboxSecretBackend(cluster: s.cluster))
            let listed = try await store.all(namespace: "default")
            #expect(listed.unreadable.isEmpty)
            #expect(listed.releases.map { "\($0.name):\($0.version):\($0.status.rawValue)" } == ["legacy:1:deployed", "tars:2:deployed"])
            let (rc4, labels) = try await Self.run(["get", "secrets", "-l", "owner=helm,status=deployed", "-o",
                                              "jsonpath={.items[*].metadata.name}"], kubeconfig: kubeconfig)
            #expect(rc4 == 0)
            #expect(labels == "sh.helm.release.v1.legacy.v1 sh.helm.release.v1.tars.v2")
        } catch {
            try await s.shutdown()
            throw error
        }
        try await s.shutdown()
    }
}

extension Release {
    func withNamespace(_ ns: String) -> Release { var r = self; r.namespace = ns; return r }
}
