import Foundation
import Testing
@testable import Validation

/// The security scan through the shared report formats, from lint's rendered documents.
@Suite struct SecurityReportBridgeTests {
    static let rendered = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              hostNetwork: true
              containers: [{name: app, image: 'nginx:1.25'}]
        ---
        - not: an object
        """

    @Test func renderedDocumentsBecomeScannedObjectsWithTheirLines() {
        let docs = RenderedDocument.split(Self.rendered, file: "chart/templates/all.yaml", template: "chart/templates/all.yaml")
        let objects = SecurityScanner.objects(from: docs)
        #expect(objects.map(\.ref.display) == ["ConfigMap/settings", "Deployment/web"])
        #expect(objects.map(\.location.line) == [1, 5])
        #expect(objects.map(\.location.endLine) == [3, 14])
    }

    @Test func reportCarriesFindingsScoresRulesAndCheckedObjects() throws {
        let docs = RenderedDocument.split(Self.rendered, file: "all.yaml", template: "all.yaml")
        let scanner = SecurityScanner(options: SecurityOptions(skip: ["latest-tag"], minScore: 1))
        let report = scanner.validationReport(SecurityScanner.objects(from: docs))
        #expect(report.scores.map(\.score) == [-9])
        #expect(report.scores.first?.critical == ["HostNetwork"])
        #expect(report.scores.first?.minimum == 1)
        #expect(report.checked.map(\.label) == ["ConfigMap/settings", "Deployment/web"])
        let web = try #require(report.checked.last)
        #expect(web.checks.contains("HostNetwork") && web.checks.contains("host-network") && web.checks.contains("min-score"))
        #expect(!web.checks.contains("latest-tag") && !web.checks.contains("dangling-service"))
        #expect(report.checked.first?.checks == ["no-extensions-v1beta"])
        #expect(Set(report.rules.map(\.id)) == SecurityScanner.ruleIDs)
        #expect(report.fails(strict: false))

        let sarif = ReportFormat.sarif.render(report)
        #expect(sarif.contains("\"ruleId\":\"HostNetwork\"") || sarif.contains("\"ruleId\": \"HostNetwork\""))
        let junit = ReportFormat.junit.render(report)
        #expect(junit.contains("score -9"))
        let text = ReportFormat.text.render(report)
        #expect(text.contains("Deployment/web  score -9"))
    }
}
