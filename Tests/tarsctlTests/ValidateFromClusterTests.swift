import Foundation
import Testing

/// `tarsctl validate --from-cluster`: schemas from the sandbox's /openapi/v3, where a CRD
/// installed in the cluster publishes its schema as the API server does.
@Suite struct ValidateFromClusterTests {
    static let crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets, singular: widget}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: integer, minimum: 1}
        """

    static let manifests = """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w1
        spec:
          size: big
          colour: red
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
        data:
          a: "1"

        """

    @Test func customResourcesAreCheckedAgainstTheClustersSchema() async throws {
        try await SandboxProcessFixture.with { sandbox in
            let chart = try sandbox.chart("widgets", ["templates/crd.yaml": Self.crd])
            let install = try await sandbox.run(["install", "widgets", chart, "--no-wait"])
            #expect(install.status == 0, "\(install.stderr)")
            let file = sandbox.dir.appendingPathComponent("widget.yaml")
            try Self.manifests.write(to: file, atomically: true, encoding: .utf8)

            // Offline, the bundle knows no Widget.
            let offline = try await CLI.run(["validate", file.path, "--no-security"])
            #expect(offline.status == 3)
            #expect(offline.stdout.contains("no schema for Widget example.com/v1"))

            let online = try await sandbox.run(["validate", file.path, "--from-cluster", "--strict", "--no-security"])
            #expect(online.status == 3, "\(online.stderr)")
            #expect(online.stdout.contains("\(file.path):6:3  error  schema  spec.size: expected integer, got string \"big\""))
            #expect(online.stdout.contains("\(file.path):7:3  error  schema  spec.colour: unknown field \"colour\""))
            #expect(online.stdout.contains("2 errors, 0 warnings, 0 info in 2 objects (1 file)"))
            #expect(!online.stdout.contains("no schema"))

            let fixed = Self.manifests.replacingOccurrences(of: "size: big\n  colour: red", with: "size: 3")
            try fixed.write(to: file, atomically: true, encoding: .utf8)
            let clean = try await sandbox.run(["validate", file.path, "--from-cluster", "--strict", "--no-security"])
            #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        }
    }

    @Test func unreachableClusterAndMisusedFlagsAreClearErrors() async throws {
        try await SandboxProcessFixture.with { sandbox in
            let file = sandbox.dir.appendingPathComponent("cm.yaml")
            try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".write(to: file, atomically: true, encoding: .utf8)
            let noFlag = try await sandbox.run(["validate", file.path])
            #expect(noFlag.status == 2)
            #expect(noFlag.stderr.contains("--kubeconfig and --kube-context choose the cluster for --from-cluster"))
            let badContext = try await sandbox.run(["validate", file.path, "--from-cluster", "--kube-context", "nope"])
            #expect(badContext.status == 1)
            #expect(badContext.stderr.contains("context \"nope\" not found"))
            // The cluster goes away; the kubeconfig still points at it.
            _ = try await CLI.run(["sandbox", "down", "--data-dir", sandbox.dataDir])
            let down = try await sandbox.run(["validate", file.path, "--from-cluster"])
            #expect(down.status == 1)
            #expect(down.stderr.contains("--from-cluster: cannot connect to https://127.0.0.1:"))
            #expect(down.stderr.contains("without --from-cluster"))
        }
    }
}
