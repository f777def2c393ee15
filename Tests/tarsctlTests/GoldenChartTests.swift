import Foundation
import Testing

/// `tarsctl template` of the test charts, compared byte for byte with golden files in Helm's
/// format. Re-record with `RECORD=1 swift test --filter Golden` and review the diff.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    let name: String
    let chart: String
    var args: [String] = []
    var testDescription: String { name }
}

enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ rel: String) -> String { root.appendingPathComponent(rel).path }
}

let goldenCases: [GoldenCase] = [
    GoldenCase(name: "umbrella-default", chart: "Tests/Charts/umbrella"),
    GoldenCase(name: "umbrella-set-precedence", chart: "Tests/Charts/umbrella",
               args: ["-f", Repo.path("Tests/Charts/umbrella-overrides.yaml"), "--set", "backend.replicas=7,note=from-set",
                      "--set-string", "worker.mode=007", "--set", "tags.monitoring=true", "--set", "global.cacheEverywhere=true",
                      "--kube-version", "1.29.3", "--api-versions", "example.com/v1", "-n", "team-a"]),
    GoldenCase(name: "umbrella-backend-disabled", chart: "Tests/Charts/umbrella", args: ["--set", "backend.enabled=false"]),
    GoldenCase(name: "umbrella-show-only", chart: "Tests/Charts/umbrella", args: ["--show-only", "charts/worker/templates/deployment.yaml"]),
]

@Test(arguments: goldenCases)
func templateMatchesGolden(_ c: GoldenCase) throws {
    let r = try CLI.run(["template", "rel", Repo.path(c.chart)] + c.args)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let golden = Repo.path("Tests/Charts/golden/\(c.name).yaml")
    if ProcessInfo.processInfo.environment["RECORD"] == "1" {
        try Data(r.stdout.utf8).write(to: URL(fileURLWithPath: golden))
        return
    }
    let want = try String(contentsOfFile: golden, encoding: .utf8)
    #expect(r.stdout == want, "output differs from \(golden); re-record with RECORD=1 if the change is intended")
}

@Test func schemaViolationInTheTestChartNamesEveryPath() throws {
    let r = try CLI.run(["template", "rel", Repo.path("Tests/Charts/umbrella"), "--set", "backend.replicas=0",
                         "--set", "note=this note is far too long for the schema of the chart"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("umbrella:\n- backend.replicas: Must be greater than or equal to 1\n- note: String length must be less than or equal to 40"), "\(r.stderr)")
}
