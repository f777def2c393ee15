import Foundation
import TestSupport
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
func templateMatchesGolden(_ c: GoldenCase) async throws {
    let r = try await CLI.run(["template", "rel", Repo.path(c.chart)] + c.args)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let golden = Repo.path("Tests/Charts/golden/\(c.name).yaml")
    if ProcessInfo.processInfo.environment["RECORD"] == "1" {
        try Data(r.stdout.utf8).write(to: URL(fileURLWithPath: golden))
        return
    }
    let want = try String(contentsOfFile: golden, encoding: .utf8)
    #expect(r.stdout == want, "output differs from \(golden); re-record with RECORD=1 if the change is intended")
}

@Test func schemaViolationInTheTestChartNamesEveryPath() async throws {
    let r = try await CLI.run(["template", "rel", Repo.path("Tests/Charts/umbrella"), "--set", "backend.replicas=0",
                         "--set", "note=this note is far too long for the schema of the chart"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("umbrella:\n- backend.replicas: Must be greater than or equal to 1\n- note: String length must be less than or equal to 40"), "\(r.stderr)")
}

/// Runs `tar` the way a chart author packages a chart (`helm package` writes the same layout:
/// one top directory named after the chart).
private func tarGz(_ source: URL, into archive: URL) async throws {
    let r = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                 ["tar", "-czf", archive.path, "-C", source.deletingLastPathComponent().path, source.lastPathComponent])
    #expect(r.status == 0, "tar: \(r.stderrText)")
}

@Test func packagedChartsRenderLikeTheirDirectories() async throws {
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-tgz-\(getpid())")
    try? FileManager.default.removeItem(at: tmp)
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: tmp) }
    let want = try String(contentsOfFile: Repo.path("Tests/Charts/golden/umbrella-default.yaml"), encoding: .utf8)

    // CHART given as a .tgz.
    let archive = tmp.appendingPathComponent("umbrella-1.0.0.tgz")
    try await tarGz(URL(fileURLWithPath: Repo.path("Tests/Charts/umbrella")), into: archive)
    let packaged = try await CLI.run(["template", "rel", archive.path])
    #expect(packaged.status == 0, "stderr: \(packaged.stderr)")
    #expect(packaged.stdout == want)

    // Subcharts held as .tgz archives in charts/.
    let copy = tmp.appendingPathComponent("umbrella")
    try FileManager.default.copyItem(at: URL(fileURLWithPath: Repo.path("Tests/Charts/umbrella")), to: copy)
    for sub in ["backend", "cache", "common"] {
        let dir = copy.appendingPathComponent("charts/\(sub)")
        try await tarGz(dir, into: copy.appendingPathComponent("charts/\(sub)-0.1.0.tgz"))
        try FileManager.default.removeItem(at: dir)
    }
    let withArchives = try await CLI.run(["template", "rel", copy.path])
    #expect(withArchives.status == 0, "stderr: \(withArchives.stderr)")
    #expect(withArchives.stdout == want)

    // A truncated archive is an error naming the file, not a crash.
    let broken = tmp.appendingPathComponent("broken.tgz")
    let bytes = try Data(contentsOf: archive)
    try bytes.prefix(bytes.count / 2).write(to: broken)
    let bad = try await CLI.run(["template", "rel", broken.path])
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("broken.tgz"), "\(bad.stderr)")
}
