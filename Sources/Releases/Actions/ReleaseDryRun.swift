import ChartRender
import KubeClient

/// `--dry-run=client` and `--dry-run=server` (Helm 4): what a command would record, without
/// changing the cluster.
public enum ClientDryRun {
    /// The release an install would record, rendered locally; the cluster is not contacted.
    public static func install(name: String, namespace: String, chart: Chart, values: [String: Value], labels: [String: String] = [:],
                               applyMethod: String = "ssa") throws -> Release {
        let rendered = try ReleaseRenderer.render(chart: chart, releaseName: name, namespace: namespace, values: values, revision: 1, isUpgrade: false)
        let now = GoTime.now()
        return Release(name: name, namespace: namespace, version: 1,
                       info: ReleaseInfo(firstDeployed: now, lastDeployed: now, description: "Dry run complete", status: .pendingInstall, notes: rendered.notes),
                       chart: rendered.chart, config: rendered.config, manifest: rendered.manifest, hooks: rendered.hooks, applyMethod: applyMethod, labels: labels)
    }
}

extension ReleaseEngine {
    /// Server-side dry-run apply of a dry-run release's manifest: the API server validates and
    /// defaults every object (admission included) and persists nothing.
    public func serverDryRun(_ release: Release, options: ReleaseActionOptions) async throws {
        try await explained("dry-run", release.name) {
            // The release's apply method: client-side dry runs create or patch with dryRun=All.
            let ops = self.ops(release.name, release.namespace, options, clientSide: release.applyMethod == "csa")
            let desired = try await ops.prepare(ManifestObjects.parse(release.manifest), markOwnership: true)
            try await ops.apply(desired.filter { $0["kind"]?.stringValue != "CustomResourceDefinition" }, dryRun: true)
        }
    }
}
