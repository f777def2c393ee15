import KubeClient
import Testing
@testable import Sandbox

@Suite struct WatchAndDiscoveryTests {
    let api = TestAPI()
    let cms = "/api/v1/namespaces/default/configmaps"

    private func collect(from rv: Int64?, bookmarks: Bool = false, initial: Bool = false, name: String? = nil) throws -> (LockedValue<[JSON]>, UInt64) {
        let events = LockedValue<[JSON]>([])
        let selector = try name.map { try FieldSelector(parsing: "metadata.name=\($0)") }
        let watcher = Watcher(typeID: "configmaps", namespace: "default", fieldSelector: selector, labelSelector: nil, send: { event in events.withLock { $0.append(event) } })
        let id = try api.cluster.addWatcher(watcher, from: rv, bookmarks: bookmarks, initialEvents: initial)
        return (events, id)
    }

    @Test func watchFromResourceVersionSeesOnlyLaterChanges() throws {
        api.send("POST", cms, configMap("old"))
        let rv = api.cluster.currentResourceVersion
        let (events, _) = try collect(from: rv)
        api.send("POST", cms, configMap("new"))
        api.send("PATCH", "\(cms)/new", ["data": ["a": "2"]], contentType: "application/merge-patch+json")
        api.send("DELETE", "\(cms)/new")
        let seen = events.withLock { $0 }
        #expect(seen.compactMap { $0["type"]?.stringValue } == ["ADDED", "MODIFIED", "DELETED"])
        #expect(seen.allSatisfy { $0["object"]?.name == "new" })
        #expect(seen.last?[path: ["object", "data", "a"]] == "2")
    }

    @Test func watchWithoutVersionStartsWithCurrentObjects() throws {
        api.send("POST", cms, configMap("a"))
        api.send("POST", cms, configMap("b"))
        let (events, _) = try collect(from: nil, name: "b")
        let seen = events.withLock { $0 }
        #expect(seen.count == 1)
        #expect(seen.first?["type"] == "ADDED")
        #expect(seen.first?["object"]?.name == "b")
    }

    @Test func initialEventsEndWithAnnotatedBookmark() throws {
        api.send("POST", cms, configMap("a"))
        let (events, _) = try collect(from: nil, initial: true)
        let last = events.withLock { $0.last }
        #expect(last?["type"] == "BOOKMARK")
        #expect(last?[path: ["object", "metadata", "annotations", "k8s.io/initial-events-end"]] == "true")
        #expect(last?[path: ["object", "kind"]] == "ConfigMap")
    }

    @Test func expiredResourceVersionIs410() throws {
        for i in 0..<(api.cluster.historyLimit + 10) { api.send("POST", cms, configMap("c\(i)")) }
        let error = #expect(throws: APIError.self) { _ = try collect(from: 2) }
        #expect(error?.code == 410)
        #expect(error?.reason == "Expired")
    }

    @Test func removedWatcherGetsNothing() throws {
        let (events, id) = try collect(from: api.cluster.currentResourceVersion)
        api.cluster.removeWatcher(id)
        api.send("POST", cms, configMap("x"))
        #expect(events.withLock { $0.isEmpty })
    }

    @Test func watchQueryBecomesWatchRequest() {
        let request = APIRequest(method: "GET", uri: "\(cms)?watch=true&resourceVersion=5&allowWatchBookmarks=true&timeoutSeconds=30&fieldSelector=metadata.name%3Dx")
        guard case .watch(let watch) = api.router.handle(request) else {
            Issue.record("not a watch")
            return
        }
        #expect(watch.resourceVersion == 5)
        #expect(watch.bookmarks)
        #expect(watch.timeoutSeconds == 30)
        #expect(watch.fieldSelector?.name == "x")
    }

    @Test func versionAndLegacyDiscovery() {
        let version = api.send("GET", "/version?timeout=5s")
        #expect(version.body["gitVersion"] == .string(SandboxVersion.gitVersion))
        let core = api.send("GET", "/api/v1")
        let resources = core.body["resources"]?.arrayValue ?? []
        #expect(resources.contains { $0["name"] == "configmaps" && $0["shortNames"] == ["cm"] && $0["namespaced"] == true })
        #expect(resources.contains { $0["name"] == "namespaces" && $0["namespaced"] == false })
        let apps = api.send("GET", "/apis/apps/v1").body["resources"]?.arrayValue ?? []
        #expect(apps.contains { $0["name"] == "deployments/status" })
        #expect(apps.contains { $0["name"] == "deployments" && $0["categories"] == ["all"] })
        let groups = api.send("GET", "/apis").body
        #expect(groups["kind"] == "APIGroupList")
        #expect(api.send("GET", "/apis/nope.example/v1").status == 404)
    }

    @Test func aggregatedDiscoveryUsesTheExactContentType() {
        let answer = api.send("GET", "/api", accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
        #expect(answer.contentType == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        let core = answer.body["items"]?.arrayValue?.first
        #expect(core?[path: ["metadata", "name"]] == "")
        let pods = core?["versions"]?.arrayValue?.first?["resources"]?.arrayValue?.first { $0["resource"] == "pods" }
        #expect(pods?["scope"] == "Namespaced")
        #expect(pods?["subresources"]?.arrayValue?.first?["subresource"] == "status")
    }

    @Test func openAPIv3AdvertisesFieldValidation() {
        let root = api.send("GET", "/openapi/v3").body
        let url = root[path: ["paths", "apis/apps/v1", "serverRelativeURL"]]?.stringValue ?? ""
        #expect(url.hasPrefix("/openapi/v3/apis/apps/v1?hash="))
        let doc = api.send("GET", url).body
        let patch = doc[path: ["paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch"]]
        #expect(patch?["x-kubernetes-group-version-kind"] == ["group": "apps", "version": "v1", "kind": "Deployment"])
        #expect(patch?["parameters"]?.arrayValue?.contains { $0["name"] == "fieldValidation" } == true)
    }

    @Test func faultSettingsSplitTheRoll() {
        var rng = SystemRandomNumberGenerator()
        let always429 = FaultSettings(tooManyRequestsRate: 1)
        #expect((0..<20).allSatisfy { _ in always429.decide(using: &rng) == .tooManyRequests })
        let never = FaultSettings()
        #expect((0..<20).allSatisfy { _ in never.decide(using: &rng) == .proceed })
        let env = FaultSettings.fromEnvironment(["SANDBOX_FAULT_500_RATE": "0.5", "SANDBOX_FAULT_LATENCY_MS": "20"])
        #expect(env.serverErrorRate == 0.5)
        #expect(env.latency == .milliseconds(20))
    }
}
