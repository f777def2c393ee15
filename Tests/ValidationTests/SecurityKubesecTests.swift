import Foundation
import KubeClient
import Testing
@testable import Validation

/// kubesec scoring against the fixture corpus in SecurityFixtures/: each file states its expected
/// score and the kubesec rules it triggers in `# expect-…` comments, worked out by hand from
/// kubesec's documented points.
@Suite struct SecurityKubesecTests {
    /// kubesec's rules and points, written out independently of the implementation's table.
    static let documentedPoints: [String: Int] = [
        "HostNetwork": -9, "HostPID": -9, "HostIPC": -9, "HostUsers": 1,
        "ReadOnlyRootFilesystem": 1, "RunAsNonRoot": 1, "RunAsUser": 1, "RunAsGroup": 1,
        "Privileged": -30, "CapSysAdmin": -30, "CapDropAny": 1, "CapDropAll": 1,
        "DockerSock": -9, "ProcMount": -9,
        "RequestsCPU": 1, "LimitsCPU": 1, "RequestsMemory": 1, "LimitsMemory": 1,
        "ServiceAccountName": 3, "AutomountServiceAccountToken": 1, "HostAliases": -3,
        "SeccompAny": 1, "SeccompUnconfined": -1, "ApparmorAny": 3, "ApparmorUnconfined": -1,
        "VolumeClaimAccessModeReadWriteOnce": 1, "VolumeClaimRequestsStorage": 1,
        "AllowPrivilegeEscalation": -7, "SecretsAsEnvironmentVariables": -5,
        "BindingsToSystemAnonymous": -9,
    ]

    @Test func ruleTableMatchesKubesecIDsAndPoints() {
        let table = Dictionary(uniqueKeysWithValues: KubesecRules.all.map { ($0.id, $0.points) })
        #expect(table == Self.documentedPoints)
        #expect(KubesecRules.all.count == Self.documentedPoints.count)
    }

    @Test func corpusHasAtLeastTwentyWorkloads() {
        #expect(SecurityTestSupport.fixtureNames().count >= 20)
    }

    @Test(arguments: SecurityTestSupport.fixtureNames())
    func fixtureScoreAndTriggeredRules(_ name: String) throws {
        let fixture = try SecurityTestSupport.fixture(name)
        let objects = try SecurityTestSupport.objects(fixture.text, file: name)
        try #require(objects.count == 1)
        let report = SecurityScanner().scan(objects)

        guard let expected = fixture.expectedScore else {
            #expect(report.scores.isEmpty, "\(name): a kind kubesec does not score got a score")
            #expect(fixture.expectedKubesec.isEmpty)
            return
        }
        let score = try #require(report.scores.first, "\(name): expected a kubesec score")
        #expect(score.score == expected, "\(name): score")
        let triggered = Set(score.critical.map(\.id) + score.passed.map(\.id))
        #expect(triggered == fixture.expectedKubesec, "\(name): triggered rules")
        // The written score is the sum of the documented points of the written rules.
        let documented = fixture.expectedKubesec.reduce(0) { $0 + (Self.documentedPoints[$1] ?? 1000) }
        #expect(documented == expected, "\(name): expect-score disagrees with the documented points")
        #expect(score.failed == (expected < 0))
        #expect(score.message == (expected < 0 ? "Failed with a score of \(expected) points"
                                                 : "Passed with a score of \(expected) points"))
        // Every matched critical rule is an error finding; nothing else from kubesec is an error.
        let errorIDs = Set(report.findings.filter { $0.severity == .error }.map(\.ruleID))
        #expect(errorIDs == Set(score.critical.map(\.id)), "\(name): error findings")

        if let lint = fixture.expectedLint {
            let linterIDs = Set(KubeLinterChecks.all.map(\.id))
            let fired = Set(report.findings.map(\.ruleID)).intersection(linterIDs)
            #expect(fired == lint, "\(name): kube-linter checks")
        }
    }

    @Test func everyKubesecRuleIsTriggeredByOneFixtureAndNotByAnother() throws {
        var triggeredSomewhere: Set<String> = []
        var cleanSomewhere: Set<String> = []
        for name in SecurityTestSupport.fixtureNames() {
            let fixture = try SecurityTestSupport.fixture(name)
            let objects = try SecurityTestSupport.objects(fixture.text, file: name)
            guard let score = SecurityScanner().scan(objects).scores.first else { continue }
            let kind = objects[0].ref.kind
            let triggered = Set(score.critical.map(\.id) + score.passed.map(\.id))
            for rule in KubesecRules.all where rule.kinds.contains(kind) {
                if triggered.contains(rule.id) { triggeredSomewhere.insert(rule.id) } else { cleanSomewhere.insert(rule.id) }
            }
        }
        let all = Set(KubesecRules.all.map(\.id))
        #expect(all.subtracting(triggeredSomewhere).isEmpty, "never triggered: \(all.subtracting(triggeredSomewhere).sorted())")
        #expect(all.subtracting(cleanSomewhere).isEmpty, "never clean: \(all.subtracting(cleanSomewhere).sorted())")
    }

    @Test func listsAreOrderedAsKubesecOrdersThem() throws {
        let yaml = try String(contentsOf: SecurityTestSupport.fixtureDirectory.appendingPathComponent("deployment-everything-bad.yaml"), encoding: .utf8)
        let score = try #require(try SecurityTestSupport.scan(yaml).scores.first)
        #expect(score.critical.map(\.points) == [-30, -30, -9, -9, -9, -9, -7])
        #expect(score.critical.prefix(2).map(\.id) == ["Privileged", "CapSysAdmin"])
        #expect(score.advise.first.map(\.points) == 3)
    }

    @Test func criticalFindingNamesObjectRuleAndLines() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: team
            spec:
              hostPID: true
              containers:
                - {name: c, image: "nginx:1.25"}
            """
        let report = try SecurityTestSupport.scan(yaml)
        let f = try #require(report.findings.first { $0.ruleID == "HostPID" })
        #expect(f.severity == .error)
        #expect(f.object == ObjectRef(apiVersion: "v1", kind: "Pod", name: "p", namespace: "team"))
        #expect(f.location == SourceLocation(file: "test.yaml", line: 5, column: 1, endLine: 13))
        #expect(f.message == "Pod/p: Sharing the host's PID namespace allows visibility of processes on the host, potentially leaking information such as environment variables and configuration (.spec .hostPID == true, -9 points). Remove hostPID: true from the pod spec.")
        #expect(report.scores.map(\.object.kind) == ["Pod"])
    }

    @Test func kubesecShapedJSON() throws {
        let yaml = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: open}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects: [{kind: User, name: system:anonymous}]
            """
        let score = try #require(try SecurityTestSupport.scan(yaml).scores.first)
        #expect(JSONWriter.string(score.kubesecJSON) == #"{"fileName":"test.yaml","message":"Failed with a score of -9 points","object":"ClusterRoleBinding/open.default","score":-9,"scoring":{"critical":[{"id":"BindingsToSystemAnonymous","points":-9,"reason":"Binding a role to system:anonymous grants its permissions to every unauthenticated request","selector":".subjects[] .name == system:anonymous"}]},"valid":true}"#)
    }

    @Test func adviceIsReportedOnlyWhenAskedFor() throws {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: 'nginx:1.25'}]\n"
        #expect(try SecurityTestSupport.scan(yaml).findings.allSatisfy { $0.severity != .info })
        let advised = try SecurityTestSupport.scan(yaml, options: SecurityOptions(includeAdvice: true))
        let info = advised.findings.filter { $0.severity == .info }.map(\.ruleID)
        #expect(Set(info) == Set(KubesecRules.all.filter { $0.points > 0 && $0.kinds.contains("Pod") }.map(\.id)))
    }
}
