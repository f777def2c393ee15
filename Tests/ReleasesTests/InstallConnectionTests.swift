import ChartRender
import Foundation
import Sandbox
import Testing
@testable import Releases

/// What HTTP/2 buys an install: the whole T.A.R.S. install (warm-up, parallel applies, the
/// post-install hook Job, waiting for readiness) travels on one TLS connection. Against an
/// HTTP/1.1-only sandbox the client needs one per request in flight (`tarsctl install` opened 9:
/// 8 warmed up for the parallel applies, plus one; counted with strace).
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

    @Test func overHTTP11OnlyTheSameInstallOpensSeveral() async throws {
        let h = try await ActionsHarness.start(http2: false)
        let chart = try Chart.load(path: repositoryRoot)
        var options = fastOptions()
        options.createNamespace = true
        let release = try await h.engine.install(name: "tars", namespace: "tars", chart: chart, values: try tarsValues("dev.yaml"), options: options)
        #expect(release.status == .deployed)
        let accepted = h.sandbox.acceptedConnections
        print("T.A.R.S. install against an HTTP/1.1-only sandbox: accepted \(accepted)")
        #expect(accepted["h2"] == nil)
        #expect((accepted["http/1.1"] ?? 0) > 1)
        await h.stop()
    }
}
