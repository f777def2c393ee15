import ChartRender
import Foundation
import KubeClient
import Sandbox
import Testing
@testable import Releases

/// Helm 4's `--server-side=false|true|auto`: client-side apply (create, then three-way merge
/// patches) against the sandbox, and which method each operation records.
@Suite(.serialized) struct ClientSideApplyTests {
    // MARK: the patch itself

    @Test func patchRemovesWhatTheChartDroppedAndKeepsOtherWritersFields() {
        let original: JSON = ["data": ["a": "one", "b": "two"], "metadata": ["labels": ["app": "x", "tier": "web"]]]
        let modified: JSON = ["data": ["a": "uno"], "metadata": ["labels": ["app": "x"]]]
        let current: JSON = ["data": ["a": "one", "b": "two", "theirs": "kept"],
                             "metadata": ["labels": ["app": "x", "tier": "web", "injected": "yes"], "resourceVersion": "7", "uid": "u1"],
                             "status": ["phase": "Active"]]
        let patch = ThreeWayMergePatch.make(original: original, modified: modified, current: current)
        #expect(patch == ["data": ["a": "uno", "b": .null], "metadata": ["labels": ["tier": .null]]])
        // Nothing to do: an empty patch (no request is sent).
        #expect(ThreeWayMergePatch.make(original: modified, modified: modified, current: current.merging(patch)) == [:])
    }

    @Test func patchListsWholeOnlyWhenTheChartChangedThemOrTheLiveListDiffers() {
        let container: JSON = ["name": "app", "image": "nginx", "args": ["--a"]]
        let defaulted: JSON = ["name": "app", "image": "nginx", "args": ["--a"], "imagePullPolicy": "Always"]
        let spec = { (c: JSON) -> JSON in ["spec": ["containers": [c], "replicas": 1]] }
        // Unchanged in the chart and held live (with server defaults): not sent.
        #expect(ThreeWayMergePatch.make(original: spec(container), modified: spec(container), current: spec(defaulted)) == [:])
        // A field removed from a list item: the whole list goes, without it.
        let noArgs: JSON = ["name": "app", "image": "nginx"]
        #expect(ThreeWayMergePatch.make(original: spec(container), modified: spec(noArgs), current: spec(defaulted))
            == ["spec": ["containers": [noArgs]]])
        // Someone changed the live list: the chart's list is restored.
        let edited: JSON = ["name": "app", "image": "httpd", "args": ["--a"]]
        #expect(ThreeWayMergePatch.make(original: spec(container), modified: spec(container), current: spec(edited))
            == ["spec": ["containers": [container]]])
        // 1 and 1.0 are the same number; no original (adoption) means nothing is deleted.
        #expect(ThreeWayMergePatch.make(original: nil, modified: ["spec": ["replicas": 1]], current: ["spec": ["replicas": .double(1), "paused": false]]) == [:])
    }

    @Test func strategicPatchMergesKeyedListsItemByItem() {
        let original: JSON = ["spec": ["containers": [["name": "a", "image": "x:1", "args": ["-v"]], ["name": "old", "image": "y"]]],
                              "metadata": ["finalizers": ["f1", "f2"]]]
        let modified: JSON = ["spec": ["containers": [["name": "a", "image": "x:2"], ["name": "new", "image": "z"]]],
                              "metadata": ["finalizers": ["f1", "f3"]]]
        let current: JSON = ["spec": ["containers": [["name": "a", "image": "x:1", "args": ["-v"], "imagePullPolicy": "IfNotPresent"],
                                                     ["name": "old", "image": "y"], ["name": "injected", "image": "proxy"]]],
                             "metadata": ["finalizers": ["f1", "f2", "theirs"]]]
        let patch = ThreeWayMergePatch.make(original: original, modified: modified, current: current, strategic: true)
        #expect(patch == ["spec": ["containers": [["name": "old", "$patch": "delete"], ["name": "a", "image": "x:2", "args": .null],
                                                  ["name": "new", "image": "z"]]],
                          "metadata": ["finalizers": ["f3"], "$deleteFromPrimitiveList/finalizers": ["f2"]]])
        // Unchanged: nothing (the injected container and the default stay untouched).
        #expect(ThreeWayMergePatch.make(original: original, modified: original, current: current, strategic: true) == [:])
        // Lists without a merge key are replaced whole, as in a JSON merge patch.
        #expect(ThreeWayMergePatch.make(original: ["spec": ["args": ["a"]]], modified: ["spec": ["args": ["b"]]], current: ["spec": ["args": ["a"]]],
                                        strategic: true) == ["spec": ["args": ["b"]]])
        #expect(ThreeWayMergePatch.isBuiltIn(apiVersion: "v1") && ThreeWayMergePatch.isBuiltIn(apiVersion: "apps/v1")
            && ThreeWayMergePatch.isBuiltIn(apiVersion: "networking.k8s.io/v1"))
        #expect(!ThreeWayMergePatch.isBuiltIn(apiVersion: "example.com/v1") && !ThreeWayMergePatch.isBuiltIn(apiVersion: "gateway.networking.k8s.io/v1"))
    }

    // MARK: against the sandbox

    static let configChart: [String: String] = [
        "values.yaml": "a: one\nwithB: true\nreplicas: 1\nargs: true\n",
        "templates/cm.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels:
            tier: web
        data:
          a: {{ .Values.a | quote }}
          {{- if .Values.withB }}
          b: two
          {{- end }}
        """,
        "templates/deploy.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: {{ .Values.replicas }}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx
                  {{- if .Values.args }}
                  args: ["--verbose"]
                  {{- end }}
        """,
    ]

    static func options(_ method: ApplyMethodChoice) -> ReleaseActionOptions {
        var o = fastOptions()
        o.serverSide = method
        return o
    }

    static func managers(_ o: JSON?) -> [String] {
        (o?[path: ["metadata", "managedFields"]]?.arrayValue ?? []).map { "\($0["manager"]?.stringValue ?? "?")/\($0["operation"]?.stringValue ?? "?")" }
    }

    @Test func installClientSideCreatesObjectsWithoutAnApplyEntry() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", Self.configChart)
        let r = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: Self.options(.clientSide))
        #expect(r.status == .deployed)
        #expect(r.applyMethod == "csa")
        let stored = try #require(try await h.engine.history(name: "app", namespace: "default").last)
        #expect(stored.applyMethod == "csa")
        for (apiVersion, kind, name) in [("v1", "ConfigMap", "settings"), ("apps/v1", "Deployment", "web")] {
            let o = try #require(try await h.get(apiVersion, kind, name, namespace: "default"))
            #expect(Self.managers(o).contains("tarsctl/Update"), "\(kind): \(Self.managers(o))")
            #expect(!Self.managers(o).contains("tarsctl/Apply"), "\(kind): \(Self.managers(o))")
            // Ownership marks as with server-side apply.
            #expect(o[path: ["metadata", "annotations", "meta.helm.sh/release-name"]] == "app")
            #expect(o[path: ["metadata", "annotations", "meta.helm.sh/release-namespace"]] == "default")
            #expect(o[path: ["metadata", "labels", "app.kubernetes.io/managed-by"]] == "Helm")
        }
        #expect(h.logLines.all.contains("created ConfigMap/settings in namespace default"))
        // The default (server-side) is unchanged: an Apply entry.
        let ssa = try await h.engine.install(name: "other", namespace: "other", chart: try h.chart("other", [
            "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  x: \"1\"\n",
        ]), values: [:], options: { var o = fastOptions(); o.createNamespace = true; return o }())
        #expect(ssa.applyMethod == "ssa")
        #expect(Self.managers(try await h.get("v1", "ConfigMap", "other", namespace: "other")).contains("tarsctl/Apply"))
        await h.stop()
    }

    @Test func clientSideUpgradeRemovesDroppedFieldsAndKeepsOtherWriters() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", Self.configChart)
        _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: Self.options(.clientSide))
        // Another writer adds a key and a label the chart never set.
        _ = try await h.client.patch(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "settings",
                                     patch: ["data": ["theirs": "kept"], "metadata": ["labels": ["injected": "yes"]]], fieldManager: "someone-else")
        _ = try await h.client.patch(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web",
                                     patch: ["metadata": ["annotations": ["note": "by hand"]]], fieldManager: "someone-else")
        // ...and a sidecar container and an env var on the chart's container (a strategic merge).
        _ = try await h.client.patch(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web",
                                     patch: ["spec": ["template": ["spec": ["containers": [["name": "sidecar", "image": "envoy"],
                                                                                           ["name": "web", "env": [["name": "FROM", "value": "elsewhere"]]]]]]]],
                                     type: .strategicMerge, fieldManager: "someone-else")

        // auto follows the install's csa; b and the container's args leave the chart, a and replicas change.
        let up = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart,
                                            values: ["a": .string("uno"), "withB": .bool(false), "replicas": .int(3), "args": .bool(false)], options: Self.options(.auto))
        #expect(up.release.applyMethod == "csa")
        let cm = try #require(try await h.get("v1", "ConfigMap", "settings", namespace: "default"))
        #expect(cm["data"] == ["a": "uno", "theirs": "kept"])
        #expect(cm[path: ["metadata", "labels", "injected"]] == "yes")
        #expect(cm[path: ["metadata", "labels", "tier"]] == "web")
        #expect(!Self.managers(cm).contains("tarsctl/Apply"))
        let web = try #require(try await h.get("apps/v1", "Deployment", "web", namespace: "default"))
        #expect(web[path: ["spec", "replicas"]] == .int(3))
        // Built-in kind: a strategic merge patch, so the containers list merges by name.
        let containers = web[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        #expect(containers.compactMap { $0["name"]?.stringValue }.sorted() == ["sidecar", "web"])
        let container = try #require(containers.first { $0["name"] == "web" })
        #expect(container["args"] == nil)
        #expect(container["image"] == "nginx")
        #expect(container["env"] == [["name": "FROM", "value": "elsewhere"]])
        #expect(web[path: ["metadata", "annotations", "note"]] == "by hand")
        #expect(h.logLines.all.contains("patched ConfigMap/settings in namespace default"))

        // A field a writer changed live that the chart sets is put back; an object no longer
        // rendered is pruned; an unchanged object is not written.
        _ = try await h.client.patch(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "settings",
                                     patch: ["data": ["a": "tampered"]], fieldManager: "someone-else")
        let files = Self.configChart.filter { $0.key != "templates/deploy.yaml" }
        let smaller = try h.chart("app2", files.merging(["templates/deploy2.yaml": Self.configChart["templates/deploy.yaml"]!.replacingOccurrences(of: "name: web", with: "name: web2")]) { $1 })
        _ = try await h.engine.upgrade(name: "app", namespace: "default", chart: smaller,
                                       values: ["a": .string("uno"), "withB": .bool(false), "replicas": .int(3), "args": .bool(false)], options: Self.options(.auto))
        #expect(try await h.get("v1", "ConfigMap", "settings", namespace: "default")?[path: ["data", "a"]] == "uno")
        #expect(try await h.get("apps/v1", "Deployment", "web", namespace: "default") == nil)
        #expect(try await h.get("apps/v1", "Deployment", "web2", namespace: "default") != nil)
        _ = try await h.engine.upgrade(name: "app", namespace: "default", chart: smaller,
                                       values: ["a": .string("uno"), "withB": .bool(false), "replicas": .int(3), "args": .bool(false)], options: { var o = Self.options(.auto); o.force = true; return o }())
        #expect(h.logLines.all.contains("unchanged Deployment/web2 in namespace default"))
        await h.stop()
    }

    @Test func autoFollowsTheNewestRevisionAndRollbackTheTargetRevision() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", Self.configChart)
        func method(_ values: [String: Value], _ choice: ApplyMethodChoice) async throws -> String {
            try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: values, options: Self.options(choice)).release.applyMethod
        }
        let r1 = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: Self.options(.auto))
        #expect(r1.applyMethod == "ssa")
        #expect(try await method(["a": .string("2")], .auto) == "ssa")                    // 2
        #expect(try await method(["a": .string("3"), "withB": .bool(false)], .clientSide) == "csa") // 3
        #expect(try await method(["a": .string("4"), "withB": .bool(false)], .auto) == "csa")   // 4
        // Switching back to server-side with the same manifest is not "no change".
        #expect(try await method(["a": .string("4"), "withB": .bool(false)], .serverSide) == "ssa") // 5
        let history = try await h.engine.history(name: "app", namespace: "default")
        #expect(history.map(\.applyMethod) == ["ssa", "ssa", "csa", "csa", "ssa"])

        // Rollback to 4 (csa): auto uses revision 4's method; b stays removed, a is "4".
        let r6 = try await h.engine.rollback(name: "app", namespace: "default", revision: 4, options: Self.options(.auto))
        #expect(r6.applyMethod == "csa")
        // Rollback to 2 (ssa) under auto: server-side again; b comes back.
        let r7 = try await h.engine.rollback(name: "app", namespace: "default", revision: 2, options: Self.options(.auto))
        #expect(r7.applyMethod == "ssa")
        #expect(try await h.get("v1", "ConfigMap", "settings", namespace: "default")?["data"] == ["a": "2", "b": "two"])
        // Rollback to 3 (csa) forced server-side: recorded ssa.
        let r8 = try await h.engine.rollback(name: "app", namespace: "default", revision: 3, options: Self.options(.serverSide))
        #expect(r8.applyMethod == "ssa")
        // Rollback to 2 (ssa) forced client-side: the three-way patch from revision 8's objects
        // restores b and a.
        let r9 = try await h.engine.rollback(name: "app", namespace: "default", revision: 2, options: Self.options(.clientSide))
        #expect(r9.applyMethod == "csa")
        #expect(try await h.get("v1", "ConfigMap", "settings", namespace: "default")?["data"] == ["a": "2", "b": "two"])
        let stored = try await h.engine.history(name: "app", namespace: "default").map(\.applyMethod)
        #expect(stored.suffix(4) == ["csa", "ssa", "ssa", "csa"])
        await h.stop()
    }

    /// The adoption rules do not depend on the method: an unowned object is refused before
    /// anything changes; with take-ownership it is patched (its other fields kept) and marked.
    @Test func clientSideKeepsTheAdoptionRules() async throws {
        let h = try await ActionsHarness.start()
        _ = try await h.client.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings", "namespace": "default"],
                                       "data": ["a": "old", "extra": "mine"]], fieldManager: "someone-else")
        let chart = try h.chart("app", Self.configChart)
        let refused = await #expect(throws: ReleaseActionError.self) {
            _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: Self.options(.clientSide))
        }
        #expect(refused?.description.contains("ConfigMap/settings in namespace default exists and is not managed by any release") == true)
        #expect(try await h.get("apps/v1", "Deployment", "web", namespace: "default") == nil)
        #expect(try await h.engine.history(name: "app", namespace: "default").isEmpty)
        var adopt = Self.options(.clientSide)
        adopt.takeOwnership = true
        let r = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: adopt)
        #expect(r.applyMethod == "csa")
        let cm = try #require(try await h.get("v1", "ConfigMap", "settings", namespace: "default"))
        #expect(cm["data"] == ["a": "one", "b": "two", "extra": "mine"])
        #expect(cm[path: ["metadata", "annotations", "meta.helm.sh/release-name"]] == "app")
        #expect(cm[path: ["metadata", "labels", "app.kubernetes.io/managed-by"]] == "Helm")
        await h.stop()
    }

    /// `diff upgrade` and the no-change check use the method the upgrade would: for a
    /// client-side release the dry-run patch shows a field the chart dropped going away.
    @Test func diffAndNoChangeFollowTheClientSideMethod() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", Self.configChart)
        _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: Self.options(.clientSide))
        let diff = try await h.engine.diffUpgrade(name: "app", namespace: "default", chart: chart, values: ["withB": .bool(false)],
                                                  options: Self.options(.auto), diffOptions: DiffOptions(desiredLabel: "upgrade"))
        let text = diff.render()
        #expect(text.contains("-  b: two"), "\(text)")
        #expect(!text.contains("Deployment"), "\(text)")
        let same = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart, values: [:], options: Self.options(.auto))
        #expect(same.unchanged)
        #expect(same.release.version == 1)
        await h.stop()
    }

    /// Helm's UpgradeClientSideFieldManager: switching a client-side release to server-side
    /// apply moves tarsctl's Update ownership to its Apply entry, so a field the new revision
    /// drops is removed live (it would stay, still owned by the Update entry, otherwise).
    @Test func switchingToServerSideMovesOwnershipSoDroppedFieldsGo() async throws {
        let h = try await ActionsHarness.start()
        let chart = try h.chart("app", Self.configChart)
        _ = try await h.engine.install(name: "app", namespace: "default", chart: chart, values: [:], options: Self.options(.clientSide))
        _ = try await h.client.patch(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "settings",
                                     patch: ["data": ["theirs": "kept"]], fieldManager: "someone-else")
        let up = try await h.engine.upgrade(name: "app", namespace: "default", chart: chart,
                                            values: ["a": .string("uno"), "withB": .bool(false)], options: Self.options(.serverSide))
        #expect(up.release.applyMethod == "ssa")
        let cm = try #require(try await h.get("v1", "ConfigMap", "settings", namespace: "default"))
        #expect(cm["data"] == ["a": "uno", "theirs": "kept"])
        #expect(Self.managers(cm).contains("tarsctl/Apply"))
        #expect(!Self.managers(cm).contains("tarsctl/Update"))
        #expect(Self.managers(cm).contains("someone-else/Update"))
        #expect(h.logLines.all.contains("moved client-side field ownership of ConfigMap/settings in namespace default to server-side apply"))
        await h.stop()
    }

    @Test func ownershipMigrationMergesUpdateEntriesIntoTheApplyEntry() throws {
        let entries: [JSON] = [
            ["manager": "tarsctl", "operation": "Update", "apiVersion": "v1", "time": "t1", "fieldsType": "FieldsV1",
             "fieldsV1": ["f:data": ["f:a": [:], "f:b": [:]]]],
            ["manager": "helm", "operation": "Update", "apiVersion": "v1", "time": "t0", "fieldsType": "FieldsV1",
             "fieldsV1": ["f:metadata": ["f:labels": ["f:tier": [:]]]]],
            ["manager": "tarsctl", "operation": "Update", "apiVersion": "v1", "time": "t1", "subresource": "status", "fieldsType": "FieldsV1",
             "fieldsV1": ["f:status": [:]]],
            ["manager": "other", "operation": "Update", "apiVersion": "v1", "time": "t2", "fieldsType": "FieldsV1", "fieldsV1": ["f:data": ["f:x": [:]]]],
        ]
        let out = try #require(ClusterOperations.migratedManagedFields(entries))
        #expect(out.count == 3)
        #expect(out[0]["subresource"] == "status")
        #expect(out[1]["manager"] == "other")
        #expect(out[2] == ["manager": "tarsctl", "operation": "Apply", "apiVersion": "v1", "time": "t1", "fieldsType": "FieldsV1",
                           "fieldsV1": ["f:data": ["f:a": [:], "f:b": [:]], "f:metadata": ["f:labels": ["f:tier": [:]]]]])
        #expect(ClusterOperations.migratedManagedFields([entries[3]]) == nil)
    }

    /// A custom resource has no strategic merge patch (the sandbox answers 415 for one, as the
    /// API server does): client-side apply patches it with a JSON merge patch.
    @Test func customResourceGoesThroughMergePatch() async throws {
        let h = try await ActionsHarness.start()
        let files: [String: String] = [
            "crds/widgets.yaml": ActionsHarness.widgetCRD,
            "values.yaml": "size: 3\ncolor: blue\n",
            "templates/widget.yaml": """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: first
            spec:
              size: {{ .Values.size }}
              {{- with .Values.color }}
              color: {{ . }}
              {{- end }}
              parts: [a, b]
            """,
        ]
        let chart = try h.chart("widgets", files)
        let r1 = try await h.engine.install(name: "widgets", namespace: "default", chart: chart, values: [:], options: Self.options(.clientSide))
        #expect(r1.applyMethod == "csa")
        _ = try await h.client.patch(apiVersion: "example.com/v1", kind: "Widget", namespace: "default", name: "first",
                                     patch: ["spec": ["owner": "ops"]], fieldManager: "someone-else")
        // A strategic merge patch is refused for this kind, so only a merge patch can succeed.
        await #expect(throws: KubeAPIError.self) {
            _ = try await h.client.patch(apiVersion: "example.com/v1", kind: "Widget", namespace: "default", name: "first",
                                         patch: ["spec": ["size": 9]], type: .strategicMerge)
        }
        let up = try await h.engine.upgrade(name: "widgets", namespace: "default", chart: chart, values: ["size": .int(5), "color": .null],
                                            options: Self.options(.auto))
        #expect(up.release.applyMethod == "csa")
        #expect(up.release.status == .deployed)
        let w = try #require(try await h.get("example.com/v1", "Widget", "first", namespace: "default"))
        #expect(w["spec"] == ["size": 5, "parts": ["a", "b"], "owner": "ops"])
        #expect(Self.managers(w).contains("tarsctl/Update"))
        #expect(!Self.managers(w).contains("tarsctl/Apply"))
        #expect(h.logLines.all.contains("patched Widget/first in namespace default"))
        await h.stop()
    }
}

extension JSON {
    /// `self` with an RFC 7386 merge patch applied (for checking a patch's effect in tests).
    func merging(_ patch: JSON) -> JSON {
        guard case .object(let p) = patch else { return patch }
        var out = objectValue ?? [:]
        for (k, v) in p {
            if v.isNull { out[k] = nil } else { out[k] = (out[k] ?? .null).merging(v) }
        }
        return .object(out)
    }
}
