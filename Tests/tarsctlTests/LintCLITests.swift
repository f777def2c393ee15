import Foundation
import TestSupport
import Testing

/// `tarsctl lint` as CI runs it: exit codes, and every output format on a failing chart.
enum LintFixture {
    /// A chart with a bad Chart.yaml version, a broken template, a bad name, a removed API,
    /// a placeholder Secret and a container without probes or limits.
    static let failing: [String: String] = [
        "Chart.yaml": "apiVersion: v2\nname: bad\nversion: 1.x\n",
        "values.yaml": "image: nginx:1.27\ndb:\n  password: changeme\n",
        "templates/deploy.yaml": """
        apiVersion: extensions/v1beta1
        kind: Deployment
        metadata:
          name: Web_App
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: {{ .Values.image }}
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: creds
        stringData:
          password: {{ .Values.db.password }}
        """,
        "templates/broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required \"set a\" .Values.a }}\n",
        "templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n",
    ]

    /// Only warnings: a Deployment without probes and limits.
    static let warningsOnly: [String: String] = [
        "Chart.yaml": "apiVersion: v2\nname: warn\nversion: 0.1.0\n",
        "templates/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n",
    ]

    /// Writes `files` under a fresh temporary directory as `NAME/…`; returns the parent.
    static func write(_ files: [String: String], name: String) throws -> URL {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("lintcli-\(UUID().uuidString)")
        for (rel, text) in files {
            let url = parent.appendingPathComponent(name).appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return parent
    }

    /// Runs Tests/ValidationTests/ReportData/check_reports.py (SARIF schema, JUnit structure).
    static func check(_ kind: String, _ text: String) async throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).\(kind)")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                     ["python3", Repo.path("Tests/ValidationTests/ReportData/check_reports.py"), kind, file.path], mergeStderr: true)
        return (r.status, r.stdoutText)
    }
}

struct TarsLintCase: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String]
    var testDescription: String { name }
}

/// The T.A.R.S. chart with each Values/*.yaml (staging and prod need the site's host and secrets,
/// as in Tests/chart/cases.txt) lints clean, also with --strict.
@Test(arguments: [
    TarsLintCase(name: "defaults", files: []),
    TarsLintCase(name: "dev", files: ["Values/dev.yaml"]),
    TarsLintCase(name: "staging", files: ["Values/staging.yaml", "Tests/chart/variations/site.yaml", "Tests/chart/variations/site-secrets.yaml"]),
    TarsLintCase(name: "prod", files: ["Values/prod.yaml", "Tests/chart/variations/site.yaml", "Tests/chart/variations/site-secrets.yaml"]),
])
func tarsChartLintsClean(_ c: TarsLintCase) async throws {
    let args = ["lint", ".", "--strict", "--kube-version", "1.31.0"] + c.files.flatMap { ["-f", $0] }
    let r = try await CLI.run(args, cwd: Repo.root)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.range(of: #"^0 errors, 0 warnings, 0 info in \d+ objects \(\d+ files\)\n$"#, options: .regularExpression) != nil, "\(r.stdout)")
}

@Test func cleanChartGivesValidEmptySARIFAndPassingJUnit() async throws {
    let sarif = try await CLI.run(["lint", ".", "-f", "Values/dev.yaml", "-o", "sarif"], cwd: Repo.root)
    #expect(sarif.status == 0)
    #expect(try await LintFixture.check("sarif", sarif.stdout).output == "ok sarif: 0 results\n")
    let junit = try await CLI.run(["lint", ".", "-f", "Values/dev.yaml", "-o", "junit"], cwd: Repo.root)
    #expect(junit.status == 0)
    let check = try await LintFixture.check("junit", junit.stdout)
    #expect(check.output.range(of: #"^ok junit: \d+ suites, \d+ testcases, 0 failures\n$"#, options: .regularExpression) != nil, "\(check.output)")
    #expect(junit.stdout.contains("<testcase name=\"Deployment/release-name-tars-backend: container-probes\" classname=\"Templates/backend-deployment.yaml\" time=\"0\"/>"))
}

@Test func tarsProdWithoutSecretsNamesEachFailingTemplate() async throws {
    let r = try await CLI.run(["lint", ".", "-f", "Values/prod.yaml", "-f", "Tests/chart/variations/site.yaml", "--no-security"], cwd: Repo.root)
    #expect(r.status == 3)
    #expect(r.stdout.contains("Templates/secrets.yaml:11:6  error  template-render  template tars/templates/secrets.yaml does not render"))
    #expect(r.stdout.contains("secrets.jwtSecretKey is required in production"))
}

@Test func failingChartAsText() async throws {
    let dir = try LintFixture.write(LintFixture.failing, name: "bad")
    let r = try await CLI.run(["lint", "bad", "--no-security"], cwd: dir)
    #expect(r.status == 3, "\(r.stderr)")
    for line in [
        "bad/Chart.yaml\n  bad/Chart.yaml:3:10  error    chart-metadata  Chart.yaml version \"1.x\" is not a SemVer 2 version",
        "bad/templates/broken.yaml:6:8  error    template-render  template bad/templates/broken.yaml does not render: execution error at (bad/templates/broken.yaml:6:8): set a",
        "  Deployment/Web_App\n    bad/templates/deploy.yaml:1:13  error    deprecated-api  extensions/v1beta1 Deployment was removed in Kubernetes 1.16",
        "bad/templates/deploy.yaml:4:9  error    dns-1123-name  Deployment name \"Web_App\" is not a valid DNS-1123 subdomain",
        "bad/templates/deploy.yaml:9:17  warning  container-probes  container \"app\" of Deployment/Web_App has no readinessProbe or livenessProbe",
        "  Secret/creds\n    bad/templates/deploy.yaml:17:13  error    placeholder-secret  Secret creds key stringData.password holds the placeholder \"changeme\"",
        "bad/values.yaml:3:13  warning  placeholder-secret  value db.password is the placeholder \"changeme\"",
        "\n5 errors, 3 warnings, 0 info in 3 objects (5 files)\n",
    ] {
        #expect(r.stdout.contains(line), "missing:\n\(line)\nin:\n\(r.stdout)")
    }
    #expect(!r.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
}

@Test func failingChartAsJSON() async throws {
    let dir = try LintFixture.write(LintFixture.failing, name: "bad")
    let r = try await CLI.run(["lint", "bad", "-o", "json", "--no-security"], cwd: dir)
    #expect(r.status == 3)
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect((obj["summary"] as? [String: Int]) == ["errors": 5, "warnings": 3, "info": 0, "objects": 3, "files": 5])
    let findings = try #require(obj["findings"] as? [[String: Any]])
    let dns = try #require(findings.first { $0["rule"] as? String == "dns-1123-name" })
    #expect(dns["file"] as? String == "bad/templates/deploy.yaml")
    #expect(dns["line"] as? Int == 4 && dns["column"] as? Int == 9)
    #expect(dns["path"] as? String == "metadata.name")
    #expect((dns["object"] as? [String: Any])?["kind"] as? String == "Deployment")
}

@Test func failingChartAsJUnitParses() async throws {
    let dir = try LintFixture.write(LintFixture.failing, name: "bad")
    let r = try await CLI.run(["lint", "bad", "-o", "junit"], cwd: dir)
    #expect(r.status == 3)
    let check = try await LintFixture.check("junit", r.stdout)
    #expect(check.status == 0, "\(check.output)\n\(r.stdout)")
    #expect(check.output.hasPrefix("ok junit: 5 suites, "), "\(check.output)")
    #expect(r.stdout.contains("<testcase name=\"Service/web: dns-1123-name\" classname=\"bad/templates/service.yaml\" time=\"0\"/>"))
    #expect(r.stdout.contains("<testcase name=\"Deployment/Web_App: dns-1123-name\" classname=\"bad/templates/deploy.yaml\" time=\"0\">\n      <failure message=\"Deployment name &quot;Web_App&quot;"))
}

@Test func failingChartAsSARIFValidatesAgainstTheSchema() async throws {
    let dir = try LintFixture.write(LintFixture.failing, name: "bad")
    // An absolute chart path under the working directory still gives repository-relative URIs.
    let r = try await CLI.run(["lint", dir.appendingPathComponent("bad").path, "-o", "sarif"], cwd: dir)
    #expect(r.status == 3)
    let check = try await LintFixture.check("sarif", r.stdout)
    #expect(check.status == 0, "\(check.output)")
    // 8 chart-rule results plus 9 kube-linter warnings on the Deployment and Service.
    #expect(check.output == "ok sarif: 17 results\n")
    #expect(r.stdout.contains("\"uri\": \"bad/templates/deploy.yaml\",\n                  \"uriBaseId\": \"%SRCROOT%\""))
    // The checker itself rejects a log that breaks the schema.
    let broken = r.stdout.replacingOccurrences(of: "\"level\": \"error\"", with: "\"level\": \"fatal\"")
    #expect(try await LintFixture.check("sarif", broken).status == 1)
}

@Test func strictMakesWarningsFail() async throws {
    let dir = try LintFixture.write(LintFixture.warningsOnly, name: "warn")
    let plain = try await CLI.run(["lint", "warn", "--no-security"], cwd: dir)
    #expect(plain.status == 0, "\(plain.stdout)")
    #expect(plain.stdout.hasSuffix("0 errors, 2 warnings, 0 info in 1 object (2 files)\n"))
    let strict = try await CLI.run(["lint", "warn", "--strict", "-o", "junit", "--no-security"], cwd: dir)
    #expect(strict.status == 3)
    #expect(strict.stdout.contains("failures=\"2\""))
}

@Test func brokenValuesFileIsAFindingWithItsLine() async throws {
    let dir = try LintFixture.write(LintFixture.warningsOnly.merging(["over.yaml": "a: 1\nb: [x\n"]) { a, _ in a }, name: "warn")
    let r = try await CLI.run(["lint", "warn", "-f", "warn/over.yaml"], cwd: dir)
    #expect(r.status == 3)
    #expect(r.stdout.contains("warn/over.yaml:3:1  error  values-yaml  values file is not valid YAML"), "\(r.stdout)")
}

@Test func lintUsageAndIOErrors() async throws {
    let missing = try await CLI.run(["lint", "/nonexistent/chart"])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("/nonexistent/chart: no such chart directory; pass the directory holding Chart.yaml"))
    let dir = try LintFixture.write(LintFixture.warningsOnly, name: "warn")
    let missingValues = try await CLI.run(["lint", "warn", "-f", "nope.yaml"], cwd: dir)
    #expect(missingValues.status == 1)
    #expect(missingValues.stderr.contains("nope.yaml: cannot read the values file"))
    let noChart = try await CLI.run(["lint"])
    #expect(noChart.status == 2)
    #expect(noChart.stderr.contains("Missing expected argument '<chart>'"))
    let badFormat = try await CLI.run(["lint", "warn", "-o", "xml"], cwd: dir)
    #expect(badFormat.status == 2)
    #expect(badFormat.stderr.contains("xml"))
    let badKube = try await CLI.run(["lint", "warn", "--kube-version", "latest"], cwd: dir)
    #expect(badKube.status == 2)
    #expect(badKube.stderr.contains("--kube-version latest: invalid kube version"))
}

/// Colour only on a terminal, and never with NO_COLOR: runs the binary under script(1) for a pty.
@Test func textIsColouredOnATerminalUnlessNoColor() async throws {
    let dir = try LintFixture.write(LintFixture.warningsOnly, name: "warn")
    func onTerminal(_ env: String) async throws -> String {
        let r = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                     ["-u", "NO_COLOR", "TERM=xterm"] + (env.isEmpty ? [] : [env]) + ["script", "-qec", "\(CLI.binary.path) lint warn", "/dev/null"],
                                     cwd: dir)
        return r.stdoutText
    }
    let coloured = try await onTerminal("")
    #expect(coloured.contains("\u{1B}[33mwarning\u{1B}[0m"), "\(coloured)")
    let plain = try await onTerminal("NO_COLOR=1")
    #expect(plain.contains("warning  container-probes"), "\(plain)")
    #expect(!plain.contains("\u{1B}["))
}

/// lint runs the schema check and the security scan on what the chart renders: a wrong field
/// type is a schema error with its path and line, a privileged container a kubesec critical,
/// and `--min-score` fails the workload and lists its score.
@Test func lintChecksRenderedObjectsAgainstSchemaAndSecurityRules() async throws {
    let files: [String: String] = [
        "Chart.yaml": "apiVersion: v2\nname: sec\nversion: 0.1.0\n",
        "templates/deploy.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: two
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: app
                  image: nginx:1.27
                  securityContext:
                    privileged: true
        """,
    ]
    let dir = try LintFixture.write(files, name: "sec")
    let r = try await CLI.run(["lint", "sec", "--min-score", "1"], cwd: dir)
    #expect(r.status == 3)
    #expect(r.stdout.contains("sec/templates/deploy.yaml:6:3  error    schema"), "\(r.stdout)")
    #expect(r.stdout.contains("spec.replicas"), "\(r.stdout)")
    #expect(r.stdout.contains("sec/templates/deploy.yaml:17:13  warning  privileged-container"), "\(r.stdout)")
    #expect(r.stdout.contains("error    Privileged  Deployment/web: "), "\(r.stdout)")
    #expect(r.stdout.contains("error    min-score  Deployment/web has a kubesec score of -30, below the required 1"), "\(r.stdout)")
    // Skipping by annotation is honoured: the same chart with tarsctl.dev/skip drops the rule.
    let skipped = files.merging(["templates/deploy.yaml": files["templates/deploy.yaml"]!
        .replacingOccurrences(of: "  name: web\n", with: "  name: web\n  annotations:\n    tarsctl.dev/skip: Privileged\n")]) { _, b in b }
    let dir2 = try LintFixture.write(skipped, name: "sec")
    let r2 = try await CLI.run(["lint", "sec"], cwd: dir2)
    #expect(!r2.stdout.contains("Privileged"), "\(r2.stdout)")
    #expect(r2.stdout.contains("schema"), "\(r2.stdout)")
}
