import Foundation
import Testing

/// `tarsctl validate` as a CI job runs it: exit codes 0/1/2/3 and messages with file:line.
/// The schema cases pass `--no-security`; `securityScanScoresWorkloads` covers the scan.
@Suite struct ValidateCommandTests {
    static func scratch(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - containerPort: 80

        """

    @Test func validManifestsExitZero() async throws {
        let dir = try Self.scratch(["a.yaml": Self.deployment, "sub/b.yml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"])
        let r = try await CLI.run(["validate", "--no-security", dir.path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout == "0 errors, 0 warnings, 0 info in 2 objects (2 files)\n")
    }

    @Test func schemaProblemsExitThreeWithPathAndLine() async throws {
        let bad = Self.deployment.replacingOccurrences(of: "containerPort: 80", with: "containerPort: \"80\"\n          protocl: TCP")
        let dir = try Self.scratch(["d.yaml": bad])
        let file = dir.appendingPathComponent("d.yaml").path
        let r = try await CLI.run(["validate", "--no-security", file])
        #expect(r.status == 3)
        #expect(r.stdout == """
            \(file)
              Deployment/web
                \(file):17:11  error  schema  spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string "80"

            1 error, 0 warnings, 0 info in 1 object (1 file)

            """)
        let strict = try await CLI.run(["validate", "--no-security", "--strict", file])
        #expect(strict.status == 3)
        #expect(strict.stdout.contains("\(file):18:11  error  schema  spec.template.spec.containers[0].ports[0].protocl: unknown field \"protocl\" (did you mean \"protocol\"?)\n"))
        let json = try await CLI.run(["validate", "--no-security", "-o", "json", file])
        #expect(json.status == 3)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let findings = parsed?["findings"] as? [[String: Any]]
        #expect(findings?.first?["path"] as? String == "spec.template.spec.containers[0].ports[0].containerPort")
        #expect(findings?.first?["line"] as? Int == 17)
        #expect(findings?.first?["rule"] as? String == "schema")
        let sarif = try await CLI.run(["validate", "--no-security", "-o", "sarif", file])
        #expect(sarif.status == 3)
        #expect(sarif.stdout.contains("\"ruleId\" : \"schema\"") || sarif.stdout.contains("\"ruleId\": \"schema\""), "\(sarif.stdout.prefix(400))")
    }

    @Test func brokenYAMLIsAnErrorWithFileLineAndColumn() async throws {
        let dir = try Self.scratch(["broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: indent\n"])
        let file = dir.appendingPathComponent("broken.yaml").path
        let r = try await CLI.run(["validate", "--no-security", file])
        #expect(r.status == 3)
        #expect(r.stdout.contains("\(file):5:"), "\(r.stdout)")
        #expect(r.stdout.contains("  error  yaml  invalid YAML: mapping values are not allowed in this context"))
    }

    @Test func aDocumentThatIsAListIsAnError() async throws {
        let dir = try Self.scratch(["list.yaml": "- apiVersion: v1\n  kind: ConfigMap\n"])
        let file = dir.appendingPathComponent("list.yaml").path
        let r = try await CLI.run(["validate", "--no-security", file])
        #expect(r.status == 3)
        #expect(r.stdout.contains("\(file):1:1  error  yaml  document 1 is a list, not a mapping"), "\(r.stdout)")
    }

    @Test func binaryGarbageAndNonUTF8AreErrors() async throws {
        let dir = try Self.scratch([:])
        let bin = dir.appendingPathComponent("garbage.yaml")
        var bytes: [UInt8] = Array("apiVersion: v1\n".utf8)
        var x: UInt32 = 12345
        for _ in 0..<4096 { x = x &* 1_103_515_245 &+ 12345; bytes.append(UInt8(truncatingIfNeeded: x >> 16)) }
        try Data(bytes).write(to: bin)
        let r = try await CLI.run(["validate", "--no-security", bin.path])
        #expect(r.status == 3)
        #expect(r.stdout.range(of: #"\#(bin.path):2:\d+  error  yaml  (binary data|invalid UTF-8) \(byte 0x[0-9A-F]{2}\) at byte offset \d+"#,
                                options: .regularExpression) != nil, "\(r.stdout)")
        let latin1 = dir.appendingPathComponent("latin1.yaml")
        try Data(Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf".utf8) + [0xE9, 0x7D, 0x0A]).write(to: latin1)
        let l = try await CLI.run(["validate", "--no-security", latin1.path])
        #expect(l.status == 3)
        #expect(l.stdout.contains("\(latin1.path):3:21  error  yaml  invalid UTF-8 (byte 0xE9)"), "\(l.stdout)")
    }

    @Test func unknownAPIVersionNamesItAndTheFlag() async throws {
        let dir = try Self.scratch(["u.yaml": Self.deployment.replacingOccurrences(of: "apps/v1", with: "apps/v2")])
        let file = dir.appendingPathComponent("u.yaml").path
        let r = try await CLI.run(["validate", "--no-security", file])
        #expect(r.status == 3)
        #expect(r.stdout.contains("  Deployment/web\n    \(file):2:1  error  schema  no schema for Deployment apps/v2 (looked in the bundled Kubernetes 1.37.0 schemas)"), "\(r.stdout)")
        #expect(r.stdout.contains("--ignore-missing-schemas"))
        let ignored = try await CLI.run(["validate", "--no-security", "--ignore-missing-schemas", file])
        #expect(ignored.status == 0)
    }

    @Test func aFiftyMegabyteFileIsReadWithoutCrashing() async throws {
        let dir = try Self.scratch([:])
        let file = dir.appendingPathComponent("big.yaml")
        let one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  blob: \"\(String(repeating: "x", count: 1000))\"\n---\n"
        var text = String(repeating: one, count: 50 * 1024 * 1024 / one.utf8.count + 1)
        text += "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last\ndata:\n  n: 1\n"
        try Data(text.utf8).write(to: file)
        let r = try await CLI.run(["validate", "--no-security", file.path])
        #expect(r.seconds < 120)
        #expect(r.status == 3)
        let lastLine = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(r.stdout.contains("  ConfigMap/last\n    \(file.path):\(lastLine):3  error  schema  data.n: expected string, got integer 1\n"), "\(r.stdout.prefix(500))")
        #expect(r.stdout.hasSuffix(" objects (1 file)\n") && r.stdout.contains("\n1 error, 0 warnings, 0 info in "))
    }

    /// Many problems in one large List, and in one large object: each problem still gets its
    /// line, without reading the document again per problem.
    @Test func manyProblemsInLargeDocumentsKeepTheirLines() async throws {
        var list = "apiVersion: v1\nkind: List\nitems:\n"
        for i in 0..<20_000 { list += "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\(i)\n  data:\n    a: 1\n" }
        var map = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
        for i in 0..<50_000 { map += "  k\(i): \(i)\n" }
        let dir = try Self.scratch(["list.yaml": list, "map.yaml": map])
        let r = try await CLI.run(["validate", "--no-security", dir.appendingPathComponent("list.yaml").path, dir.appendingPathComponent("map.yaml").path])
        #expect(r.seconds < 120)
        #expect(r.status == 3)
        #expect(r.stdout.contains("  ConfigMap/c19999\n    \(dir.path)/list.yaml:120003:5  error  schema  data.a: expected string, got integer 1\n"))
        #expect(r.stdout.contains("/map.yaml:50004:3  error  schema  data.k49999: expected string, got integer 49999\n"))
        #expect(r.stdout.hasSuffix("\n70000 errors, 0 warnings, 0 info in 20001 objects (2 files)\n"))
    }

    /// By default validate also scores workloads as kubesec does and runs kube-linter's checks:
    /// the score list, a critical rule as an error at its field, `--min-score`, `--skip`, and a
    /// `.tarsctl.yaml` in the working directory.
    @Test func securityScanScoresWorkloads() async throws {
        let hardened = Self.deployment.replacingOccurrences(
            of: "      - name: web\n",
            with: "      - name: web\n        securityContext:\n          runAsNonRoot: true\n          readOnlyRootFilesystem: true\n")
        let privileged = Self.deployment.replacingOccurrences(of: "  name: web\n", with: "  name: root\n")
            .replacingOccurrences(of: "      - name: web\n", with: "      - name: web\n        securityContext:\n          privileged: true\n")
        #expect(hardened != Self.deployment && privileged.contains("privileged: true"))
        let dir = try Self.scratch(["ok.yaml": hardened, "bad.yaml": privileged])
        let ok = dir.appendingPathComponent("ok.yaml").path, bad = dir.appendingPathComponent("bad.yaml").path
        let r = try await CLI.run(["validate", ok, bad], cwd: dir)
        #expect(r.status == 3, "\(r.stdout)")
        #expect(r.stdout.contains("  error    Privileged  Deployment/root: "), "\(r.stdout)")
        #expect(r.stdout.contains("bad.yaml:16:11  warning  privileged-container  Deployment/root: container \"web\" is privileged"), "\(r.stdout)")
        #expect(r.stdout.contains("Scores\n"), "\(r.stdout)")
        #expect(r.stdout.contains("ok.yaml:1  Deployment/web  score 2\n"), "\(r.stdout)")
        #expect(r.stdout.contains("bad.yaml:1  Deployment/root  score -30  critical: Privileged\n"), "\(r.stdout)")
        // --min-score fails the hardened workload too; --skip removes the critical rule.
        let min = try await CLI.run(["validate", ok, "--min-score", "5"], cwd: dir)
        #expect(min.status == 3)
        #expect(min.stdout.contains("min-score  Deployment/web has a kubesec score of 2, below the required 5"), "\(min.stdout)")
        let skipped = try await CLI.run(["validate", bad, "--skip", "Privileged"], cwd: dir)
        #expect(skipped.status == 0, "\(skipped.stdout)")
        #expect(!skipped.stdout.contains("  Privileged  ") && skipped.stdout.contains("\n0 errors, "), "\(skipped.stdout)")
        // The same skip from a config file in the working directory.
        try Data("security:\n  skip: [Privileged]\n".utf8).write(to: dir.appendingPathComponent(".tarsctl.yaml"))
        #expect(try await CLI.run(["validate", bad], cwd: dir).status == 0)
        // JUnit carries a score testcase per workload.
        let junit = try await CLI.run(["validate", ok, "-o", "junit"], cwd: dir)
        #expect(junit.stdout.contains("<testcase name=\"Deployment/web: score\""), "\(junit.stdout)")
    }

    @Test func stdinAndUsageErrors() async throws {
        let r = try await CLI.run(["validate", "--no-security", "-"], stdin: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n  - port: http\n")
        #expect(r.status == 3)
        #expect(r.stdout.contains("  Service/s\n    -:6:5  error  schema  spec.ports[0].port: expected integer, got string \"http\"\n"), "\(r.stdout)")
        #expect(try await CLI.run(["validate"]).status == 2)
        #expect(try await CLI.run(["validate", "--no-security", "--kubernetes-version", "one", "-"]).status == 2)
        #expect(try await CLI.run(["validate", "--no-security", "-o", "xml", "-"]).status == 2)
        let missing = try await CLI.run(["validate", "--no-security", "/nonexistent/x.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/x.yaml: no such file"))
        let future = try await CLI.run(["validate", "--no-security", "--kubernetes-version", "1.99", "-"], stdin: "")
        #expect(future.status == 1)
        #expect(future.stderr.contains("newer than the bundled schemas (1.25–1.37)"), "\(future.stderr)")
    }

    @Test func olderKubernetesVersionsUseTheirSchemas() async throws {
        // flowcontrol.apiserver.k8s.io/v1beta3 was served until 1.31, so 1.29 knows it and 1.37 does not.
        let fc = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: PriorityLevelConfiguration\nmetadata: {name: p}\nspec: {type: Exempt}\n"
        #expect(try await CLI.run(["validate", "--no-security", "--kubernetes-version", "1.29", "-"], stdin: fc).status == 0)
        #expect(try await CLI.run(["validate", "--no-security", "--kubernetes-version", "v1.37.2", "-"], stdin: fc).status == 3)
    }

    @Test func chartCRDsValidateCustomResources() async throws {
        let crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {kind: Widget, plural: widgets}
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
                          size: {type: integer, maximum: 10}
                          port: {x-kubernetes-int-or-string: true}

            """
        let dir = try Self.scratch([
            "chart/Chart.yaml": "apiVersion: v2\nname: widgets\nversion: 0.1.0\n",
            "chart/values.yaml": "size: 3\n",
            "chart/crds/widget.yaml": crd,
            "chart/templates/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: {{ .Values.size }}\n  port: http\n",
        ])
        let chart = dir.appendingPathComponent("chart").path
        let ok = try await CLI.run(["validate", "--no-security", "--chart", chart])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        let bad = try await CLI.run(["validate", "--no-security", "--chart", chart, "--set", "size=11"])
        #expect(bad.status == 3)
        #expect(bad.stdout.contains("widgets/templates/widget.yaml:6:3  error  schema  spec.size: must be at most 10, got 11\n"), "\(bad.stdout)")
        // Without the CRD the custom resource has no schema.
        try FileManager.default.removeItem(atPath: chart + "/crds")
        let none = try await CLI.run(["validate", "--no-security", "--chart", chart])
        #expect(none.status == 3)
        #expect(none.stdout.contains("no schema for Widget example.com/v1"))
    }
}
