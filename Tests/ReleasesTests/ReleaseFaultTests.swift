import ChartRender
import Foundation
import KubeClient
import Sandbox
import Testing
@testable import Releases

/// Acceptance 4 (interruptions, lost connections, concurrent upgrades) and 5 (a record Helm wrote).
@Suite(.serialized) struct ReleaseFaultTests {
    static let slowFiles: [String: String] = {
        var f = ReleaseLifecycleTests.hookChart
        f["templates/slow.yaml"] = """
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
                sandbox.tarsctl.dev/never-ready: {{ .Values.neverReady | default "true" | quote }}
            spec:
              containers: [{name: s, image: nginx}]
        """
        return f
    }()

    /// Cancelling the task (what SIGINT/SIGTERM do in the CLI) during the wait ends with the
    /// revision failed, and a later upgrade works without a manual step.
    @Test func interruptedWaitMarksTheRevisionFailed() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("slow", Self.slowFiles)
        let engine = h.engine
        let task = Task { try await engine.install(name: "slow", namespace: "default", chart: chart, values: [:], options: fastOptions(timeout: .seconds(60))) }
        // Let it reach the wait.
        for _ in 0..<100 where !h.logLines.all.contains(where: { $0.hasPrefix("waiting for") }) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(h.logLines.all.contains { $0.hasPrefix("waiting for") })
        task.cancel()
        let result = await task.result
        guard case .failure(let error as ReleaseActionError) = result else {
            Issue.record("expected the install to be interrupted, got \(result)")
            await h.stop()
            return
        }
        #expect(error.kind == .interrupted)
        #expect(error.description.contains("interrupted"))
        #expect(error.description.contains("Revision 1 is marked failed"))
        #expect(try await h.engine.history(name: "slow", namespace: "default").map(\.status) == [.failed])
        let fixed = try await h.engine.upgrade(name: "slow", namespace: "default", chart: chart, values: ["neverReady": .string("false")], options: fastOptions())
        #expect(fixed.release.status == .deployed)
        #expect(try await h.engine.history(name: "slow", namespace: "default").map(\.status) == [.failed, .deployed])
        await h.stop()
    }

    /// The final "deployed" write is conditional on the pending record it wrote: when someone
    /// else changed that record meanwhile, the operation reports it instead of overwriting.
    @Test func aRecordChangedDuringTheWaitIsNotOverwritten() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("slow", Self.slowFiles)
        let engine = h.engine
        let task = Task { try await engine.install(name: "slow", namespace: "default", chart: chart, values: [:], options: fastOptions(timeout: .seconds(60))) }
        for _ in 0..<200 where !h.logLines.all.contains(where: { $0.hasPrefix("waiting for") }) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(h.logLines.all.contains { $0.hasPrefix("waiting for") })
        // Another hand touches the pending record, then the Deployment becomes ready.
        _ = try await h.client.patch(apiVersion: "v1", kind: "Secret", namespace: "default", name: "sh.helm.release.v1.slow.v1",
                                     patch: ["metadata": ["labels": ["touched": "elsewhere"]]])
        _ = try await h.client.patch(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "slow",
                                     patch: ["spec": ["template": ["metadata": ["annotations": ["sandbox.tarsctl.dev/never-ready": "false"]]]]])
        let result = await task.result
        guard case .failure(let error as ReleaseActionError) = result else {
            Issue.record("expected the install to refuse overwriting the changed record, got \(result)")
            await h.stop()
            return
        }
        #expect(error.description.contains("recording it as deployed failed"), "\(error.description)")
        #expect(error.description.contains("was changed by another process while this operation ran"), "\(error.description)")
        #expect(error.description.contains("--recover-pending"))
        let secret = try await h.client.get(apiVersion: "v1", kind: "Secret", namespace: "default", name: "sh.helm.release.v1.slow.v1")
        #expect(secret[path: ["metadata", "labels", "touched"]]?.stringValue == "elsewhere")
        #expect(secret[path: ["metadata", "labels", "status"]]?.stringValue == "pending-install")
        await h.stop()
    }

    /// --rollback-on-failure on a first install removes what the failed install created.
    @Test func atomicInstallFailureLeavesNothing() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("slow", Self.slowFiles)
        var options = fastOptions(timeout: .seconds(1))
        options.rollbackOnFailure = true
        let error = await #expect(throws: ReleaseActionError.self) {
            _ = try await h.engine.install(name: "slow", namespace: "default", chart: chart, values: [:], options: options)
        }
        #expect(error?.kind == .timeout)
        #expect(error?.description.contains("Deployment/slow") == true)
        #expect(error?.description.contains("The failed install was removed") == true)
        #expect(try await h.engine.history(name: "slow", namespace: "default").isEmpty)
        #expect(try await h.get("apps/v1", "Deployment", "slow") == nil)
        #expect(try await h.get("v1", "ConfigMap", "app-config") == nil)
        await h.stop()
    }

    /// --cleanup-on-fail deletes what a failed upgrade created, and keeps what existed.
    @Test func cleanupOnFailDeletesCreatedObjects() async throws {
        let h = try await ActionsHarness.start()
        var files = ReleaseLifecycleTests.hookChart
        let chart1 = try h.chart("app", files)
        _ = try await h.engine.install(name: "app", namespace: "default", chart: chart1, values: [:], options: fastOptions())
        files["templates/slow.yaml"] = Self.slowFiles["templates/slow.yaml"]
        let chart2 = try h.chart("app2", files.merging(["Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.1.0\n"]) { $1 })
        var options = fastOptions(timeout: .seconds(1))
        options.cleanupOnFail = true
        await #expect(throws: ReleaseActionError.self) {
            _ = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart2, values: [:], options: options)
        }
        #expect(try await h.get("apps/v1", "Deployment", "slow") == nil)
        #expect(try await h.get("apps/v1", "Deployment", "app") != nil)
        #expect(try await h.engine.history(name: "app", namespace: "default").map(\.status) == [.deployed, .failed])
        await h.stop()
    }

    /// CRDs from crds/ are applied first and established, so the chart's custom resources apply.
    @Test func crdsFromTheCrdsDirectoryComeFirst() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("widgets", [
            "crds/widgets.yaml": ActionsHarness.widgetCRD,
            "templates/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: first\nspec:\n  size: 3\n",
        ])
        let r = try await h.engine.install(name: "widgets", namespace: "default", chart: chart, values: [:], options: fastOptions())
        #expect(r.status == .deployed)
        let crd = try #require(try await h.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com"))
        #expect(Readiness.evaluate(crd) == .ready)
        let widget = try #require(try await h.get("example.com/v1", "Widget", "first"))
        #expect(widget[path: ["spec", "size"]] == .int(3))
        #expect(!r.manifest.contains("CustomResourceDefinition"))
        await h.stop()
    }

    /// Two upgrades at once: one is refused (or they serialise); nothing is left pending and
    /// exactly one revision is deployed.
    @Test func concurrentUpgradesLeaveOneDeployedRevision() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", ReleaseLifecycleTests.hookChart)
        _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: fastOptions())
        let engine = h.engine
        let results = await withTaskGroup(of: Result<UpgradeOutcome, Error>.self) { group in
            for message in ["two", "three"] {
                group.addTask {
                    do { return .success(try await engine.upgrade(name: "app", namespace: "default", chart: chart, values: ["message": .string(message)], options: fastOptions())) }
                    catch { return .failure(error) }
                }
            }
            var all: [Result<UpgradeOutcome, Error>] = []
            for await r in group { all.append(r) }
            return all
        }
        let failures = results.compactMap { if case .failure(let e) = $0 { return e } else { return nil } }
        #expect(failures.count <= 1)
        for f in failures {
            let e = try #require(f as? ReleaseActionError)
            #expect(e.kind == .locked)
            #expect(e.description.contains("another operation"))
        }
        let history = try await h.engine.history(name: "app", namespace: "default")
        #expect(!history.contains { $0.status.isPending })
        #expect(history.filter { $0.status == .deployed }.count == 1)
        #expect(history.map(\.version) == Array(1...history.count))
        #expect(history.count == 3 - failures.count)
        await h.stop()
    }

    /// The sandbox refuses new connections while the install runs, with a client that does not
    /// retry: the install either gets through or ends failed with the connection error named;
    /// never pending.
    @Test func refusedConnectionsMidInstallEndInAClearState() async throws {
        let h = try await ActionsHarness.start(maxRetries: 0)
        let chart = try Chart.load(path: repositoryRoot)
        var options = fastOptions()
        options.createNamespace = true
        _ = try await h.engine.history(name: "tars", namespace: "default")  // one pooled connection
        h.sandbox.refuseConnections(for: .seconds(2))
        var outcome = "deployed"
        do {
            _ = try await h.engine.install(name: "tars", namespace: "default", chart: chart, values: try tarsValues("dev.yaml"), options: options)
        } catch let e as ReleaseActionError {
            outcome = e.description
        }
        print("refused-connections install outcome: \(outcome.prefix(300))")
        try await Task.sleep(for: .seconds(2))
        let history = try await h.engine.history(name: "tars", namespace: "default")
        #expect(!history.contains { $0.status.isPending }, "left pending: \(history.map(\.status)); outcome: \(outcome)")
        if outcome == "deployed" {
            #expect(history.map(\.status) == [.deployed])
        } else if outcome.contains("failed before it applied anything") {
            // Refused while checking ownership: the pending record written beside it is removed.
            #expect(history.isEmpty)
            #expect(outcome.contains(h.sandbox.url))
        } else {
            #expect(history.map(\.status) == [.failed])
            #expect(outcome.contains("Revision 1 is marked failed"))
        }
        // Whatever happened, the next upgrade --install brings it to deployed.
        let next = try await h.engine.upgrade(name: "tars", namespace: "default", chart: chart, values: try tarsValues("dev.yaml"), options: options, install: true)
        #expect(next.release.status == .deployed)
        await h.stop()
    }

    /// A revision left pending by a crashed process is reported with the command that clears it.
    @Test func pendingRevisionIsReportedAndRecoverable() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", ReleaseLifecycleTests.hookChart)
        let r1 = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: fastOptions())
        var stuck = r1
        stuck.version = 2
        stuck.info?.status = .pendingUpgrade
        try await h.engine.store.create(stuck)
        let error = await #expect(throws: ReleaseActionError.self) {
            _ = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: ["message": .string("x")], options: fastOptions())
        }
        #expect(error?.kind == .locked)
        #expect(error?.description.contains("revision 2 is pending-upgrade") == true)
        #expect(error?.description.contains("tarsctl rollback app -n default --recover-pending") == true)
        let r = try await h.engine.rollback(name: "app", namespace: "default", revision: nil, options: fastOptions(), recoverPending: true)
        #expect(r.version == 3)
        #expect(try await h.engine.history(name: "app", namespace: "default").map(\.status) == [.superseded, .failed, .deployed])
        await h.stop()
    }

    /// Acceptance 5: a release Secret built by an independent script in Helm's exact format is
    /// listed, shown in history, upgraded (fields Helm's manager owned move to tarsctl) and rolled back.
    @Test func helmWrittenReleaseIsListedUpgradedAndRolledBack() async throws {
        let h = try await ActionsHarness.start()
        // The object as Helm 3 applied it (field manager "helm"), with Helm's ownership marks.
        let helmObject: JSON = ["apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": ["name": "legacy-config", "namespace": "default",
                                             "labels": ["app.kubernetes.io/managed-by": "Helm"],
                                             "annotations": ["meta.helm.sh/release-name": "legacy", "meta.helm.sh/release-namespace": "default"]],
                                "data": ["mode": "helm"]]
        _ = try await h.client.apply(helmObject, fieldManager: "helm")
        let manifest = "---\n# Source: legacy/templates/config.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: legacy-config\ndata:\n  mode: \"helm\"\n"
        let record: JSON = [
            "name": "legacy", "namespace": "default", "version": 1, "manifest": .string(manifest), "config": ["mode": "helm"],
            "info": ["first_deployed": "2025-01-02T03:04:05.123456789Z", "last_deployed": "2025-01-02T03:04:05.123456789Z",
                     "deleted": "", "description": "Install complete", "status": "deployed"],
            "chart": ["metadata": ["apiVersion": "v2", "name": "legacy", "version": "0.1.0", "appVersion": "1.0"], "lock": nil,
                      "templates": [["name": "templates/config.yaml", "data": .string(Data("x".utf8).base64EncodedString())]],
                      "values": ["mode": "default"], "schema": nil, "files": []],
        ]
        let secret = try await helmPythonSecret(record)
        _ = try await h.client.create(secret, namespace: "default")

        let listed = try await SecretRecordStore(client: h.client).latestOfAll(namespace: nil)
        #expect(listed.map(\.name) == ["legacy"])
        #expect(listed.first?.status == .deployed)
        #expect(listed.first?.chart?.name == "legacy")
        var history = try await h.engine.history(name: "legacy", namespace: "default")
        #expect(history.map(\.version) == [1])
        #expect(history.first?.info?.firstDeployed?.description == "2025-01-02T03:04:05.123456789Z")

        let chart = try h.chart("legacy", [
            "values.yaml": "mode: default\n",
            "templates/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: legacy-config\ndata:\n  mode: {{ .Values.mode | quote }}\n",
        ])
        let up = try await h.engine.upgrade(name: "legacy", namespace: "default", chart: chart, values: ["mode": .string("tarsctl")], options: fastOptions())
        #expect(up.release.version == 2)
        let live = try #require(try await h.get("v1", "ConfigMap", "legacy-config"))
        #expect(live[path: ["data", "mode"]] == "tarsctl")
        let managers = (live[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
        #expect(managers.contains("tarsctl"))
        history = try await h.engine.history(name: "legacy", namespace: "default")
        #expect(history.map(\.status) == [.superseded, .deployed])
        // The superseded Helm record is still readable by Helm's format (independent decoder).
        let rolled = try await h.engine.rollback(name: "legacy", namespace: "default", revision: 1, options: fastOptions())
        #expect(rolled.version == 3)
        #expect(rolled.manifest == manifest)
        #expect(try await h.get("v1", "ConfigMap", "legacy-config")?[path: ["data", "mode"]] == "helm")
        history = try await h.engine.history(name: "legacy", namespace: "default")
        #expect(history.map(\.status) == [.superseded, .superseded, .deployed])
        await h.stop()
    }

    /// Objects owned by another release (or by none) are not adopted unless --take-ownership;
    /// a refusal changes nothing and leaves no record.
    @Test func refusesToAdoptObjectsOfAnotherRelease() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", ReleaseLifecycleTests.hookChart)
        let foreign: JSON = ["apiVersion": "v1", "kind": "ConfigMap",
                             "metadata": ["name": "app-config", "namespace": "default",
                                          "annotations": ["meta.helm.sh/release-name": "other", "meta.helm.sh/release-namespace": "default"]],
                             "data": ["message": "theirs"]]
        _ = try await h.client.apply(foreign, fieldManager: "helm")
        let error = await #expect(throws: ReleaseActionError.self) {
            _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: fastOptions())
        }
        #expect(error?.description.contains("ConfigMap/app-config in namespace default belongs to release \"other\" in namespace \"default\"") == true)
        #expect(error?.description.contains("--take-ownership") == true)
        #expect(try await h.engine.history(name: "app", namespace: "default").isEmpty)
        #expect(try await h.get("apps/v1", "Deployment", "app") == nil)
        #expect(try await h.get("v1", "ConfigMap", "app-config")?[path: ["data", "message"]] == "theirs")
        var options = fastOptions()
        options.takeOwnership = true
        let r = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: options)
        #expect(r.status == .deployed)
        let cm = try #require(try await h.get("v1", "ConfigMap", "app-config"))
        #expect(cm[path: ["data", "message"]] == "one")
        #expect(cm[path: ["metadata", "annotations", "meta.helm.sh/release-name"]] == "app")
        await h.stop()
    }

    /// Acceptance 6: diff output never carries a Secret value (plain or base64) unless asked.
    @Test func diffNeverShowsSecretValues() async throws {
        let h = try await ActionsHarness.start()
        let chart = try Chart.load(path: repositoryRoot)
        var options = fastOptions()
        options.createNamespace = true
        options.wait = false
        _ = try await h.engine.install(name: "tars", namespace: "tars", chart: chart, values: try tarsValues("dev.yaml"), options: options)
        let secret = "very-secret-password-4711"
        let newValues = try tarsValues("dev.yaml", ["secrets.postgresPassword=\(secret)", "backend.replicaCount=2"])
        let diff = try await h.engine.diffUpgrade(name: "tars", namespace: "tars", chart: chart, values: newValues, options: options, diffOptions: DiffOptions(desiredLabel: "upgrade"))
        let text = diff.render()
        let oldSecret = "dev-only-postgres-password-0001"
        for needle in [secret, oldSecret, Data(secret.utf8).base64EncodedString(), Data(oldSecret.utf8).base64EncodedString()] {
            #expect(!text.contains(needle), "diff shows \(needle)")
        }
        #expect(text.contains("POSTGRES_PASSWORD: <redacted, changed>"))
        #expect(text.contains("+  replicas: 2"))
        let shown = try await h.engine.diffUpgrade(name: "tars", namespace: "tars", chart: chart, values: newValues, options: options,
                                                   diffOptions: DiffOptions(showSecrets: true, desiredLabel: "upgrade")).render()
        #expect(shown.contains(Data(secret.utf8).base64EncodedString()) || shown.contains(secret))
        await h.stop()
    }
}
