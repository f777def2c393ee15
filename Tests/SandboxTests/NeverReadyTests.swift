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
