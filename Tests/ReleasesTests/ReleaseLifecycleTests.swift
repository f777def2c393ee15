import ChartRender
import Foundation
import KubeClient
import Sandbox
import Testing
@testable import Releases

/// Watch events seen during an operation, with their resourceVersions (the sandbox's are one
/// cluster-wide counter, so they order events across kinds).
actor EventLog {
    struct Entry { var type: String; var kind: String; var name: String; var rv: Int64 }
    var entries: [Entry] = []
    func add(_ e: WatchEvent) {
        entries.append(Entry(type: e.type.rawValue, kind: e.object["kind"]?.stringValue ?? "", name: e.object[path: ["metadata", "name"]]?.stringValue ?? "",
                             rv: Int64(e.object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? -1))
    }
    func all() -> [Entry] { entries }
}

func record(_ client: KubeClient, _ apiVersion: String, _ kind: String, namespace: String, into log: EventLog) -> Task<Void, Never> {
    Task {
        do {
            for try await e in client.watch(apiVersion: apiVersion, kind: kind, namespace: namespace) { await log.add(e) }
        } catch {}
    }
}

@Suite(.serialized) struct ReleaseLifecycleTests {
    static let stagingSets = ["secrets.jwtSecretKey=staging-jwt-signing-key-0123456789abcdef", "secrets.postgresPassword=staging-pg-password-0123",
                              "ingress.host=staging.example.com", "certManager.enabled=false", "ollama.enabled=false"]

    /// Acceptance 1: install (dev) → upgrade (staging) → rollback 1 → uninstall --keep-history.
    @Test func tarsChartInstallUpgradeRollbackUninstall() async throws {
        let h = try await ActionsHarness.start()
        let ns = "tars"
        let chart = try Chart.load(path: repositoryRoot)
        var options = fastOptions()
        options.createNamespace = true

        // install
        let jobs = EventLog()
        let installWatch = record(h.client, "batch/v1", "Job", namespace: ns, into: jobs)
        let deploys = EventLog()
        try await Task.sleep(for: .milliseconds(100))
        let r1 = try await h.engine.install(name: "tars", namespace: ns, chart: chart, values: try tarsValues("dev.yaml"), options: options)
        #expect(r1.version == 1)
        #expect(r1.status == .deployed)
        #expect(r1.info?.description == "Install complete")
        let backend = try #require(try await h.get("apps/v1", "Deployment", "tars-backend", namespace: ns))
        #expect(backend[path: ["metadata", "annotations", "meta.helm.sh/release-name"]] == "tars")
        #expect(backend[path: ["metadata", "annotations", "meta.helm.sh/release-namespace"]] == .string(ns))
        #expect(backend[path: ["metadata", "labels", "app.kubernetes.io/managed-by"]] == "Helm")
        #expect(backend[path: ["spec", "replicas"]] == .int(1))
        #expect((backend[path: ["metadata", "managedFields"]]?.arrayValue ?? []).contains { $0["manager"] == "tarsctl" && $0["operation"] == "Apply" })
        #expect(Readiness.evaluate(backend) == .ready)
        #expect(try await h.get("apps/v1", "Deployment", "tars-ollama", namespace: ns) != nil)
        #expect(try await h.get("v1", "Secret", "tars-secrets", namespace: ns) != nil)
        // post-install migration: ran (Job created, completed) and deleted by hook-succeeded.
        #expect(try await h.get("batch/v1", "Job", "tars-migrate", namespace: ns) == nil)
        let migrate = try #require(r1.hooks.first { $0.name == "tars-migrate" })
        #expect(migrate.lastRun.phase == "Succeeded")
        try await Task.sleep(for: .milliseconds(200))
        let installJobEvents = await jobs.all().filter { $0.name == "tars-migrate" }
        #expect(installJobEvents.first?.type == "ADDED")
        #expect(installJobEvents.last?.type == "DELETED")
        installWatch.cancel()
        var history = try await h.engine.history(name: "tars", namespace: ns)
        #expect(history.map(\.version) == [1])
        #expect(history.map(\.status) == [.deployed])
        // The record is a Helm Secret.
        let secret = try #require(try await h.get("v1", "Secret", "sh.helm.release.v1.tars.v1", namespace: ns))
        #expect(secret["type"] == "helm.sh/release.v1")
        #expect(secret[path: ["metadata", "labels", "status"]] == "deployed")

        // upgrade with staging values: pre-upgrade migration before any workload changes.
        let upgradeJobs = EventLog()
        let w1 = record(h.client, "batch/v1", "Job", namespace: ns, into: upgradeJobs)
        let w2 = record(h.client, "apps/v1", "Deployment", namespace: ns, into: deploys)
        try await Task.sleep(for: .milliseconds(300))
        let up = try await h.engine.upgrade(name: "tars", namespace: ns, chart: chart, values: try tarsValues("staging.yaml", Self.stagingSets), options: options)
        try await Task.sleep(for: .milliseconds(200))
        w1.cancel(); w2.cancel()
        #expect(!up.unchanged)
        #expect(up.release.version == 2)
        history = try await h.engine.history(name: "tars", namespace: ns)
        #expect(history.map(\.status) == [.superseded, .deployed])
        let jobAdded = try #require(await upgradeJobs.all().first { $0.name == "tars-migrate" && $0.type == "ADDED" })
        let firstDeploymentChange = try #require(await deploys.all().filter { $0.type != "ADDED" }.map(\.rv).min())
        #expect(jobAdded.rv < firstDeploymentChange, "the pre-upgrade migration Job must be created before any Deployment changes")
        #expect(try await h.get("apps/v1", "Deployment", "tars-backend", namespace: ns)?[path: ["spec", "replicas"]] == .int(2))
        // ollama is no longer rendered: pruned (its PVC carries helm.sh/resource-policy: keep).
        #expect(try await h.get("apps/v1", "Deployment", "tars-ollama", namespace: ns) == nil)
        #expect(try await h.get("v1", "Service", "tars-ollama", namespace: ns) == nil)
        #expect(try await h.get("v1", "PersistentVolumeClaim", "tars-ollama", namespace: ns) != nil)
        #expect(try await h.get("policy/v1", "PodDisruptionBudget", "tars-backend", namespace: ns) != nil)

        // rollback to 1: revision 3 carries revision 1's manifest; ollama is back.
        let r3 = try await h.engine.rollback(name: "tars", namespace: ns, revision: 1, options: options)
        #expect(r3.version == 3)
        #expect(r3.manifest == r1.manifest)
        #expect(r3.info?.description == "Rollback to 1")
        history = try await h.engine.history(name: "tars", namespace: ns)
        #expect(history.map(\.status) == [.superseded, .superseded, .deployed])
        #expect(try await h.get("apps/v1", "Deployment", "tars-ollama", namespace: ns) != nil)
        #expect(try await h.get("apps/v1", "Deployment", "tars-backend", namespace: ns)?[path: ["spec", "replicas"]] == .int(1))
        #expect(try await h.get("policy/v1", "PodDisruptionBudget", "tars-backend", namespace: ns) == nil)

        // uninstall --keep-history: objects gone, records kept, the last one uninstalled.
        options.keepHistory = true
        let gone = try await h.engine.uninstall(name: "tars", namespace: ns, options: options)
        #expect(gone.status == .uninstalled)
        #expect(try await h.get("apps/v1", "Deployment", "tars-backend", namespace: ns) == nil)
        #expect(try await h.get("v1", "ConfigMap", "tars-config", namespace: ns) == nil)
        history = try await h.engine.history(name: "tars", namespace: ns)
        #expect(history.map(\.status) == [.superseded, .superseded, .uninstalled])
        await h.stop()
    }

    static let hookChart: [String: String] = [
        "values.yaml": "message: one\nfailHook: false\n",
        "templates/config.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app-config
        data:
          message: {{ .Values.message | quote }}
        """,
        "templates/deploy.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          replicas: 1
          selector:
            matchLabels: {app: app}
          template:
            metadata:
              labels: {app: app}
            spec:
              containers:
                - name: app
                  image: "nginx:{{ .Values.message }}"
        """,
        "templates/hooks.yaml": """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: app-pre-upgrade
          annotations:
            helm.sh/hook: pre-upgrade
            helm.sh/hook-delete-policy: before-hook-creation
        spec:
          backoffLimit: 0
          template:
            metadata:
              annotations:
                sandbox.tarsctl.dev/fail: {{ .Values.failHook | quote }}
            spec:
              restartPolicy: Never
              containers: [{name: m, image: busybox}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: app-pre-delete
          annotations:
            helm.sh/hook: pre-delete
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: m, image: busybox}]
        """,
    ]

    /// Acceptance 2: a failing pre-upgrade hook with --rollback-on-failure ends on the previous
    /// manifest; without it the revision is failed and the next upgrade works.
    @Test func failingHookRollsBackOrLeavesAFailedRevision() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", Self.hookChart)
        var options = fastOptions()
        _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: options)

        options.rollbackOnFailure = true
        let failing: [String: Value] = ["message": .string("two"), "failHook": .bool(true)]
        let error = await #expect(throws: ReleaseActionError.self) {
            _ = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: failing, options: options)
        }
        #expect(error?.kind == .failed)
        #expect(error?.description.contains("pre-upgrade hook Job/app-pre-upgrade failed") == true)
        #expect(error?.description.contains("BackoffLimitExceeded") == true)
        #expect(error?.description.contains("Rolled back to revision 1 as revision 3") == true)
        var history = try await h.engine.history(name: "app", namespace: "default")
        #expect(history.map(\.status) == [.superseded, .failed, .deployed])
        #expect(history.last?.manifest == history.first?.manifest)
        #expect(try await h.get("v1", "ConfigMap", "app-config")?[path: ["data", "message"]] == "one")

        // Without rollback: revision 4 failed, then a fixed upgrade succeeds with no manual step.
        options.rollbackOnFailure = false
        await #expect(throws: ReleaseActionError.self) {
            _ = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: failing, options: options)
        }
        history = try await h.engine.history(name: "app", namespace: "default")
        #expect(history.map(\.status) == [.superseded, .failed, .deployed, .failed])
        #expect(!history.contains { $0.status.isPending })
        let fixed = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: ["message": .string("three")], options: options)
        #expect(fixed.release.version == 5)
        #expect(fixed.release.status == .deployed)
        #expect(try await h.get("v1", "ConfigMap", "app-config")?[path: ["data", "message"]] == "three")
        history = try await h.engine.history(name: "app", namespace: "default")
        #expect(history.map(\.status) == [.superseded, .failed, .superseded, .failed, .deployed])

        // uninstall: the pre-delete hook runs (its Job stays: no delete policy) and objects go.
        let gone = try await h.engine.uninstall(name: "app", namespace: "default", options: options)
        #expect(gone.hooks.first { $0.name == "app-pre-delete" }?.lastRun.phase == "Succeeded")
        let hookJob = try #require(try await h.get("batch/v1", "Job", "app-pre-delete"))
        #expect(Readiness.evaluate(hookJob) == .ready)
        #expect(try await h.get("v1", "ConfigMap", "app-config") == nil)
        #expect(try await h.get("apps/v1", "Deployment", "app") == nil)
        #expect(try await h.engine.history(name: "app", namespace: "default").isEmpty)
        await h.stop()
    }

    /// A no-change upgrade records nothing and says so; --force records a revision.
    @Test func noChangeUpgradeRecordsNoRevision() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", Self.hookChart)
        var options = fastOptions()
        _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: options)
        let same = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: [:], options: options)
        #expect(same.unchanged)
        #expect(same.release.version == 1)
        #expect(h.logLines.all.contains { $0.hasPrefix("no changes") })
        #expect(try await h.engine.history(name: "app", namespace: "default").count == 1)
        let diff = try await h.engine.diffUpgrade(name: "app", namespace: "default", chart: chart, values: [:], options: options, diffOptions: DiffOptions(desiredLabel: "upgrade"))
        #expect(diff.render() == "no changes\n")
        options.force = true
        let forced = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: [:], options: options)
        #expect(!forced.unchanged)
        #expect(forced.release.version == 2)
        await h.stop()
    }

    /// --history-max keeps the newest revisions only.
    @Test func historyMaxDropsTheOldestRecords() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", Self.hookChart)
        var options = fastOptions()
        options.historyMax = 2
        _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: options)
        for m in ["two", "three", "four"] {
            _ = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: ["message": .string(m)], options: options)
        }
        let history = try await h.engine.history(name: "app", namespace: "default")
        #expect(history.map(\.version) == [3, 4])
        #expect(history.map(\.status) == [.superseded, .deployed])
        #expect(try await h.get("v1", "Secret", "sh.helm.release.v1.app.v1") == nil)
        await h.stop()
    }

    /// --reuse-values merges the new values over the last revision's; the default resets them.
    @Test func reuseValuesKeepsEarlierUserValues() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", Self.hookChart)
        var options = fastOptions()
        _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: ["message": .string("kept")], options: options)
        options.reuseValues = true
        let reused = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: ["failHook": .bool(false)], options: options)
        #expect(reused.release.config["message"] == "kept")
        #expect(try await h.get("v1", "ConfigMap", "app-config")?[path: ["data", "message"]] == "kept")
        options.reuseValues = false
        _ = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: ["failHook": .bool(false)], options: options)
        #expect(try await h.get("v1", "ConfigMap", "app-config")?[path: ["data", "message"]] == "one")
        await h.stop()
    }

    /// Acceptance 3: a Deployment that never becomes ready ends in a timeout error (exit code 4)
    /// within the timeout, naming it and why; the revision is failed, not pending.
    @Test func neverReadyDeploymentTimesOutNamingIt() async throws {
        let h = try await ActionsHarness.start()
        var files = Self.hookChart
        files["templates/slow.yaml"] = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: slow
        spec:
          selector:
            matchLabels: {app: slow}
          template:
            metadata:
              labels: {app: slow}
              annotations:
                sandbox.tarsctl.dev/never-ready: "true"
            spec:
              containers: [{name: s, image: nginx}]
        """
        let chart = try h.chart("slow", files)
        let options = fastOptions(timeout: .seconds(2))
        let start = ContinuousClock.now
        let error = await #expect(throws: ReleaseActionError.self) {
            _ = try await h.engine.install(name: "slow", namespace: "default", chart: chart, values: [:], options: options)
        }
        let took = ContinuousClock.now - start
        // It gave up because of the 2 s timeout, not the 5 min default: at least 2 s, and far
        // less than the default even when a loaded CI machine delays everything by seconds.
        #expect(took >= .seconds(2) && took < .seconds(60))
        #expect(error?.kind == .timeout)
        #expect(error?.exitCode == 4)
        #expect(error?.description.contains("Deployment/slow") == true)
        #expect(error?.description.contains("0 of 1 updated replicas available") == true)
        #expect(error?.description.contains("Deployment/app") == false)
        let history = try await h.engine.history(name: "slow", namespace: "default")
        #expect(history.map(\.status) == [.failed])
        await h.stop()
    }
}
