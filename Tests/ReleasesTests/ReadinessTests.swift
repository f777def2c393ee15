import KubeClient
import Testing
@testable import Releases

@Suite struct ReadinessTests {
    static func obj(_ apiVersion: String, _ kind: String, spec: JSON = [:], status: JSON = [:], generation: Int64 = 1) -> JSON {
        ["apiVersion": .string(apiVersion), "kind": .string(kind),
         "metadata": ["name": "x", "generation": .int(generation)], "spec": spec, "status": status]
    }

    static let cases: [(String, JSON, Readiness)] = [
        ("deployment fresh", obj("apps/v1", "Deployment", spec: ["replicas": 3]), .inProgress("0 of 3 replicas updated")),
        ("deployment old generation", obj("apps/v1", "Deployment", spec: ["replicas": 1],
            status: ["observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1, "readyReplicas": 1],
            generation: 2), .inProgress("the controller has not yet observed generation 2 (it has seen 1)")),
        ("deployment rolling", obj("apps/v1", "Deployment", spec: ["replicas": 2],
            status: ["observedGeneration": 1, "replicas": 3, "updatedReplicas": 2, "availableReplicas": 2, "readyReplicas": 2]),
            .inProgress("1 old replicas pending termination")),
        ("deployment unavailable", obj("apps/v1", "Deployment", spec: ["replicas": 2],
            status: ["observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 1, "readyReplicas": 1]),
            .inProgress("1 of 2 updated replicas available")),
        ("deployment ready", obj("apps/v1", "Deployment", spec: ["replicas": 2],
            status: ["observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2, "readyReplicas": 2]),
            .ready),
        ("deployment default replicas", obj("apps/v1", "Deployment",
            status: ["replicas": 1, "updatedReplicas": 1, "availableReplicas": 1, "readyReplicas": 1]), .ready),
        ("deployment deadline", obj("apps/v1", "Deployment", spec: ["replicas": 1],
            status: ["conditions": [["type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                                     "message": "ReplicaSet \"web-5d\" has timed out progressing."]]]),
            .failed("Progressing=False: ProgressDeadlineExceeded: ReplicaSet \"web-5d\" has timed out progressing.")),
        ("statefulset not ready", obj("apps/v1", "StatefulSet", spec: ["replicas": 3],
            status: ["readyReplicas": 2, "currentReplicas": 3]), .inProgress("2 of 3 replicas ready")),
        ("statefulset updating", obj("apps/v1", "StatefulSet", spec: ["replicas": 2],
            status: ["readyReplicas": 2, "currentReplicas": 1, "updatedReplicas": 1, "currentRevision": "db-1", "updateRevision": "db-2"]),
            .inProgress("rolling update to revision db-2: 1 of 2 replicas updated")),
        ("statefulset ready", obj("apps/v1", "StatefulSet", spec: ["replicas": 2],
            status: ["readyReplicas": 2, "currentReplicas": 2, "updatedReplicas": 2, "currentRevision": "db-2", "updateRevision": "db-2"]),
            .ready),
        ("statefulset partition", obj("apps/v1", "StatefulSet",
            spec: ["replicas": 4, "updateStrategy": ["type": "RollingUpdate", "rollingUpdate": ["partition": 2]]],
            status: ["readyReplicas": 4, "updatedReplicas": 2, "currentRevision": "a", "updateRevision": "b"]), .ready),
        ("daemonset unscheduled", obj("apps/v1", "DaemonSet"), .inProgress("no nodes scheduled yet")),
        ("daemonset partial", obj("apps/v1", "DaemonSet", status: ["desiredNumberScheduled": 3, "currentNumberScheduled": 3,
            "updatedNumberScheduled": 3, "numberAvailable": 2, "numberReady": 2]), .inProgress("2 of 3 pods available")),
        ("daemonset ready", obj("apps/v1", "DaemonSet", status: ["desiredNumberScheduled": 2, "currentNumberScheduled": 2,
            "updatedNumberScheduled": 2, "numberAvailable": 2, "numberReady": 2]), .ready),
        ("job running", obj("batch/v1", "Job", spec: ["completions": 1], status: ["active": 1]),
            .inProgress("job not complete: 0 of 1 completions succeeded, 1 running")),
        ("job complete", obj("batch/v1", "Job", status: ["succeeded": 1, "conditions": [["type": "Complete", "status": "True"]]]),
            .ready),
        ("job failed", obj("batch/v1", "Job", status: ["failed": 2, "conditions": [["type": "Failed", "status": "True",
            "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"]]]),
            .failed("Job failed: BackoffLimitExceeded: Job has reached the specified backoff limit")),
        ("pod pending", obj("v1", "Pod", status: ["phase": "Pending"]), .inProgress("pod is Pending, not ready")),
        ("pod crashloop", obj("v1", "Pod", status: ["phase": "Running", "containerStatuses": [
            ["name": "web", "state": ["waiting": ["reason": "CrashLoopBackOff"]]]]]),
            .inProgress("container web is waiting: CrashLoopBackOff")),
        ("pod ready", obj("v1", "Pod", status: ["phase": "Running", "conditions": [["type": "Ready", "status": "True"]]]), .ready),
        ("pod succeeded", obj("v1", "Pod", status: ["phase": "Succeeded"]), .ready),
        ("pod failed", obj("v1", "Pod", status: ["phase": "Failed", "reason": "Evicted"]), .failed("pod failed: Evicted")),
        ("pvc pending", obj("v1", "PersistentVolumeClaim", status: ["phase": "Pending"]),
            .inProgress("claim is Pending, not bound to a volume")),
        ("pvc bound", obj("v1", "PersistentVolumeClaim", status: ["phase": "Bound"]), .ready),
        ("service clusterip", obj("v1", "Service", spec: ["type": "ClusterIP"]), .ready),
        ("service lb pending", obj("v1", "Service", spec: ["type": "LoadBalancer"], status: ["loadBalancer": [:]]),
            .inProgress("waiting for the load balancer's address")),
        ("service lb ready", obj("v1", "Service", spec: ["type": "LoadBalancer"],
            status: ["loadBalancer": ["ingress": [["ip": "10.0.0.5"]]]]), .ready),
        ("crd pending", obj("apiextensions.k8s.io/v1", "CustomResourceDefinition"), .inProgress("not established yet")),
        ("crd established", obj("apiextensions.k8s.io/v1", "CustomResourceDefinition",
            status: ["conditions": [["type": "Established", "status": "True"]]]), .ready),
        ("crd names clash", obj("apiextensions.k8s.io/v1", "CustomResourceDefinition",
            status: ["conditions": [["type": "NamesAccepted", "status": "False", "reason": "ListKindConflict"]]]),
            .failed("names not accepted: ListKindConflict")),
        ("hpa", obj("autoscaling/v2", "HorizontalPodAutoscaler"), .ready),
        ("ingress", obj("networking.k8s.io/v1", "Ingress"), .ready),
        ("configmap", ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"]], .ready),
        ("custom stalled", obj("example.com/v1", "Widget", status: ["conditions": [["type": "Stalled", "status": "True",
            "reason": "BadSpec"]]]), .failed("Stalled: BadSpec")),
        ("deleting", ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "deletionTimestamp": "2026-01-01T00:00:00Z"]],
            .inProgress("being deleted since 2026-01-01T00:00:00Z")),
    ]

    @Test(arguments: cases.indices)
    func rule(_ i: Int) {
        let (name, object, expected) = Self.cases[i]
        #expect(Readiness.evaluate(object) == expected, "\(name)")
    }
}
