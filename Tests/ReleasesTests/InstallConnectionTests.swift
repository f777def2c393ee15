import ChartRender
import Foundation
import Sandbox
import Testing
@testable import Releases

/// What HTTP/2 buys an install: the whole T.A.R.S. install (warm-up, parallel applies, the
/// post-install hook Job, waiting for readiness) travels on one TLS connection. Against the
/// HTTP/1.1-only sandbox, `tarsctl install` of this chart opened 9 (8 warmed up for the parallel
/// applies, plus one; counted with strace).
@Suite struct InstallConnectionTests {
    @Test func tarsInstallNeedsOneH2Connection() async throws {
        let h = try await ActionsHarness.start()
        let chart = try Chart.load(path: repositoryRoot)
        var options = fastOptions()
        options.createNamespace = true
        let release = try await h.engine.install(name: "tars", namespace: "tars", chart: chart, values: try tarsValues("dev.yaml"), options: options)
        #expect(release.status == .deployed)
        #expect(release.hooks.contains { $0.name == "tars-migrate" })
        #expect(h.sandbox.acceptedConnections == ["h2": 1])
        await h.stop()
    }
}
