import KubeClient
import Foundation
import Testing
@testable import Sandbox

@Suite struct LifecycleTests {
    let api = TestAPI()
    let cms = "/api/v1/namespaces/default/configmaps"

    @Test func finalizersHoldDeletionUntilRemoved() {
        var cm = configMap("held")
        cm[path: ["metadata", "finalizers"]] = ["example.com/hold"]
        api.send("POST", cms, cm)
        let deleted = api.send("DELETE", "\(cms)/held")
        #expect(deleted.status == 200)
        let held = api.send("GET", "\(cms)/held")
        #expect(held.status == 200)
        #expect(held.body[path: ["metadata", "deletionTimestamp"]] != nil)
        let release = api.send("PATCH", "\(cms)/held", ["metadata": ["finalizers": nil]], contentType: "application/merge-patch+json")
        #expect(release.status == 200)
        #expect(api.send("GET", "\(cms)/held").status == 404)
    }

    @Test func deleteReturnsObjectThenNotFound() {
        api.send("POST", cms, configMap("a"))
        let deleted = api.send("DELETE", "\(cms)/a", ["propagationPolicy": "Background"])
        #expect(deleted.status == 200)
        #expect(deleted.body.name == "a")
        #expect(api.send("DELETE", "\(cms)/a").status == 404)
    }

    @Test func ownerReferencesCascade() {
        let owner = api.send("POST", cms, configMap("owner")).body
        var child = configMap("child")
        child[path: ["metadata", "ownerReferences"]] = [["apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner[path: ["metadata", "uid"]] ?? ""]]
        api.send("POST", cms, child)
        api.send("DELETE", "\(cms)/owner")
        api.settle()
        #expect(api.send("GET", "\(cms)/child").status == 404)
    }

    @Test func orphanPropagationKeepsDependents() {
        let owner = api.send("POST", cms, configMap("owner")).body
        var child = configMap("child")
        child[path: ["metadata", "ownerReferences"]] = [["apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner[path: ["metadata", "uid"]] ?? ""]]
        api.send("POST", cms, child)
        api.send("DELETE", "\(cms)/owner", ["propagationPolicy": "Orphan"])
        api.settle()
        let kept = api.send("GET", "\(cms)/child")
        #expect(kept.status == 200)
        #expect(kept.body[path: ["metadata", "ownerReferences"]] == nil)
    }

    @Test func namespaceDeletionRemovesItsObjects() {
        api.send("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "tmp"]])
        api.send("POST", "/api/v1/namespaces/tmp/configmaps", configMap("x", namespace: "tmp"))
        let deleting = api.send("DELETE", "/api/v1/namespaces/tmp")
        #expect(deleting.body[path: ["status", "phase"]] == "Terminating")
        let refused = api.send("POST", "/api/v1/namespaces/tmp/configmaps", configMap("y", namespace: "tmp"))
        #expect(refused.status == 403)
        #expect(refused.reason == "Forbidden")
        api.settle()
        #expect(api.send("GET", "/api/v1/namespaces/tmp/configmaps/x").status == 404)
        #expect(api.send("GET", "/api/v1/namespaces/tmp").status == 404)
    }

    @Test func deploymentRollsOutThroughReplicaSetAndPods() {
        api.send("POST", "/apis/apps/v1/namespaces/default/deployments", deployment("web", replicas: 3))
        api.settle()
        let d = api.send("GET", "/apis/apps/v1/namespaces/default/deployments/web").body
        #expect(d[path: ["status", "observedGeneration"]] == .int(1))
        #expect(d[path: ["status", "updatedReplicas"]] == .int(3))
        #expect(d[path: ["status", "readyReplicas"]] == .int(3))
        #expect(d[path: ["status", "availableReplicas"]] == .int(3))
        let conditions = d[path: ["status", "conditions"]]?.arrayValue ?? []
        #expect(conditions.contains { $0["type"] == "Available" && $0["status"] == "True" })
        #expect(conditions.contains { $0["type"] == "Progressing" && $0["reason"] == "NewReplicaSetAvailable" })
        let rs = api.send("GET", "/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb").body["items"]?.arrayValue ?? []
        #expect(rs.count == 1)
        #expect(rs.first?[path: ["metadata", "labels", "pod-template-hash"]] != nil)
        #expect(rs.first?[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["controller"] == true)
        let pods = api.send("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb").body["items"]?.arrayValue ?? []
        #expect(pods.count == 3)
        #expect(pods.allSatisfy { $0[path: ["status", "phase"]] == "Running" })
    }

    @Test func jobCompletesOrFailsByAnnotation() {
        func job(_ name: String, fail: Bool) -> JSON {
            var template: JSON = ["spec": ["restartPolicy": "Never", "containers": [["name": "m", "image": "busybox:1"]]]]
            if fail { template[path: ["metadata", "annotations"]] = ["sandbox.tarsctl.dev/fail": "true"] }
            return ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": .string(name)], "spec": ["template": template]]
        }
        api.send("POST", "/apis/batch/v1/namespaces/default/jobs", job("ok", fail: false))
        api.send("POST", "/apis/batch/v1/namespaces/default/jobs", job("bad", fail: true))
        api.settle()
        let ok = api.send("GET", "/apis/batch/v1/namespaces/default/jobs/ok").body
        #expect(ok[path: ["status", "succeeded"]] == .int(1))
        #expect(ok[path: ["status", "completionTime"]] != nil)
        #expect(ok[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Complete" && $0["status"] == "True" } == true)
        let bad = api.send("GET", "/apis/batch/v1/namespaces/default/jobs/bad").body
        #expect(bad[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Failed" && $0["status"] == "True" } == true)
    }

    @Test func pvcBindsAndServicesGetAddresses() {
        api.send("POST", "/api/v1/namespaces/default/persistentvolumeclaims", ["apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": ["name": "data"],
            "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "1Gi"]]]])
        let svc = api.send("POST", "/api/v1/namespaces/default/services", ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "lb"],
            "spec": ["type": "LoadBalancer", "ports": [["port": 80]]]]).body
        #expect(svc[path: ["spec", "clusterIP"]]?.stringValue?.hasPrefix("10.96.") == true)
        #expect(svc[path: ["spec", "ports"]]?.arrayValue?.first?["targetPort"] == .int(80))
        api.settle()
        #expect(api.send("GET", "/api/v1/namespaces/default/persistentvolumeclaims/data").body[path: ["status", "phase"]] == "Bound")
        #expect(api.send("GET", "/api/v1/namespaces/default/services/lb").body[path: ["status", "loadBalancer", "ingress"]]?.arrayValue?.count == 1)
    }

    @Test func statefulSetAndDaemonSetReportReady() {
        var sts = deployment("db")
        sts["kind"] = "StatefulSet"
        api.send("POST", "/apis/apps/v1/namespaces/default/statefulsets", sts)
        var ds = deployment("agent")
        ds["kind"] = "DaemonSet"
        ds[path: ["spec", "replicas"]] = nil
        api.send("POST", "/apis/apps/v1/namespaces/default/daemonsets", ds)
        api.settle()
        let s = api.send("GET", "/apis/apps/v1/namespaces/default/statefulsets/db").body
        #expect(s[path: ["status", "readyReplicas"]] == .int(2))
        #expect(s[path: ["status", "currentRevision"]] == s[path: ["status", "updateRevision"]])
        let d = api.send("GET", "/apis/apps/v1/namespaces/default/daemonsets/agent").body
        #expect(d[path: ["status", "numberReady"]] == d[path: ["status", "desiredNumberScheduled"]])
    }

    @Test func crdServesCustomResources() {
        let crd: JSON = ["apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": "clusterissuers.cert-manager.io"],
            "spec": ["group": "cert-manager.io", "scope": "Cluster",
                     "names": ["plural": "clusterissuers", "singular": "clusterissuer", "kind": "ClusterIssuer"],
                     "versions": [["name": "v1", "served": true, "storage": true, "schema": ["openAPIV3Schema": ["type": "object"]], "subresources": ["status": .object([:])]]]]]
        #expect(api.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).status == 201)
        let issuer: JSON = ["apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": ["name": "letsencrypt"], "spec": ["acme": ["email": "a@b.c"]]]
        let created = api.send("POST", "/apis/cert-manager.io/v1/clusterissuers", issuer)
        #expect(created.status == 201)
        #expect(created.body[path: ["metadata", "generation"]] == .int(1))
        #expect(api.send("PATCH", "/apis/cert-manager.io/v1/clusterissuers/letsencrypt", ["spec": ["x": 1]], contentType: "application/strategic-merge-patch+json").status == 415)
        let discovery = api.send("GET", "/apis", accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
        #expect(discovery.contentType == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        #expect(discovery.body["items"]?.arrayValue?.contains { $0[path: ["metadata", "name"]] == "cert-manager.io" } == true)
        api.settle()
        let status = api.send("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusterissuers.cert-manager.io").body
        #expect(status[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Established" && $0["status"] == "True" } == true)
    }

    @Test func persistsAcrossSnapshotAndRestore() {
        api.send("POST", cms, configMap("kept"))
        let snapshot = api.cluster.snapshot()
        let other = Cluster()
        other.restore(snapshot)
        let type = other.type(group: "", version: "v1", plural: "configmaps")
        #expect(type != nil)
        if let type { #expect((try? other.get(type, namespace: "default", name: "kept"))?.name == "kept") }
        #expect(other.currentResourceVersion == api.cluster.currentResourceVersion)
    }
}

@Suite struct UIDTests {
    @Test func uidsAreRandomVersion4UUIDsInLowerCase() {
        let uids = (0..<200).map { _ in Cluster.randomUID() }
        #expect(Set(uids).count == uids.count)
        for uid in uids {
            let groups = uid.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            #expect(groups.map(\.count) == [8, 4, 4, 4, 12], "\(uid)")
            #expect(uid.allSatisfy { $0 == "-" || ("0"..."9").contains($0) || ("a"..."f").contains($0) }, "\(uid)")
            #expect(groups.count == 5 && groups[2].first == "4" && "89ab".contains(groups[3].first ?? "x"), "\(uid)")
        }
    }
}
