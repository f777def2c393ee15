import Foundation
import Testing
@testable import KubeClient
import Sandbox

/// The verbs against the sandbox: what lands in the cluster and what errors say.
@Suite struct VerbTests {
    @Test func createGetPatchDeleteRoundTrip() async throws {
        try await withTokenClient { client, server, _ in
            let created = try await client.create(configMap("web", data: ["a": "1"]), fieldManager: "tests")
            #expect(created[path: ["metadata", "namespace"]] == "default")
            let rv1 = created[path: ["metadata", "resourceVersion"]]?.stringValue

            let merged = try await client.patch(apiVersion: "v1", kind: "ConfigMap", name: "web", patch: ["data": ["b": "2"]], type: .merge)
            #expect(merged["data"] == ["a": "1", "b": "2"])
            let jsonPatched = try await client.patch(apiVersion: "v1", kind: "ConfigMap", name: "web",
                                                     patch: [["op": "remove", "path": "/data/a"]], type: .json)
            #expect(jsonPatched["data"] == ["b": "2"])
            let strategic = try await client.patch(apiVersion: "v1", kind: "ConfigMap", name: "web", patch: ["data": ["c": "3"]], type: .strategicMerge)
            #expect(strategic["data"] == ["b": "2", "c": "3"])
            #expect(strategic[path: ["metadata", "resourceVersion"]]?.stringValue != rv1)

            // dryRun answers as if written but stores nothing.
            _ = try await client.patch(apiVersion: "v1", kind: "ConfigMap", name: "web", patch: ["data": ["d": "4"]], dryRun: true)
            #expect(try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "web")["data"] == ["b": "2", "c": "3"])

            #expect(try await client.getIfExists(apiVersion: "v1", kind: "ConfigMap", name: "web") != nil)
            let deleted = try await client.delete(apiVersion: "v1", kind: "ConfigMap", name: "web", propagationPolicy: .foreground, gracePeriodSeconds: 0)
            #expect(deleted[path: ["metadata", "name"]] == "web")
            #expect(try await client.getIfExists(apiVersion: "v1", kind: "ConfigMap", name: "web") == nil)
            let error = await #expect(throws: KubeAPIError.self) { try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "web") }
            #expect(error?.isNotFound == true)
            #expect(error?.reason == "NotFound")
            #expect(error?.name == "web")
            #expect(error?.kind == "configmaps")
            #expect(error?.description == "Error from server (NotFound): configmaps \"web\" not found")
            #expect(server.cluster.servedTypes.count > 0)
        }
    }

    @Test func serverSideApplyCreatesThenUpdatesAndReportsConflicts() async throws {
        try await withTokenClient { client, _, _ in
            let first = try await client.applyReportingCreation(configMap("app", data: ["a": "1"]), fieldManager: "tarsctl")
            #expect(first.created)
            let second = try await client.applyReportingCreation(configMap("app", data: ["a": "2"]), fieldManager: "tarsctl")
            #expect(!second.created)
            #expect(second.object["data"] == ["a": "2"])
            let managers = (second.object[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
            #expect(managers == ["tarsctl"])

            // Another manager changing a field tarsctl owns conflicts, naming the field; force takes it.
            let error = await #expect(throws: KubeAPIError.self) { try await client.apply(configMap("app", data: ["a": "3"]), fieldManager: "helm") }
            #expect(error?.code == 409)
            #expect(error?.isFieldManagerConflict == true)
            #expect(error?.causes.first?.field == ".data.a")
            #expect(error?.description.contains("--force-conflicts") == true)
            let forced = try await client.apply(configMap("app", data: ["a": "3"]), fieldManager: "helm", force: true)
            #expect(forced["data"] == ["a": "3"])

            // dryRun=All does not store.
            _ = try await client.apply(configMap("ghost"), dryRun: true)
            let missing = await #expect(throws: KubeAPIError.self) { try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "ghost") }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test func createTwiceIsAlreadyExistsAndInvalidObjectsListCauses() async throws {
        try await withTokenClient { client, _, _ in
            _ = try await client.create(configMap("dup"))
            let error = await #expect(throws: KubeAPIError.self) { try await client.create(configMap("dup")) }
            #expect(error?.isAlreadyExists == true)
            let deployment: JSON = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "bad"],
                                    "spec": ["selector": ["matchLabels": ["app": "x"]], "template": ["metadata": ["labels": ["app": "y"]], "spec": ["containers": []]]]]
            let invalid = await #expect(throws: KubeAPIError.self) { try await client.create(deployment) }
            #expect(invalid?.code == 422)
            #expect(invalid?.causes.isEmpty == false)
        }
    }

    @Test func namespacesComeFromTheObjectThenTheArgumentThenTheContext() async throws {
        try await withTokenClient { client, _, _ in
            _ = try await client.create(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]])
            _ = try await client.apply(configMap("in-object", namespace: "team"))
            _ = try await client.apply(configMap("in-argument"), namespace: "team")
            _ = try await client.apply(configMap("in-context"))
            let team = try await client.list(apiVersion: "v1", kind: "ConfigMap", namespace: "team")
            #expect(Set(team.items.compactMap { $0[path: ["metadata", "name"]]?.stringValue }) == ["in-object", "in-argument"])
            let all = try await client.list(apiVersion: "v1", kind: "ConfigMap", allNamespaces: true)
            #expect(all.items.count == 3)
            let missingNS = await #expect(throws: KubeAPIError.self) { try await client.apply(configMap("x", namespace: "nope")) }
            #expect(missingNS?.message == "namespaces \"nope\" not found")
        }
    }

    @Test func listFollowsPagesAndSelectors() async throws {
        try await withTokenClient { client, _, _ in
            for i in 0..<7 { _ = try await client.create(configMap("p\(i)", labels: ["tier": i % 2 == 0 ? "even" : "odd"])) }
            let page = try await client.listPage(apiVersion: "v1", kind: "ConfigMap", limit: 3)
            #expect(page.items.count == 3)
            #expect(page.continueToken != nil)
            let all = try await client.list(apiVersion: "v1", kind: "ConfigMap", limit: 3)
            #expect(all.items.compactMap { $0[path: ["metadata", "name"]]?.stringValue }.sorted() == (0..<7).map { "p\($0)" })
            let even = try await client.list(apiVersion: "v1", kind: "ConfigMap", labelSelector: "tier=even", limit: 2)
            #expect(even.items.count == 4)
            let notEven = try await client.list(apiVersion: "v1", kind: "ConfigMap", labelSelector: "tier!=even")
            #expect(notEven.items.count == 3)
            let byName = try await client.list(apiVersion: "v1", kind: "ConfigMap", fieldSelector: "metadata.name=p3")
            #expect(byName.items.count == 1)
        }
    }

    @Test func statusSubresourceReadsAndDeploymentsBecomeReady() async throws {
        try await withTokenClient { client, _, _ in
            let deployment: JSON = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
                                    "spec": ["replicas": 2, "selector": ["matchLabels": ["app": "web"]],
                                             "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": "nginx"]]]]]]
            _ = try await client.apply(deployment)
            var ready: Int64 = 0
            for _ in 0..<100 {
                let status = try await client.getStatus(apiVersion: "apps/v1", kind: "Deployment", name: "web")
                ready = status[path: ["status", "readyReplicas"]]?.intValue ?? 0
                if ready == 2 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(ready == 2)
        }
    }

    @Test func secretDataNeverAppearsInLogsOrErrors() async throws {
        let log = LogCapture()
        try await withTokenClient(log: log) { client, server, _ in
            let secret: JSON = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "db"], "data": ["password": "aHVudGVyMi1zM2NyM3Q="],
                                "stringData": ["token": "plain-s3cr3t-value"]]
            _ = try await client.apply(secret)
            let conflict = await #expect(throws: KubeAPIError.self) {
                try await client.apply(["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "db"], "data": ["password": "b3RoZXI="]], fieldManager: "other")
            }
            let texts = [log.text, conflict.map(String.init(describing:)) ?? ""]
            for text in texts {
                #expect(!text.contains("aHVudGVyMi1zM2NyM3Q="))
                #expect(!text.contains("hunter2"))
                #expect(!text.contains("plain-s3cr3t-value"))
                #expect(!text.contains(server.token))
            }
            #expect(log.text.contains("PATCH \(server.url)/api/v1/namespaces/default/secrets/db?fieldManager=tarsctl&force=false 201"))
        }
    }
}

/// Discovery: aggregated first, cached on disk per server, refreshed for an unknown kind.
@Suite struct DiscoveryTests {
    @Test func aggregatedDiscoveryIsCachedOnDiskAndReused() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let config = try kubeconfig(server, dir: dir, user: "    token: \(server.token)")
            let log = LogCapture()
            let client = try KubeClient(config: config, options: testOptions(dir, log: log))
            let deploy = try await client.resource(apiVersion: "apps/v1", kind: "Deployment")
            #expect(deploy == APIResource(group: "apps", version: "v1", resource: "deployments", singular: "deployment", kind: "Deployment", namespaced: true,
                                          verbs: deploy.verbs, shortNames: ["deploy"], subresources: ["status", "scale"]))
            #expect(log.text.contains("discovery: aggregated"))
            let ns = try await client.resource(named: "ns")
            #expect(ns.kind == "Namespace" && !ns.namespaced)
            await client.shutdown()
            let file = dir.path + "/cache/127.0.0.1_\(server.port)/resources.json"
            #expect(FileManager.default.fileExists(atPath: file))

            // A second client (another tarsctl run) uses the disk cache without asking the server.
            let log2 = LogCapture()
            let client2 = try KubeClient(config: config, options: testOptions(dir, log: log2))
            _ = try await client2.resource(apiVersion: "v1", kind: "ConfigMap")
            #expect(log2.text.contains("discovery: using the cache"))
            #expect(!log2.text.contains("GET \(server.url)/api "))
            await client2.shutdown()

            // With a zero TTL the cache is stale and discovery runs again.
            let log3 = LogCapture()
            var options = testOptions(dir, log: log3)
            options.discoveryTTL = .zero
            let client3 = try KubeClient(config: config, options: options)
            _ = try await client3.resource(apiVersion: "v1", kind: "ConfigMap")
            #expect(log3.text.contains("discovery: aggregated"))
            await client3.shutdown()
        }
    }

    @Test func unknownKindRefreshesOnceThenSaysWhatToDo() async throws {
        try await withTokenClient { client, _, _ in
            _ = try await client.resource(apiVersion: "v1", kind: "ConfigMap")
            // A CRD created after discovery was cached: its kind is found after one refresh.
            let crd: JSON = ["apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": "widgets.example.com"],
                             "spec": ["group": "example.com", "scope": "Namespaced", "names": ["plural": "widgets", "singular": "widget", "kind": "Widget"],
                                      "versions": [["name": "v1", "served": true, "storage": true, "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]]]]
            _ = try await client.apply(crd)
            let widget: JSON = ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w1"], "spec": ["size": 3]]
            let applied = try await client.apply(widget)
            #expect(applied[path: ["spec", "size"]] == 3)

            let error = await #expect(throws: KubeClientError.self) { try await client.resource(apiVersion: "example.com/v2", kind: "Widget") }
            #expect(error?.kind == .unknownKind)
            #expect(error?.description.contains("no kind \"Widget\" is served for apiVersion \"example.com/v2\"") == true)
            #expect(error?.description.contains("the server serves Widget in example.com/v1; change apiVersion") == true)
        }
    }

    @Test func legacyDiscoveryParsesResourceLists() throws {
        let list = try JSONParser.parse("""
            {"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
             {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get"],"shortNames":["deploy"]},
             {"name":"deployments/status","singularName":"","namespaced":true,"kind":"Deployment","verbs":["get"]}]}
            """)
        let cache = try DiscoveryCache(transport: Transport(config: Kubeconfig.Resolved(contextName: "c", cluster: {
            var c = Kubeconfig.Cluster()
            c.server = "https://127.0.0.1:1"
            return c
        }(), user: Kubeconfig.User(), namespace: "default"), options: KubeClientOptions()), options: KubeClientOptions())
        #expect(cache.parseLegacy(list) == [APIResource(group: "apps", version: "v1", resource: "deployments", singular: "deployment", kind: "Deployment",
                                                        namespaced: true, verbs: ["get"], shortNames: ["deploy"], subresources: ["status"])])
    }
}

/// `-v=8`-style logging of headers and bodies keeps credentials and Secret values out.
@Suite struct DebugBodyLogTests {
    @Test func headersAndBodiesAreLoggedRedacted() async throws {
        let log = LogCapture()
        try await withTokenClient(log: log, configure: { $0.debugBodies = true }) { client, server, _ in
            let secret: JSON = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "db", "annotations": ["kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"]],
                                "data": ["password": "aHVudGVyMg=="], "stringData": ["token": "plain-s3cr3t"]]
            _ = try await client.apply(secret)
            _ = try await client.get(apiVersion: "v1", kind: "Secret", name: "db")
            _ = try await client.list(apiVersion: "v1", kind: "Secret")
            _ = try await client.apply(configMap("visible", data: ["shown": "yes"]))
            let text = log.text
            #expect(text.contains("Authorization: Bearer <redacted>"))
            #expect(text.contains("User-Agent: tarsctl/9.9.9-test"))
            #expect(text.contains("Content-Type: application/apply-patch+yaml"))
            #expect(text.contains("\"password\":\"<redacted 12 bytes>\""))
            #expect(text.contains("\"token\":\"<redacted 12 bytes>\""))
            #expect(text.contains("\"shown\":\"yes\""))
            for secretText in [server.token, "aHVudGVyMg==", "hunter2", "plain-s3cr3t"] {
                #expect(!text.contains(secretText), "the log shows \(secretText)")
            }
            // Responses that list Secrets are redacted item by item.
            #expect(log.all.contains { $0.hasPrefix("response body: {\"apiVersion\":\"v1\",\"items\":[") && $0.contains("<redacted") })
        }
    }
}

@Test func secretListItemsWithoutKindAreRedacted() {
    // The API server leaves `kind` out of list items.
    let list: JSON = ["kind": "SecretList", "apiVersion": "v1", "items": [["metadata": ["name": "a"], "data": ["k": "c2VjcmV0"]]]]
    let text = Redaction.body(JSONWriter.bytes(list))
    #expect(text == #"{"apiVersion":"v1","items":[{"data":{"k":"<redacted 8 bytes>"},"metadata":{"name":"a"}}],"kind":"SecretList"}"#)
    #expect(Redaction.body(Array("not json c2VjcmV0".utf8)) == "<17 bytes, not JSON, not shown>")
}

@Test func forbiddenSaysWhoMayNotDoWhatAndWhatToDo() {
    let body = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"web\" is forbidden: User \"ci\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"prod\"","reason":"Forbidden","details":{"name":"web","group":"apps","kind":"deployments"},"code":403}"#
    var error = KubeAPIError.decode(status: 403, body: Array(body.utf8))
    error.verb = "apply"
    error.resource = "deployments.apps"
    error.namespace = "prod"
    error.objectName = "web"
    error.server = "https://k8s.example:6443"
    error.contextName = "prod-ctx"
    error.userName = "ci"
    #expect(error.isForbidden && error.name == "web" && error.group == "apps")
    #expect(error.description == "Forbidden: user \"ci\" of context \"prod-ctx\" may not apply deployments.apps \"web\" in namespace \"prod\" on https://k8s.example:6443: "
        + "deployments.apps \"web\" is forbidden: User \"ci\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"prod\". "
        + "Ask a cluster administrator for an RBAC role that allows `patch` on deployments.apps, or use a context with more rights.")
    // A body that is no Status still gives the code and a short excerpt.
    let html = KubeAPIError.decode(status: 502, body: Array("<html>Bad Gateway</html>".utf8))
    #expect(html.code == 502 && html.message == "the server answered HTTP 502: <html>Bad Gateway</html>")
}

/// `podLog` against the sandbox's `pods/log` (the `sandbox.tarsctl.dev/log` annotation).
@Suite struct PodLogClientTests {
    @Test func readsTheLogAndReportsAMissingPod() async throws {
        try await withTokenClient { client, _, _ in
            let pod: JSON = ["apiVersion": "v1", "kind": "Pod",
                             "metadata": ["name": "logger", "annotations": ["sandbox.tarsctl.dev/log": "hello\nworld\n"]],
                             "spec": ["containers": [["name": "main", "image": "busybox"]]]]
            _ = try await client.create(pod)
            #expect(try await client.podLog(name: "logger") == "hello\nworld\n")
            #expect(try await client.podLog(namespace: "default", name: "logger", container: "main") == "hello\nworld\n")
            let wrong = await #expect(throws: KubeAPIError.self) { try await client.podLog(name: "logger", container: "side") }
            #expect(wrong?.code == 400)
            #expect(wrong?.description == "Error from server (BadRequest): container side is not valid for pod logger")
            let missing = await #expect(throws: KubeAPIError.self) { try await client.podLog(name: "ghost") }
            #expect(missing?.isNotFound == true)
            #expect(missing?.description == "Error from server (NotFound): pods \"ghost\" not found")
        }
    }
}
