import ChartRender
import Foundation
import KubeClient
import Testing
@testable import Releases

/// The repository's own chart (T.A.R.S.) through the release model: render, split hooks,
/// record, store, read back.
@Suite struct TarsChartReleaseTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func renderedRelease() throws -> (Release, HookPlan.Result) {
        let chart = try Chart.load(directory: root)
        var options = RenderOptions()
        options.releaseName = "tars"
        options.namespace = "tars-dev"
        let devValues = try String(contentsOfFile: root + "/Values/dev.yaml", encoding: .utf8)
        if case .map(let m, _) = try YAMLValues.parse(devValues, file: "Values/dev.yaml") { options.userValues = m }
        let sorted = try ManifestSorter.sort(try ChartRenderer.render(chart, options: options))
        let plan = HookPlan.hooks(from: sorted.hooks)
        let release = Release(name: "tars", namespace: "tars-dev", version: 1,
                              info: ReleaseInfo(firstDeployed: GoTime(seconds: 1_790_000_000), lastDeployed: GoTime(seconds: 1_790_000_000),
                                                description: "Install complete", status: .deployed),
                              chart: ChartRecord(chart: chart),
                              config: ManifestObjects.json(.map(options.userValues)).objectValue ?? [:],
                              manifest: Release.manifestText(sorted.manifests), hooks: plan.hooks, applyMethod: "ssa")
        return (release, plan)
    }

    @Test func migrationAndTestHooksAreFoundAndOrdered() throws {
        let (release, plan) = try Self.renderedRelease()
        #expect(plan.warnings.isEmpty)
        let postInstall = HookPlan.ordered(release.hooks, for: .postInstall)
        #expect(postInstall.map(\.kind) == ["Job"])
        #expect(postInstall.first?.path == "tars/templates/migration-job.yaml")
        #expect(postInstall.first?.deletePolicies == [.beforeHookCreation, .hookSucceeded])
        #expect(HookPlan.ordered(release.hooks, for: .preUpgrade).map(\.name) == postInstall.map(\.name))
        #expect(HookPlan.ordered(release.hooks, for: .test).map(\.path) == ["tars/templates/test-connection.yaml"])
        #expect(!release.manifest.contains("helm.sh/hook:"))
    }

    @Test func chartRecordKeepsHelmsSplitOfFiles() async throws {
        let (release, _) = try Self.renderedRelease()
        let chart = try #require(release.chart)
        #expect(chart.name == "tars")
        #expect(chart.version == "0.4.0")
        #expect(chart.templates?.contains { $0.name == "templates/migration-job.yaml" } == true)
        #expect(chart.files?.contains { ["Chart.yaml", "Values/values.yaml"].contains($0.name) } == false)
        #expect(chart.values?.objectValue?.isEmpty == false)
        #expect(release.config.isEmpty == false)
    }

    @Test func theRecordFitsInASecretAndReadsBack() async throws {
        let (release, _) = try Self.renderedRelease()
        let secret = try ReleaseSecret.encode(release, write: .create)
        let wire = try #require(secret[path: ["data", "release"]]?.stringValue)
        // A Secret holds at most 1 MiB of data (decoded from the wire form once).
        #expect(wire.utf8.count * 3 / 4 < 1 << 20)
        let back = try ReleaseSecret.decode(secret)
        #expect(back.manifest == release.manifest)
        #expect(back.hooks == release.hooks)
        #expect(ReleaseCodec.encode(back) == ReleaseCodec.encode(release))
        let read = try await helmFormatScript("decode", secret)
        #expect(read["problems"] == [])
        #expect(read[path: ["release", "manifest"]]?.stringValue == release.manifest)
        let objects = try ManifestObjects.parse(release.manifest)
        #expect(objects.contains { ObjectKey($0).description == "Deployment/tars-backend" })
    }
}
