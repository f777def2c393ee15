import Testing
@testable import Sandbox

@Suite struct RESTTests {
    let api = TestAPI()
    let cms = "/api/v1/namespaces/default/configmaps"
    let deploys = "/apis/apps/v1/namespaces/default/deployments"

    @Test func createSetsServerFields() {
        let answer = api.send("POST", deploys, deployment("web"))
        #expect(answer.status == 201)
        #expect(answer.body[path: ["metadata", "uid"]]?.stringValue?.count == 36)
        #expect(answer.body[path: ["metadata", "creationTimestamp"]]?.stringValue?.hasSuffix("Z") == true)
        #expect(answer.body[path: ["metadata", "generation"]] == .int(1))
        #expect(answer.body[path: ["spec", "replicas"]] == .int(2))
        #expect(answer.body[path: ["spec", "strategy", "rollingUpdate", "maxSurge"]] == "25%")
        #expect(answer.body[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["ports"]?.arrayValue?.first?["protocol"] == "TCP")
        let rv = Int(answer.body[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? 0
        #expect(rv > 1)
    }

    @Test func duplicateCreateIsAlreadyExists() {
        api.send("POST", cms, configMap("a"))
        let answer = api.send("POST", cms, configMap("a"))
        #expect(answer.status == 409)
        #expect(answer.reason == "AlreadyExists")
        #expect(answer.message == "configmaps \"a\" already exists")
    }

    @Test func missingObjectIsNotFoundWithPluralKind() {
        let answer = api.send("GET", "\(deploys)/web")
        #expect(answer.status == 404)
        #expect(answer.reason == "NotFound")
        #expect(answer.message == "deployments.apps \"web\" not found")
        #expect(answer.body[path: ["details", "kind"]] == "deployments")
        #expect(answer.body["kind"] == "Status")
        #expect(answer.body["code"] == .int(404))
    }

    @Test func staleResourceVersionIsConflict() {
        let created = api.send("POST", cms, configMap("a")).body
        var first = created
        first["data"] = ["a": "2"]
        #expect(api.send("PUT", "\(cms)/a", first).status == 200)
        var stale = created
        stale["data"] = ["a": "3"]
        let answer = api.send("PUT", "\(cms)/a", stale)
        #expect(answer.status == 409)
        #expect(answer.reason == "Conflict")
        #expect(answer.message == "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again")
    }

    @Test func writesIntoMissingNamespaceAreNotFound() {
        let answer = api.send("POST", "/api/v1/namespaces/nope/configmaps", configMap("a", namespace: "nope"))
        #expect(answer.status == 404)
        #expect(answer.message == "namespaces \"nope\" not found")
    }

    @Test func namespaceMismatchIsBadRequest() {
        let answer = api.send("POST", cms, configMap("a", namespace: "kube-system"))
        #expect(answer.status == 400)
        #expect(answer.reason == "BadRequest")
    }

    @Test func invalidNameIsInvalidWithCause() {
        let answer = api.send("POST", deploys, deployment("Bad_Name"))
        #expect(answer.status == 422)
        #expect(answer.reason == "Invalid")
        #expect(answer.message.hasPrefix("Deployment.apps \"Bad_Name\" is invalid: metadata.name"))
        #expect(answer.body[path: ["details", "kind"]] == "Deployment")
        #expect(answer.body[path: ["details", "causes"]]?.arrayValue?.first?["field"] == "metadata.name")
        #expect(answer.body[path: ["details", "causes"]]?.arrayValue?.first?["reason"] == "FieldValueInvalid")
    }

    @Test func missingSelectorIsFieldValueRequired() {
        var d = deployment("web")
        d[path: ["spec", "selector"]] = nil
        let answer = api.send("POST", deploys, d)
        #expect(answer.status == 422)
        #expect(answer.body[path: ["details", "causes"]]?.arrayValue?.contains { $0["reason"] == "FieldValueRequired" && $0["field"] == "spec.selector" } == true)
    }

    @Test func hugeReplicaCountsAndWatchTimeoutsAreBounded() {
        let answer = api.send("POST", deploys, deployment("big", replicas: 1_000_000_000))
        #expect(answer.status == 422)
        #expect(answer.body[path: ["details", "causes"]]?.arrayValue?.first?["field"] == "spec.replicas")
        guard case .watch(let watch) = api.router.handle(APIRequest(method: "GET", uri: "\(cms)?watch=1&timeoutSeconds=9223372036854775807")) else {
            Issue.record("not a watch")
            return
        }
        #expect(watch.timeoutSeconds == 86_400)
    }

    @Test func wrongMethodAndMediaType() {
        api.send("POST", cms, configMap("a"))
        #expect(api.send("POST", "\(cms)/a", configMap("a")).status == 405)
        let answer = api.send("PATCH", "\(cms)/a", ["data": ["b": "2"]], contentType: "text/plain")
        #expect(answer.status == 415)
        #expect(answer.reason == "UnsupportedMediaType")
    }

    @Test func listFiltersAndPages() {
        for i in 0..<5 {
            var cm = configMap("cm\(i)")
            cm[path: ["metadata", "labels"]] = ["tier": i % 2 == 0 ? "even" : "odd"]
            api.send("POST", cms, cm)
        }
        let list = api.send("GET", cms)
        #expect(list.body["kind"] == "ConfigMapList")
        #expect(list.body["items"]?.arrayValue?.count == 5)
        #expect(api.send("GET", "\(cms)?labelSelector=tier%3Deven").body["items"]?.arrayValue?.count == 3)
        #expect(api.send("GET", "\(cms)?labelSelector=tier%20in%20(odd)").body["items"]?.arrayValue?.count == 2)
        #expect(api.send("GET", "\(cms)?labelSelector=tier!%3Deven").body["items"]?.arrayValue?.count == 2)
        #expect(api.send("GET", "\(cms)?fieldSelector=metadata.name%3Dcm3").body["items"]?.arrayValue?.first?.name == "cm3")
        let page1 = api.send("GET", "\(cms)?limit=2").body
        #expect(page1["items"]?.arrayValue?.map(\.name) == ["cm0", "cm1"])
        let token = page1[path: ["metadata", "continue"]]?.stringValue ?? ""
        #expect(!token.isEmpty)
        let page2 = api.send("GET", "\(cms)?limit=2&continue=\(token)").body
        #expect(page2["items"]?.arrayValue?.map(\.name) == ["cm2", "cm3"])
        #expect(api.send("GET", "/api/v1/configmaps").body["items"]?.arrayValue?.count == 5)
        #expect(api.send("GET", "\(cms)?fieldSelector=status.phase%3DRunning").status == 400)
    }

    @Test func dryRunStoresNothing() {
        let rvBefore = api.cluster.currentResourceVersion
        let answer = api.send("POST", "\(cms)?dryRun=All", configMap("dry"))
        #expect(answer.status == 201)
        #expect(api.send("GET", "\(cms)/dry").status == 404)
        #expect(api.cluster.currentResourceVersion == rvBefore)
    }

    @Test func unchangedWriteKeepsResourceVersion() {
        let created = api.send("POST", cms, configMap("a")).body
        let again = api.send("PUT", "\(cms)/a", created).body
        #expect(again[path: ["metadata", "resourceVersion"]] == created[path: ["metadata", "resourceVersion"]])
    }

    @Test func statusSubresourceTouchesOnlyStatus() {
        let created = api.send("POST", deploys, deployment("web")).body
        var withStatus = created
        withStatus["status"] = ["replicas": 7]
        withStatus[path: ["spec", "replicas"]] = 9
        let answer = api.send("PUT", "\(deploys)/web/status", withStatus)
        #expect(answer.status == 200)
        #expect(answer.body[path: ["status", "replicas"]] == .int(7))
        #expect(answer.body[path: ["spec", "replicas"]] == .int(2))
        #expect(answer.body[path: ["metadata", "generation"]] == .int(1))
        // A write to the main resource ignores .status and bumps generation for spec changes.
        var main = answer.body
        main["status"] = ["replicas": 1]
        main[path: ["spec", "replicas"]] = 3
        let updated = api.send("PUT", "\(deploys)/web", main).body
        #expect(updated[path: ["status", "replicas"]] == .int(7))
        #expect(updated[path: ["metadata", "generation"]] == .int(2))
    }

    @Test func immutableMetadataIsKept() {
        let created = api.send("POST", cms, configMap("a")).body
        var changed = created
        changed[path: ["metadata", "uid"]] = "forged"
        changed["data"] = ["a": "9"]
        let updated = api.send("PUT", "\(cms)/a", changed).body
        #expect(updated[path: ["metadata", "uid"]] == created[path: ["metadata", "uid"]])
    }

    @Test func scaleSubresourceAnswersScale() {
        api.send("POST", deploys, deployment("web"))
        let answer = api.send("PATCH", "\(deploys)/web/scale", ["spec": ["replicas": 5]], contentType: "application/merge-patch+json")
        #expect(answer.status == 200)
        #expect(answer.body["kind"] == "Scale")
        #expect(answer.body[path: ["spec", "replicas"]] == .int(5))
        #expect(api.send("GET", "\(deploys)/web").body[path: ["spec", "replicas"]] == .int(5))
    }
}
