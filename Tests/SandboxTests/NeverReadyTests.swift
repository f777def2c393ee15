import Foundation
import KubeClient
import Testing
@testable import Sandbox

/// `sandbox.tarsctl.dev/never-ready: "true"` on a pod template keeps its pods Pending, so the
/// Deployment never becomes available: the readiness-timeout path of `install --wait`.
@Suite struct NeverReadyTests {
    let api = TestAPI()

    @Test func annotatedPodTemplateNeverBecomesAvailable() {
        var slow = deployment("slow", replicas: 1)
        slow[path: ["spec", "template", "metadata", "annotations"]] = ["sandbox.tarsctl.dev/never-ready": "true"]
        api.send("POST", "/apis/apps/v1/namespaces/default/deployments", slow)
        api.send("POST", "/apis/apps/v1/namespaces/default/deployments", deployment("fast", replicas: 1))
        api.settle()
        let s = api.send("GET", "/apis/apps/v1/namespaces/default/deployments/slow").body
        #expect(s[path: ["status", "updatedReplicas"]] == .int(1))
        #expect(s[path: ["status", "availableReplicas"]] == nil)
        #expect((s[path: ["status", "conditions"]]?.arrayValue ?? []).contains { $0["type"] == "Available" && $0["status"] == "False" })
        let f = api.send("GET", "/apis/apps/v1/namespaces/default/deployments/fast").body
        #expect(f[path: ["status", "availableReplicas"]] == .int(1))
        let pods = api.send("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dslow").body["items"]?.arrayValue ?? []
        #expect(pods.count == 1)
        #expect(pods.first?[path: ["status", "phase"]]?.stringValue != "Running")
    }
}

/// Pods that run once: a Helm hook Pod (a test, a migration) finishes; a plain Pod keeps running.
@Suite struct RunToCompletionTests {
    let api = TestAPI()

    func pod(_ name: String, annotations: JSON, restartPolicy: String?) -> JSON {
        var p: JSON = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "namespace": "default", "annotations": annotations],
                       "spec": ["containers": [["name": "t", "image": "busybox"]]]]
        if let restartPolicy { p[path: ["spec", "restartPolicy"]] = .string(restartPolicy) }
        return p
    }

    func phase(_ name: String) -> String? {
        api.send("GET", "/api/v1/namespaces/default/pods/\(name)").body[path: ["status", "phase"]]?.stringValue
    }

    @Test func helmHookPodsFinishAndOtherPodsKeepRunning() {
        api.send("POST", "/api/v1/namespaces/default/pods", pod("hook-test", annotations: ["helm.sh/hook": "test"], restartPolicy: "Never"))
        api.send("POST", "/api/v1/namespaces/default/pods", pod("hook-retry", annotations: ["helm.sh/hook": "pre-install"], restartPolicy: "OnFailure"))
        api.send("POST", "/api/v1/namespaces/default/pods", pod("hook-fails", annotations: ["helm.sh/hook": "test", "sandbox.tarsctl.dev/fail": "true"], restartPolicy: "Never"))
        api.send("POST", "/api/v1/namespaces/default/pods", pod("hook-always", annotations: ["helm.sh/hook": "test"], restartPolicy: nil))
        api.send("POST", "/api/v1/namespaces/default/pods", pod("plain", annotations: [:], restartPolicy: "Never"))
        api.settle()
        #expect(phase("hook-test") == "Succeeded")
        #expect(phase("hook-retry") == "Succeeded")
        #expect(phase("hook-fails") == "Failed")
        #expect(phase("hook-always") == "Running")
        #expect(phase("plain") == "Running")
    }
}

/// The controller timer skips passes once nothing can change; a tick that comes late (a loop
/// busy elsewhere, a starved machine) must still let what fell due in the meantime happen.
@Suite struct LateControllerTickTests {
    let api = TestAPI()
    let settings = ControllerSettings(readyDelay: .milliseconds(100))

    func condition(_ name: String) -> String? {
        let job = api.send("GET", "/apis/batch/v1/namespaces/default/jobs/\(name)").body
        return job[path: ["status", "conditions"]]?.arrayValue?.first { $0["status"] == "True" && ($0["type"] == "Complete" || $0["type"] == "Failed") }?["type"]?.stringValue
    }

    @Test func aJobCompletesWhenTheTickAfterItsDelayComesLate() {
        let job: JSON = ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "migrate", "namespace": "default"],
                         "spec": ["template": ["spec": ["restartPolicy": "Never", "containers": [["name": "m", "image": "busybox"]]]]]]
        #expect(api.send("POST", "/apis/batch/v1/namespaces/default/jobs", job).status == 201)
        let t0 = Date()
        api.cluster.reconcileIfDue(now: t0, settings: settings)                      // first sight: active
        api.cluster.reconcileIfDue(now: t0.addingTimeInterval(0.05), settings: settings)   // not due yet
        #expect(condition("migrate") == nil)
        // The next tick comes a second late, and nothing else is written meanwhile.
        api.cluster.reconcileIfDue(now: t0.addingTimeInterval(1.05), settings: settings)
        #expect(condition("migrate") == "Complete")
        // Then the sandbox goes idle again: once a pass found nothing to do, later ticks skip.
        let version = api.cluster.currentResourceVersion
        api.cluster.reconcileIfDue(now: t0.addingTimeInterval(1.1), settings: settings)
        api.cluster.reconcileIfDue(now: t0.addingTimeInterval(3), settings: settings)
        #expect(api.cluster.currentResourceVersion == version)
    }
}

/// The controller timer's passes look only at namespaces written within the ready delay (plus a
/// margin) of the previous pass; everything that was settling must still settle.
@Suite struct ScopedControllerPassTests {
    let settings = ControllerSettings(readyDelay: .milliseconds(100))

    static func job(_ name: String, namespace: String) -> JSON {
        ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": .string(name), "namespace": .string(namespace)],
         "spec": ["template": ["spec": ["restartPolicy": "Never", "containers": [["name": "m", "image": "busybox"]]]]]]
    }

    static func condition(_ api: TestAPI, _ name: String, namespace: String) -> String? {
        let job = api.send("GET", "/apis/batch/v1/namespaces/\(namespace)/jobs/\(name)").body
        return job[path: ["status", "conditions"]]?.arrayValue?.first { $0["status"] == "True" && $0["type"] == "Complete" }?["type"]?.stringValue
    }

    /// Ticks every 50 ms from `start` for `seconds`.
    func tick(_ cluster: Cluster, from start: Date, for seconds: Double) {
        for i in 0...Int(seconds * 20) { cluster.reconcileIfDue(now: start.addingTimeInterval(Double(i) * 0.05), settings: settings) }
    }

    @Test func jobsInNamespacesWrittenAtDifferentTimesAllComplete() {
        let api = TestAPI()
        for ns in ["a", "b"] { api.send("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(ns)]]) }
        let t0 = Date()
        #expect(api.send("POST", "/apis/batch/v1/namespaces/a/jobs", Self.job("first", namespace: "a")).status == 201)
        tick(api.cluster, from: t0, for: 0.05)
        // "b" is written while "a" is still settling, "a" not again.
        #expect(api.send("POST", "/apis/batch/v1/namespaces/b/jobs", Self.job("second", namespace: "b")).status == 201)
        tick(api.cluster, from: t0.addingTimeInterval(0.1), for: 1)
        #expect(Self.condition(api, "first", namespace: "a") == "Complete")
        #expect(Self.condition(api, "second", namespace: "b") == "Complete")
    }

    @Test func aPassTriggeredElsewhereLeavesSettledNamespacesAlone() {
        let api = TestAPI()
        // A Job put in the store without a write the timer sees: no pass looks at "default"...
        api.cluster.lock.lock()
        api.cluster.objects["jobs.batch", default: [:]]["default/unseen"] = Self.job("unseen", namespace: "default")
        api.cluster.lock.unlock()
        api.send("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "other"]])
        #expect(api.send("POST", "/apis/batch/v1/namespaces/other/jobs", Self.job("busy", namespace: "other")).status == 201)
        tick(api.cluster, from: Date(), for: 1)
        #expect(Self.condition(api, "busy", namespace: "other") == "Complete")
        #expect(Self.condition(api, "unseen", namespace: "default") == nil)
        // Left alone means untouched: no status, and nothing stored in its place.
        let jobs = api.send("GET", "/apis/batch/v1/jobs").body["items"]?.arrayValue ?? []
        #expect(jobs.map(\.name).sorted() == ["busy", "unseen"])
        #expect(jobs.first { $0.name == "unseen" }?["status"] == nil)
        // ...while a full pass does.
        api.settle()
        #expect(Self.condition(api, "unseen", namespace: "default") == "Complete")
    }

    @Test func whatWasSettlingWhenSnapshottedSettlesAfterRestore() {
        let api = TestAPI()
        #expect(api.send("POST", "/apis/batch/v1/namespaces/default/jobs", Self.job("migrate", namespace: "default")).status == 201)
        let restarted = TestAPI()
        restarted.cluster.restore(api.cluster.snapshot())
        tick(restarted.cluster, from: Date(), for: 1)
        #expect(Self.condition(restarted, "migrate", namespace: "default") == "Complete")
    }
}
