import Foundation
import Testing
@testable import Validation

/// Skipping rules (config file, annotations), the minimum score, and the rule catalog.
@Suite struct SecurityOptionsTests {
    static let privilegedPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          serviceAccountName: p
          containers:
            - name: app
              image: nginx
              securityContext: {privileged: true}
        """

    static func temporaryFile(_ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-security-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(".tarsctl.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func configFileSkipsRulesEverywhere() throws {
        let path = try Self.temporaryFile("security:\n  skip: [Privileged, latest-tag]\n  minScore: 2\n")
        let config = try SecurityConfig.load(path: path)
        #expect(config == SecurityConfig(skip: ["Privileged", "latest-tag"], minScore: 2))
        let fromDir = try SecurityConfig.loadIfPresent(directory: (path as NSString).deletingLastPathComponent)
        #expect(fromDir == config)

        let report = try SecurityTestSupport.scan(Self.privilegedPod, options: config.options())
        let ids = SecurityTestSupport.firedIDs(report)
        #expect(!ids.contains("Privileged") && !ids.contains("latest-tag"))
        #expect(ids.contains("privileged-container"))
        let score = try #require(report.scores.first)
        #expect(score.score == 3)  // ServiceAccountName only; Privileged is not evaluated
        #expect(!score.advise.contains { $0.id == "Privileged" } && !score.critical.contains { $0.id == "Privileged" })
        #expect(!ids.contains("min-score"))
    }

    @Test func missingConfigFileIsAnEmptyConfig() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-none-\(UUID().uuidString)").path
        #expect(try SecurityConfig.loadIfPresent(directory: dir) == SecurityConfig())
        #expect(throws: SecurityConfig.Error.self) { try SecurityConfig.load(path: dir + "/nope.yaml") }
    }

    @Test func annotationSkipsRulesForThatObjectOnly() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: skipped
              annotations:
                tarsctl.dev/skip: "Privileged, privileged-container ,latest-tag"
            spec:
              containers: [{name: app, image: nginx, securityContext: {privileged: true}}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: checked}
            spec:
              containers: [{name: app, image: nginx, securityContext: {privileged: true}}]
            """
        let report = try SecurityTestSupport.scan(yaml)
        let byObject = Dictionary(grouping: report.findings) { $0.object?.name ?? "" }
        let skipped = Set((byObject["skipped"] ?? []).map(\.ruleID))
        let checked = Set((byObject["checked"] ?? []).map(\.ruleID))
        for id in ["Privileged", "privileged-container", "latest-tag"] {
            #expect(!skipped.contains(id))
            #expect(checked.contains(id))
        }
        #expect(report.scores.map(\.score) == [0, -30])
    }

    @Test func kubeLinterIgnoreAnnotationIsHonoured() throws {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {ignore-check.kube-linter.io/latest-tag: vetted}\nspec:\n  containers: [{name: a, image: nginx}]"
        #expect(!SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(yaml)).contains("latest-tag"))
        let all = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {kube-linter.io/ignore-all: ''}\nspec:\n  hostPID: true\n  containers: [{name: a, image: nginx}]"
        // Every kube-linter check is off; kubesec still scores the object.
        #expect(SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(all)) == ["HostPID"])
    }

    @Test func unknownIDInAnnotationIsAWarningWithASuggestion() throws {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {tarsctl.dev/skip: RunAsNonRot}\nspec:\n  containers: [{name: a, image: 'nginx:1'}]"
        let f = try #require(try SecurityTestSupport.scan(yaml).findings.first { $0.ruleID == "security-skip" })
        #expect(f.severity == .warning)
        #expect(f.message == "Pod/p: unknown rule id \"RunAsNonRot\" in annotation tarsctl.dev/skip; did you mean \"RunAsNonRoot\"?")
    }

    @Test func minScoreFailsWorkloadsBelowItAndIgnoresOtherKinds() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: low}
            spec:
              hostAliases: [{ip: 10.0.0.1, hostnames: [x]}]
              containers: [{name: a, image: 'nginx:1', resources: {requests: {cpu: 1m}}}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: enough}
            spec:
              serviceAccountName: enough
              containers: [{name: a, image: 'nginx:1'}]
            """
        let report = try SecurityTestSupport.scan(yaml, options: SecurityOptions(minScore: 3))
        let mins = report.findings.filter { $0.ruleID == "min-score" }
        #expect(mins.count == 1)
        let f = try #require(mins.first)
        #expect(f.severity == .error)
        #expect(f.object?.name == "low")
        #expect(f.location.line == 5)
        #expect(f.message.hasPrefix("Pod/low has a kubesec score of -2, below the required 3; remove: HostAliases (-3); to gain points: "))
        #expect(f.message.contains("ServiceAccountName (+3)"))
        #expect(report.scores.count == 2)
        #expect(report.scores.filter(\.failed).map(\.object.name) == ["low"])
    }

    @Test func configErrorsSayWhereAndWhat() {
        func error(_ text: String) -> SecurityConfig.Error? {
            do { _ = try SecurityConfig.parse(text, file: ".tarsctl.yaml"); return nil } catch { return error }
        }
        let unknown = error("# settings\nsecurity:\n  skip:\n    - RunAsNonRoot\n    - latest-tags\n")
        #expect(unknown?.line == 5)
        #expect(unknown?.description.hasPrefix(".tarsctl.yaml:5:1: error: unknown rule id \"latest-tags\" in security.skip; did you mean \"latest-tag\"?") == true)
        let badScore = error("security:\n  minScore: high\n")
        #expect(badScore?.description == ".tarsctl.yaml:2:1: error: security.minScore must be a whole number, e.g. minScore: 5")
        let badKey = error("security:\n  skips: [RunAsNonRoot]\n")
        #expect(badKey?.description == ".tarsctl.yaml:2:1: error: unknown key security.skips; expected skip or minScore (did you mean skip?)")
        let badYAML = error("security:\n  skip: [a, b\n")
        #expect(badYAML?.line ?? 0 > 0)
        #expect(badYAML?.message.hasPrefix("the config file is not valid YAML") == true)
        #expect(error("other: 1\n") == nil)
        #expect(error("security:\n  skip: RunAsNonRoot, HostPID\n") == nil)
    }

    @Test func everyRuleHasADescription() {
        let described = Set(SecurityRuleCatalog.rules.map(\.id))
        #expect(described == SecurityScanner.ruleIDs)
        #expect(SecurityRuleCatalog.rules.count == described.count)
        for r in SecurityRuleCatalog.rules {
            #expect(!r.shortDescription.isEmpty && !r.fullDescription.isEmpty && !r.help.isEmpty, "\(r.id)")
        }
        #expect(SecurityRuleCatalog.byID["Privileged"]?.defaultSeverity == .error)
        #expect(SecurityRuleCatalog.byID["HostNetwork"]?.help.hasPrefix("Remove hostNetwork: true") == true)
        #expect(SecurityRuleCatalog.byID["latest-tag"]?.defaultSeverity == .warning)
    }
}
