import ChartRender
import KubeClient
import Testing
@testable import Releases

@Suite struct ValuesReuseTests {
    static var current: Release {
        var r = Release(name: "tars", namespace: "default", version: 3)
        r.config = ["image": ["tag": "v1"], "replicas": 2]
        r.chart = ChartRecord(values: ["replicas": 1, "image": ["repo": "old/repo", "tag": "latest"]])
        return r
    }

    static func json(_ v: [String: Value]?) -> JSON? { v.map { .object(ValuesJSON.json($0)) } }

    @Test func eachFlagChoosesValuesAsHelmDoes() {
        let given: [String: Value] = ["image": .map(["tag": .string("v2")])]
        // No values and no flag: the current values carry over.
        #expect(Self.json(ValuesReuse.automatic.resolve(given: [:], current: Self.current).user) == ["image": ["tag": "v1"], "replicas": 2])
        #expect(Self.json(ValuesReuse.automatic.resolve(given: given, current: Self.current).user) == ["image": ["tag": "v2"]])
        #expect(Self.json(ValuesReuse.reset.resolve(given: [:], current: Self.current).user) == [:])
        let reuse = ValuesReuse.reuse.resolve(given: given, current: Self.current)
        #expect(Self.json(reuse.user) == ["image": ["tag": "v2"], "replicas": 2])
        #expect(Self.json(reuse.chartDefaults) == ["image": ["repo": "old/repo", "tag": "v1"], "replicas": 2])
        let resetThenReuse = ValuesReuse.resetThenReuse.resolve(given: ["replicas": .null], current: Self.current)
        #expect(Self.json(resetThenReuse.user) == ["image": ["tag": "v1"]])
        #expect(resetThenReuse.chartDefaults == nil)
        #expect(Self.json(ValuesReuse.reuse.resolve(given: given, current: nil).user) == ["image": ["tag": "v2"]])
    }
}

@Suite struct WaitReportTests {
    @Test func progressAndTimeoutNameEachObjectNotReady() {
        let report = WaitReport([
            .init(key: ObjectKey(apiVersion: "apps/v1", kind: "Deployment", namespace: "a", name: "web"),
                  readiness: .inProgress("0 of 1 updated replicas available")),
            .init(key: ObjectKey(apiVersion: "v1", kind: "Service", namespace: "a", name: "web"), readiness: .ready),
            .init(key: ObjectKey(apiVersion: "batch/v1", kind: "Job", namespace: "a", name: "migrate"),
                  readiness: .failed("Job failed: BackoffLimitExceeded")),
        ])
        #expect(!report.allReady)
        #expect(report.progressLines == ["Deployment/web: 0 of 1 updated replicas available",
                                         "Job/migrate: failed: Job failed: BackoffLimitExceeded"])
        #expect(report.timeoutMessage(after: 300) == """
            timed out after 5m0s waiting for 2 of 3 objects to become ready:
              Deployment/web: 0 of 1 updated replicas available
              Job/migrate: failed: Job failed: BackoffLimitExceeded
            """)
        #expect(report.failureMessage == "Job/migrate: failed: Job failed: BackoffLimitExceeded")
        #expect(WaitReport([]).allReady)
        #expect(WaitReport.duration(3723) == "1h2m3s")
    }
}

@Suite struct ReleaseListFilterTests {
    static func r(_ name: String, _ ns: String, _ v: Int, _ s: ReleaseStatus) -> Release {
        Release(name: name, namespace: ns, version: v, info: ReleaseInfo(status: s))
    }

    static let records = [
        r("web", "a", 1, .superseded), r("web", "a", 2, .deployed), r("api", "a", 1, .deployed), r("api", "a", 2, .failed),
        r("db", "b", 1, .pendingInstall), r("old", "b", 3, .uninstalled), r("web", "b", 1, .deployed),
    ]

    static func shown(_ f: ReleaseListFilter) throws -> [String] {
        try f.apply(records).map { "\($0.namespace)/\($0.name):\($0.version)" }
    }

    @Test func newestRevisionPerReleaseFilteredByStateAndName() throws {
        #expect(try Self.shown(ReleaseListFilter()) == ["a/api:2", "a/web:2", "b/web:1"])
        #expect(try Self.shown(ReleaseListFilter(pending: true)) == ["b/db:1"])
        #expect(try Self.shown(ReleaseListFilter(all: true)) == ["a/api:2", "b/db:1", "b/old:3", "a/web:2", "b/web:1"])
        #expect(try Self.shown(ReleaseListFilter(superseded: true)) == [])
        #expect(try Self.shown(ReleaseListFilter(uninstalled: true, namePattern: "^o")) == ["b/old:3"])
        #expect(try Self.shown(ReleaseListFilter(namePattern: "we")) == ["a/web:2", "b/web:1"])
        #expect(throws: ReleaseListFilter.PatternError.self) { try ReleaseListFilter(namePattern: "(").apply(Self.records) }
    }
}

@Suite struct WaitModeTests {
    @Test func flagValuesAndTargets() throws {
        #expect(try WaitMode(flag: nil) == .watcher)
        #expect(try WaitMode(flag: "") == .watcher)
        #expect(try WaitMode(flag: "hookOnly") == .hookOnly)
        #expect(try WaitMode(flag: "legacy") == .legacy)
        #expect(throws: WaitModeError.self) { try WaitMode(flag: "true") }
        #expect("\(WaitModeError(value: "true"))" == "invalid value \"true\" for --wait: use watcher, hookOnly, legacy (a bare --wait means watcher)")
        let objects: [JSON] = [["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"]],
                               ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "once"]]]
        #expect(WaitMode.watcher.targets(objects, waitForJobs: false).map { ObjectKey($0).description } == ["Deployment/web"])
        #expect(WaitMode.legacy.targets(objects, waitForJobs: true).count == 2)
        #expect(WaitMode.hookOnly.targets(objects, waitForJobs: true).isEmpty)
    }
}
