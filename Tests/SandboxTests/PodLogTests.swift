import KubeClient
import Testing
@testable import Sandbox

/// The `pods/log` subresource: the `sandbox.tarsctl.dev/log` annotation as `text/plain`, and
/// the API server's errors for a missing Pod or a container it does not have.
@Suite struct PodLogTests {
    let api = TestAPI()
    let pods = "/api/v1/namespaces/default/pods"

    func pod(_ name: String, log: String?, containers: [String] = ["t"], initContainers: [String] = []) -> JSON {
        var metadata: [String: JSON] = ["name": .string(name), "namespace": "default"]
        if let log { metadata["annotations"] = ["sandbox.tarsctl.dev/log": .string(log)] }
        var spec: [String: JSON] = ["containers": .array(containers.map { ["name": .string($0), "image": "busybox"] })]
        if !initContainers.isEmpty { spec["initContainers"] = .array(initContainers.map { ["name": .string($0), "image": "busybox"] }) }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata), "spec": .object(spec)]
    }

    @Test func logIsTheAnnotationAsPlainText() {
        #expect(api.send("POST", pods, pod("p", log: "line 1\nline 2\n")).status == 201)
        let answer = api.send("GET", "\(pods)/p/log")
        #expect(answer.status == 200)
        #expect(answer.contentType == "text/plain")
        #expect(answer.body == "line 1\nline 2\n")
        // Naming the Pod's only container gives the same text.
        #expect(api.send("GET", "\(pods)/p/log?container=t").body == "line 1\nline 2\n")
    }

    @Test func podWithoutTheAnnotationHasAnEmptyLog() {
        api.send("POST", pods, pod("quiet", log: nil))
        let answer = api.send("GET", "\(pods)/quiet/log")
        #expect(answer.status == 200)
        #expect(answer.body == "")
    }

    @Test func missingPodIsNotFoundStatus() {
        let answer = api.send("GET", "\(pods)/nope/log")
        #expect(answer.status == 404)
        #expect(answer.body["kind"] == "Status")
        #expect(answer.reason == "NotFound")
        #expect(answer.message == "pods \"nope\" not found")
        #expect(answer.body[path: ["details", "kind"]] == "pods")
    }

    @Test func unknownContainerIsBadRequest() {
        api.send("POST", pods, pod("p", log: "x"))
        let answer = api.send("GET", "\(pods)/p/log?container=other")
        #expect(answer.status == 400)
        #expect(answer.reason == "BadRequest")
        #expect(answer.message == "container other is not valid for pod p")
    }

    @Test func multiContainerPodNeedsAContainerName() {
        api.send("POST", pods, pod("two", log: "x", containers: ["a", "b"], initContainers: ["setup"]))
        let answer = api.send("GET", "\(pods)/two/log")
        #expect(answer.status == 400)
        #expect(answer.message == "a container name must be specified for pod two, choose one of: [a b] or one of the init containers: [setup]")
        #expect(api.send("GET", "\(pods)/two/log?container=b").body == "x")
        #expect(api.send("GET", "\(pods)/two/log?container=setup").status == 200)
    }

    @Test func onlyGetIsAllowed() {
        api.send("POST", pods, pod("p", log: "x"))
        #expect(api.send("DELETE", "\(pods)/p/log").status == 405)
        // The Pod itself is untouched.
        #expect(api.send("GET", "\(pods)/p").status == 200)
    }

    @Test func otherResourcesHaveNoLogSubresource() {
        api.send("POST", "/api/v1/namespaces/default/configmaps", configMap("c"))
        #expect(api.send("GET", "/api/v1/namespaces/default/configmaps/c/log").status == 404)
    }
}
