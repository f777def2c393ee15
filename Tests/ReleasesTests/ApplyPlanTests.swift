import KubeClient
import Testing
@testable import Releases

@Suite struct ApplyPlanTests {
    static func obj(_ kind: String, _ name: String, apiVersion: String = "v1", annotations: [String: JSON] = [:]) -> JSON {
        var o: JSON = ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": ["name": .string(name)]]
        if !annotations.isEmpty { o[path: ["metadata", "annotations"]] = .object(annotations) }
        return o
    }

    static func names(_ groups: [[JSON]]) -> [[String]] { groups.map { $0.map { ObjectKey($0).description } } }

    @Test func installAndUninstallGroupsFollowHelmsKindOrder() {
        let objects = [Self.obj("Deployment", "web", apiVersion: "apps/v1"), Self.obj("Widget", "w", apiVersion: "x.io/v1"),
                       Self.obj("ConfigMap", "a"), Self.obj("Service", "web"), Self.obj("ConfigMap", "b"),
                       Self.obj("Namespace", "ns"), Self.obj("Alpha", "z", apiVersion: "x.io/v1"),
                       Self.obj("CustomResourceDefinition", "widgets.x.io", apiVersion: "apiextensions.k8s.io/v1")]
        #expect(Self.names(ApplyPlan.installGroups(objects)) == [
            ["Namespace/ns"], ["ConfigMap/a", "ConfigMap/b"], ["CustomResourceDefinition/widgets.x.io"], ["Service/web"],
            ["Deployment/web"], ["Alpha/z"], ["Widget/w"],
        ])
        #expect(Self.names(ApplyPlan.uninstallGroups(objects)) == [
            ["Service/web"], ["Deployment/web"], ["CustomResourceDefinition/widgets.x.io"], ["ConfigMap/a", "ConfigMap/b"],
            ["Namespace/ns"], ["Alpha/z"], ["Widget/w"],
        ])
    }

    /// Independent kinds share a wave; each kind comes after every kind it needs, and Helm's
    /// order holds between the waves.
    @Test(arguments: [
        // The T.A.R.S. chart: configuration and Services together, then the workloads and the Ingress.
        (["Deployment", "Ingress", "NetworkPolicy", "Service", "PersistentVolumeClaim", "ConfigMap", "Secret", "ServiceAccount"],
         [["NetworkPolicy", "ServiceAccount", "Secret", "ConfigMap", "PersistentVolumeClaim", "Service"], ["Deployment", "Ingress"]]),
        // Namespaces and admission kinds first; claims after their StorageClass; bindings after roles.
        (["Namespace", "LimitRange", "ConfigMap", "StorageClass", "PersistentVolumeClaim", "Role", "RoleBinding", "Pod"],
         [["Namespace"], ["LimitRange"], ["ConfigMap", "StorageClass", "Role"], ["PersistentVolumeClaim", "RoleBinding"], ["Pod"]]),
        // CRDs before everything after them; IngressClass before Ingress; webhooks, then custom resources last, one kind at a time.
        (["Widget", "Alpha", "ValidatingWebhookConfiguration", "APIService", "Ingress", "IngressClass", "CustomResourceDefinition", "Service", "Job"],
         [["CustomResourceDefinition"], ["Service", "IngressClass"], ["Job", "Ingress"], ["APIService"], ["ValidatingWebhookConfiguration"], ["Alpha"], ["Widget"]]),
    ])
    func installWavesKeepDependencies(kinds: [String], waves: [[String]]) {
        let objects = kinds.map { Self.obj($0, $0.lowercased()) }
        #expect(ApplyPlan.installWaves(objects).map { $0.map { $0["kind"]?.stringValue ?? "" } } == waves)
    }

    @Test func ownershipMarksAndChecks() {
        let marked = ApplyPlan.markOwned(Self.obj("ConfigMap", "c", annotations: ["keep": "me"]), release: "tars", namespace: "apps")
        #expect(marked[path: ["metadata", "annotations"]] == ["keep": "me", "meta.helm.sh/release-name": "tars",
                                                              "meta.helm.sh/release-namespace": "apps"])
        #expect(marked[path: ["metadata", "labels"]] == ["app.kubernetes.io/managed-by": "Helm"])
        #expect(ApplyPlan.ownershipConflict(live: marked, release: "tars", namespace: "apps") == nil)
        var other = ApplyPlan.markOwned(Self.obj("ConfigMap", "c"), release: "blog", namespace: "web")
        other[path: ["metadata", "namespace"]] = "apps"
        #expect(ApplyPlan.ownershipConflict(live: other, release: "tars", namespace: "apps")
            == "ConfigMap/c in namespace apps already exists and belongs to release blog (namespace web); uninstall that release or remove the object first, or pass --take-ownership to adopt it into release tars")
        #expect(ApplyPlan.ownershipConflict(live: Self.obj("ConfigMap", "c"), release: "tars", namespace: "apps")
            == "ConfigMap/c already exists and is not managed by any release; delete it first, or pass --take-ownership to adopt it into release tars")
    }

    @Test func pruneSetIsWhatTheNewRevisionDropsExceptKeptObjects() {
        let previous = [Self.obj("ConfigMap", "old"), Self.obj("Deployment", "web", apiVersion: "apps/v1"),
                        Self.obj("Service", "gone"), Self.obj("PersistentVolumeClaim", "data",
                                                               annotations: ["helm.sh/resource-policy": "keep"])]
        let next = [Self.obj("Deployment", "web", apiVersion: "apps/v1beta2"), Self.obj("ConfigMap", "new")]
        #expect(ApplyPlan.pruneSet(previous: previous, next: next).map { ObjectKey($0).description }
            == ["Service/gone", "ConfigMap/old"])
    }
}
