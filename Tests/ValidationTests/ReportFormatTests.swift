import Foundation
import Testing
@testable import Validation

/// A small report with a file-level error, an object error, a warning and a clean object.
func sampleReport() -> ValidationReport {
    let web = ObjectRef(apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "prod")
    let svc = ObjectRef(apiVersion: "v1", kind: "Service", name: "web")
    return ValidationReport(
        findings: [
            Finding(ruleID: "probes", severity: .warning, message: "container \"app\" has no readinessProbe",
                    location: SourceLocation(file: "chart/templates/deploy.yaml", line: 1, column: 1, endLine: 20),
                    object: web, path: "spec.template.spec.containers[0]"),
            Finding(ruleID: "chart-metadata", severity: .error, message: "Chart.yaml: version \"1.x\" is not SemVer",
                    location: SourceLocation(file: "chart/Chart.yaml", line: 3, column: 10)),
            Finding(ruleID: "dns-1123-name", severity: .error, message: "name \"Web_<1>\" & more is not DNS-1123",
                    location: SourceLocation(file: "chart/templates/deploy.yaml", line: 4, column: 9, endLine: 4), object: web),
        ],
        checked: [
            CheckedObject(object: nil, location: SourceLocation(file: "chart/Chart.yaml", line: 1), checks: ["chart-metadata"]),
            CheckedObject(object: web, location: SourceLocation(file: "chart/templates/deploy.yaml", line: 1, endLine: 20),
                          checks: ["dns-1123-name", "probes"]),
            CheckedObject(object: svc, location: SourceLocation(file: "chart/templates/svc.yaml", line: 1, endLine: 9),
                          checks: ["dns-1123-name"]),
        ],
        rules: [
            RuleDescription(id: "chart-metadata", shortDescription: "Chart.yaml fields", fullDescription: "Chart.yaml needs apiVersion, name and a SemVer version.",
                            help: "Fix Chart.yaml.", defaultSeverity: .error),
            RuleDescription(id: "dns-1123-name", shortDescription: "DNS-1123 names", fullDescription: "Object names must be DNS-1123.",
                            help: "Use lower case letters, digits and '-'.", defaultSeverity: .error),
            RuleDescription(id: "probes", shortDescription: "Probes", fullDescription: "Containers should declare probes.",
                            help: "Add readinessProbe and livenessProbe.", defaultSeverity: .warning),
        ]
    )
}

@Test func textGroupsByFileThenObjectWithSummary() {
    let text = ReportFormat.text.render(sampleReport(), color: false)
    #expect(text == """
    chart/Chart.yaml
      chart/Chart.yaml:3:10  error    chart-metadata  Chart.yaml: version "1.x" is not SemVer

    chart/templates/deploy.yaml
      Deployment/web
        chart/templates/deploy.yaml:1:1  warning  probes  container "app" has no readinessProbe (at spec.template.spec.containers[0])
        chart/templates/deploy.yaml:4:9  error    dns-1123-name  name "Web_<1>" & more is not DNS-1123

    2 errors, 1 warning, 0 info in 2 objects (3 files)

    """)
    #expect(!text.contains("\u{1B}["))
}

@Test func textColoursOnlyWhenAsked() {
    let text = ReportFormat.render(sampleReport(), format: .text, color: true)
    #expect(text.contains("\u{1B}[31merror"))
    #expect(text.contains("\u{1B}[33mwarning"))
    #expect(ReportFormat.shouldColor(isTerminal: true, environment: [:]))
    #expect(!ReportFormat.shouldColor(isTerminal: true, environment: ["NO_COLOR": "1"]))
    #expect(!ReportFormat.shouldColor(isTerminal: false, environment: [:]))
}

@Test func cleanReportSummaryIsGreenAndCountsObjects() {
    var r = sampleReport()
    r.findings = []
    #expect(ReportFormat.text.render(r) == "0 errors, 0 warnings, 0 info in 2 objects (3 files)\n")
    #expect(!r.fails(strict: true))
    #expect(sampleReport().fails(strict: false))
}

@Test func jsonHasStableDocumentedShape() throws {
    let json = ReportFormat.json.render(sampleReport(), toolVersion: "1.2.3")
    #expect(json == ReportFormat.json.render(sampleReport(), toolVersion: "1.2.3"))
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let summary = try #require(obj["summary"] as? [String: Int])
    #expect(summary == ["errors": 2, "warnings": 1, "info": 0, "objects": 2, "files": 3])
    let findings = try #require(obj["findings"] as? [[String: Any]])
    #expect(findings.map { $0["rule"] as? String } == ["chart-metadata", "probes", "dns-1123-name"])
    #expect(findings[1]["path"] as? String == "spec.template.spec.containers[0]")
    #expect((findings[1]["object"] as? [String: Any])?["namespace"] as? String == "prod")
    #expect(findings[0]["object"] is NSNull)
    #expect(json.hasPrefix("{\n  \"tool\": {\n    \"name\": \"tarsctl\",\n    \"version\": \"1.2.3\"\n  },"))
}

@Test func junitHasASuitePerFileAndACasePerObjectAndCheck() throws {
    let xml = ReportFormat.junit.render(sampleReport())
    #expect(xml.contains("<testsuites name=\"tarsctl\" tests=\"4\" failures=\"2\""))
    #expect(xml.contains("<testsuite name=\"chart/templates/deploy.yaml\" tests=\"2\" failures=\"1\""))
    #expect(xml.contains("<testsuite name=\"chart/templates/svc.yaml\" tests=\"1\" failures=\"0\""))
    #expect(xml.contains("<testcase name=\"Service/web: dns-1123-name\" classname=\"chart/templates/svc.yaml\" time=\"0\"/>"))
    #expect(xml.contains("<failure message=\"name &quot;Web_&lt;1&gt;&quot; &amp; more is not DNS-1123\" type=\"dns-1123-name\">"))
    #expect(xml.contains("<system-out>warning: chart/templates/deploy.yaml:1:1: container &quot;app&quot; has no readinessProbe</system-out>"))
    let strict = ReportFormat.junit.render(sampleReport().promotingWarnings())
    #expect(strict.contains("tests=\"4\" failures=\"3\""))
    #expect(JUnitReport.xml("a\u{1}b") == "a\u{FFFD}b")
}

@Test func sarifHasRulesResultsAndFingerprints() throws {
    let sarif = ReportFormat.sarif.render(sampleReport(), toolVersion: "1.2.3")
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
    #expect(obj["version"] as? String == "2.1.0")
    #expect((obj["$schema"] as? String)?.hasSuffix("sarif-schema-2.1.0.json") == true)
    let run = try #require((obj["runs"] as? [[String: Any]])?.first)
    let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    #expect(driver["name"] as? String == "tarsctl")
    let rules = try #require(driver["rules"] as? [[String: Any]])
    #expect(rules.map { $0["id"] as? String } == ["chart-metadata", "dns-1123-name", "probes"])
    #expect(rules[1]["name"] as? String == "Dns1123Name")
    let results = try #require(run["results"] as? [[String: Any]])
    #expect(results.count == 3)
    let probe = try #require(results.first { $0["ruleId"] as? String == "probes" })
    #expect(probe["ruleIndex"] as? Int == 2)
    #expect(probe["level"] as? String == "warning")
    #expect((probe["message"] as? [String: Any])?["text"] as? String == "Deployment/web: container \"app\" has no readinessProbe")
    let loc = try #require(((probe["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
    #expect((loc["artifactLocation"] as? [String: String]) == ["uri": "chart/templates/deploy.yaml", "uriBaseId": "%SRCROOT%"])
    #expect((loc["region"] as? [String: Int]) == ["startLine": 1, "endLine": 20, "startColumn": 1])
    #expect(loc["contextRegion"] == nil, "the probe finding already spans the whole object")
    let dns = try #require(results.first { $0["ruleId"] as? String == "dns-1123-name" })
    let dnsLoc = try #require(((dns["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
    #expect((dnsLoc["region"] as? [String: Int]) == ["startLine": 4, "endLine": 4, "startColumn": 9])
    #expect((dnsLoc["contextRegion"] as? [String: Int]) == ["startLine": 1, "endLine": 20])
    let fp = try #require((probe["partialFingerprints"] as? [String: String])?["tarsctl/v1"])
    #expect(fp.count == 16)
    // Moving the object keeps the fingerprint; another object changes it.
    var moved = sampleReport()
    moved.findings[0].location.line = 40
    #expect(ReportFormat.sarif.render(moved).contains(fp))
    #expect(SARIFReport.artifact("./a b/c.yaml") != nil)
    #expect(SARIFReport.encode("a b/ü.yaml") == "a%20b/%C3%BC.yaml")
}

@Test func mergeKeepsRulesOnceAndAddsChecksToKnownObjects() {
    var r = sampleReport()
    let web = ObjectRef(apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "prod")
    r.merge(ValidationReport(
        findings: [Finding(ruleID: "schema", severity: .error, message: "x", location: SourceLocation(file: "f", line: 1))],
        checked: [CheckedObject(object: web, location: SourceLocation(file: "chart/templates/deploy.yaml", line: 1), checks: ["schema"])],
        rules: [RuleDescription(id: "probes", shortDescription: "", fullDescription: "", help: "", defaultSeverity: .info)]))
    #expect(r.rules.count == 3)
    #expect(r.checked.count == 3)
    #expect(r.checked[1].checks == ["dns-1123-name", "probes", "schema"])
    #expect(r.findings.count == 4)
}

@Test func scoresAppearInEveryFormat() throws {
    var r = sampleReport()
    r.findings = []
    let web = ObjectRef(apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "prod")
    let job = ObjectRef(apiVersion: "batch/v1", kind: "Job", name: "migrate")
    r.scores = [
        ScoreEntry(object: web, location: SourceLocation(file: "chart/templates/deploy.yaml", line: 1), score: 3,
                   passed: ["ReadOnlyRootFilesystem", "RunAsNonRoot"], advise: ["ServiceAccountName"], minimum: 5),
        ScoreEntry(object: job, location: SourceLocation(file: "chart/templates/job.yaml", line: 2), score: -30,
                   critical: ["Privileged"]),
    ]
    #expect(r.scores.map(\.failed) == [true, true])
    let text = ReportFormat.text.render(r)
    #expect(text.contains("Scores\n  chart/templates/deploy.yaml:1  Deployment/web  score 3 (minimum 5)\n  chart/templates/job.yaml:2  Job/migrate  score -30  critical: Privileged\n"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(ReportFormat.json.render(r).utf8)) as? [String: Any])
    let scores = try #require(json["scores"] as? [[String: Any]])
    #expect(scores.map { $0["score"] as? Int } == [3, -30])
    #expect(scores[0]["minimum"] as? Int == 5 && scores[1]["minimum"] is NSNull)
    #expect(scores[1]["critical"] as? [String] == ["Privileged"])
    let xml = ReportFormat.junit.render(r)
    #expect(xml.contains("<testcase name=\"Job/migrate: score\" classname=\"chart/templates/job.yaml\" time=\"0\">\n      <failure message=\"score -30; critical: Privileged\" type=\"score\">"))
    #expect(xml.contains("<testsuite name=\"chart/templates/job.yaml\" tests=\"1\" failures=\"1\""))
    // A passing score is a passing testcase with the score in its output.
    r.scores[0].minimum = 1
    #expect(ReportFormat.junit.render(r).contains("<testcase name=\"Deployment/web: score\" classname=\"chart/templates/deploy.yaml\" time=\"0\">\n      <system-out>score 3 (minimum 1)</system-out>"))
}
