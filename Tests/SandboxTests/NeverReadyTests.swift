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
