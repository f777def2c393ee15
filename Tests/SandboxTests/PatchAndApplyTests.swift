import KubeClient
import Testing
@testable import Sandbox

@Suite struct PatchAndApplyTests {
    let api = TestAPI()
    let cms = "/api/v1/namespaces/default/configmaps"
    let deploys = "/apis/apps/v1/namespaces/default/deployments"

    @Test func applyCreatesThen200() {
        let first = api.apply("\(cms)/a", configMap("a"), manager: "helm")
        #expect(first.status == 201)
        let entries = first.body[path: ["metadata", "managedFields"]]?.arrayValue ?? []
        #expect(entries.count == 1)
        #expect(entries.first?["manager"] == "helm")
        #expect(entries.first?["operation"] == "Apply")
        #expect(entries.first?[path: ["fieldsV1", "f:data", "f:a"]] == .object([:]))
        let second = api.apply("\(cms)/a", configMap("a"), manager: "helm")
        #expect(second.status == 200)
        #expect(second.body[path: ["metadata", "resourceVersion"]] == first.body[path: ["metadata", "resourceVersion"]])
    }

    @Test func conflictingManagerGets409UntilForced() {
        api.apply("\(cms)/a", configMap("a", data: ["a": "1"]), manager: "helm")
        let conflict = api.apply("\(cms)/a", configMap("a", data: ["a": "2"]), manager: "kubectl")
        #expect(conflict.status == 409)
        #expect(conflict.reason == "Conflict")
        #expect(conflict.message == "Apply failed with 1 conflict: conflict with \"helm\" using v1: .data.a")
        let cause = conflict.body[path: ["details", "causes"]]?.arrayValue?.first
        #expect(cause?["reason"] == "FieldManagerConflict")
        #expect(cause?["field"] == ".data.a")
        let forced = api.apply("\(cms)/a", configMap("a", data: ["a": "2"]), manager: "kubectl", force: true)
        #expect(forced.status == 200)
        #expect(forced.body[path: ["data", "a"]] == "2")
        let managers = (forced.body[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
        #expect(managers == ["kubectl"])
    }

    @Test func sameValueIsSharedAndDroppedFieldsAreRemoved() {
        api.apply("\(cms)/a", configMap("a", data: ["a": "1", "b": "1"]), manager: "one")
        let shared = api.apply("\(cms)/a", configMap("a", data: ["a": "1"]), manager: "two")
        #expect(shared.status == 200)
        // "one" drops both keys: a stays (two owns it), b goes (nobody else does).
        let after = api.apply("\(cms)/a", configMap("a", data: .object([:])), manager: "one")
        #expect(after.body[path: ["data", "a"]] == "1")
        #expect(after.body[path: ["data", "b"]] == nil)
    }

    @Test func applyRejectsManagedFieldsAndWrongVersion() {
        var body = configMap("a")
        body[path: ["metadata", "managedFields"]] = [["manager": "x"]]
        #expect(api.apply("\(cms)/a", body, manager: "m").status == 400)
        var wrong = configMap("a")
        wrong["apiVersion"] = "v2"
        #expect(api.apply("\(cms)/a", wrong, manager: "m").status == 400)
    }

    @Test func applyMergesContainersByName() {
        api.apply("\(deploys)/web", deployment("web"), manager: "a")
        let sidecar: JSON = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
                             "spec": ["template": ["spec": ["containers": [["name": "log", "image": "busybox:1"]]]]]]
        let merged = api.apply("\(deploys)/web", sidecar, manager: "b")
        #expect(merged.status == 200)
        let names = merged.body[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(Set(names ?? []) == ["web", "log"])
        let b = merged.body[path: ["metadata", "managedFields"]]?.arrayValue?.first { $0["manager"] == "b" }
        #expect(b?[path: ["fieldsV1", "f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"log\"}", "."]] == .object([:]))
    }

    @Test func updateTakesOwnershipWithoutConflict() {
        api.apply("\(cms)/a", configMap("a", data: ["a": "1"]), manager: "helm")
        let patched = api.send("PATCH", "\(cms)/a?fieldManager=editor", ["data": ["a": "5"]], contentType: "application/merge-patch+json")
        #expect(patched.status == 200)
        let entries = patched.body[path: ["metadata", "managedFields"]]?.arrayValue ?? []
        #expect(entries.contains { $0["manager"] == "editor" && $0["operation"] == "Update" })
        #expect(!entries.contains { $0["manager"] == "helm" })
    }

    @Test func strategicMergePatchMergesByKeyAndHonoursDirectives() {
        var d = deployment("web")
        d[path: ["spec", "template", "spec", "containers"]] = [
            ["name": "a", "image": "a:1", "env": [["name": "X", "value": "1"]]], ["name": "b", "image": "b:1"],
        ]
        api.send("POST", deploys, d)
        let patch: JSON = ["spec": ["template": ["spec": [
            "$setElementOrder/containers": [["name": "b"], ["name": "a"]],
            "containers": [["name": "a", "image": "a:2", "env": [["name": "Y", "value": "2"]]], ["name": "b", "$patch": "delete"]],
        ]]], "metadata": ["labels": ["gone": nil, "new": "yes"]]]
        let answer = api.send("PATCH", "\(deploys)/web", patch, contentType: "application/strategic-merge-patch+json")
        #expect(answer.status == 200, "\(answer.message)")
        let containers = answer.body[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        #expect(containers.compactMap { $0["name"]?.stringValue } == ["a"])
        #expect(containers.first?["image"] == "a:2")
        #expect(containers.first?["env"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["X", "Y"])
        #expect(answer.body[path: ["metadata", "labels", "new"]] == "yes")
        #expect(answer.body[path: ["metadata", "generation"]] == .int(2))
    }

    @Test func mergePatchReplacesListsAndDeletesNulls() {
        api.send("POST", cms, configMap("a", data: ["a": "1", "b": "2"]))
        let answer = api.send("PATCH", "\(cms)/a", ["data": ["a": nil, "c": "3"]], contentType: "application/merge-patch+json")
        #expect(answer.body["data"] == ["b": "2", "c": "3"])
    }

    @Test func jsonPatchAppliesOperations() {
        api.send("POST", cms, configMap("a", data: ["a": "1"]))
        let ops: JSON = [["op": "add", "path": "/data/b", "value": "2"], ["op": "remove", "path": "/data/a"]]
        let answer = api.send("PATCH", "\(cms)/a", ops, contentType: "application/json-patch+json")
        #expect(answer.body["data"] == ["b": "2"])
        let failing: JSON = [["op": "test", "path": "/data/b", "value": "9"]]
        #expect(api.send("PATCH", "\(cms)/a", failing, contentType: "application/json-patch+json").status == 422)
    }

    @Test func patchWithStaleResourceVersionConflicts() {
        api.send("POST", cms, configMap("a"))
        let answer = api.send("PATCH", "\(cms)/a", ["metadata": ["resourceVersion": "1"], "data": ["a": "2"]], contentType: "application/merge-patch+json")
        #expect(answer.status == 409)
        #expect(answer.reason == "Conflict")
    }
}
