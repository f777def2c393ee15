import KubeClient
import Testing
@testable import Validation

/// Objects of the wrong shape (what a typo or a broken template produces) must be scanned without
/// a crash and without inventing matches.
@Suite struct SecurityRobustnessTests {
    static let shapes: [String] = [
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: []",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: not-a-list",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [1, null, [x], {name: c, securityContext: [], resources: 3, ports: abc, env: {a: b}}]",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, annotations: [x]}\nspec:\n  securityContext: {seccompProfile: Unconfined, runAsUser: '20000', sysctls: {a: b}}\n  volumes: {a: b}\n  containers: [{name: c, image: 7, livenessProbe: {httpGet: {port: [1]}}}]",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: many\n  selector: yes\n  template: {spec: {affinity: 5, containers: []}}",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  volumeClaimTemplates: [x, {spec: {accessModes: ReadWriteOnce}}]\n  template: {spec: {containers: []}}",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 'lots%', selector: []}",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: r}\nsubjects: system:anonymous",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: [a], ports: [{targetPort: 70000}, {targetPort: -1}, {targetPort: ''}]}",
        "kind: 5\nmetadata: 6",
    ]

    @Test(arguments: shapes)
    func malformedObjectsScanWithoutCrashing(_ yaml: String) throws {
        let report = try SecurityTestSupport.scan(yaml)
        for s in report.scores {
            // Nothing in these objects earns points: wrong shapes match no positive rule.
            #expect(s.passed.isEmpty, "\(s.object.display) passed \(s.passed.map(\.id))")
        }
    }

    @Test func wrongTypesDoNotCountAsSettings() throws {
        // A string "true" is not the boolean kubesec compares with.
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: 'true'\n  containers: [{name: c, image: 'a:1', securityContext: {privileged: 'true'}}]"
        let score = try #require(try SecurityTestSupport.scan(yaml).scores.first)
        #expect(score.critical.isEmpty)
        #expect(score.score == 0)
    }

    @Test func invalidServicePortsAreReported() throws {
        let report = try SecurityTestSupport.scan(Self.shapes[8])
        let messages = report.findings.filter { $0.ruleID == "invalid-target-ports" }.map(\.message)
        #expect(messages == ["Service/s: targetPort 70000 is not between 1 and 65535",
                             "Service/s: targetPort -1 is not between 1 and 65535",
                             "Service/s: targetPort \"\" is empty"])
    }
}
