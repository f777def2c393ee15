import ChartRender
import Testing
@testable import Releases

@Suite struct HookPlanTests {
    static func hookDoc(_ kind: String, _ name: String, events: String, weight: String? = nil, policy: String? = nil,
                        logPolicy: String? = nil) -> String {
        var ann = "    helm.sh/hook: \(events)\n"
        if let weight { ann += "    helm.sh/hook-weight: \"\(weight)\"\n" }
        if let policy { ann += "    helm.sh/hook-delete-policy: \(policy)\n" }
        if let logPolicy { ann += "    helm.sh/hook-output-log-policy: \(logPolicy)\n" }
        return "apiVersion: v1\nkind: \(kind)\nmetadata:\n  name: \(name)\n  annotations:\n\(ann)"
    }

    static func plan(_ files: [String: String]) throws -> HookPlan.Result {
        let sorted = try ManifestSorter.sort(files)
        return HookPlan.hooks(from: sorted.hooks)
    }

    @Test func ordersByWeightThenKindThenName() throws {
        let result = try Self.plan([
            "c/templates/a.yaml": Self.hookDoc("Job", "migrate", events: "pre-install,pre-upgrade", weight: "5"),
            "c/templates/b.yaml": Self.hookDoc("ConfigMap", "zz-config", events: "pre-upgrade", weight: "5"),
            "c/templates/c.yaml": Self.hookDoc("Job", "backup", events: "pre-upgrade", weight: "-1"),
            "c/templates/d.yaml": Self.hookDoc("Job", "after", events: "post-upgrade"),
            "c/templates/e.yaml": Self.hookDoc("Job", "alpha", events: "pre-upgrade", weight: "5"),
            "c/templates/f.yaml": Self.hookDoc("Widget", "w", events: "pre-upgrade", weight: "5"),
            "c/templates/g.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: plain\n",
        ])
        #expect(result.warnings.isEmpty)
        #expect(HookPlan.ordered(result.hooks, for: .preUpgrade).map(\.name) == ["backup", "zz-config", "alpha", "migrate", "w"])
        #expect(HookPlan.ordered(result.hooks, for: .preInstall).map(\.name) == ["migrate"])
        #expect(HookPlan.ordered(result.hooks, for: .postUpgrade).map(\.name) == ["after"])
        #expect(HookPlan.ordered(result.hooks, for: .preDelete).isEmpty)
        #expect(!result.hooks.map(\.name).contains("plain"))
    }

    @Test func recordsEventsWeightPoliciesAndSource() throws {
        let result = try Self.plan([
            "tars/templates/migrate.yaml": Self.hookDoc("Job", "tars-migrate", events: "pre-install, pre-upgrade",
                                                        weight: "-5", policy: "before-hook-creation,hook-succeeded",
                                                        logPolicy: "hook-failed"),
            "tars/templates/tests/smoke.yaml": Self.hookDoc("Pod", "smoke", events: "test-success"),
        ])
        let migrate = try #require(result.hooks.first { $0.name == "tars-migrate" })
        #expect(migrate.kind == "Job")
        #expect(migrate.path == "tars/templates/migrate.yaml")
        #expect(migrate.events == [.preInstall, .preUpgrade])
        #expect(migrate.weight == -5)
        #expect(migrate.deletePolicies == [.beforeHookCreation, .hookSucceeded])
        #expect(migrate.outputLogPolicies == ["hook-failed"])
        #expect(migrate.manifest.hasPrefix("apiVersion: v1\nkind: Job"))
        #expect(HookPlan.deleteAfter(migrate, succeeded: true))
        #expect(!HookPlan.deleteAfter(migrate, succeeded: false))
        let smoke = try #require(result.hooks.first { $0.name == "smoke" })
        #expect(smoke.events == [.test])
        #expect(HookPlan.deleteBeforeCreation(smoke))  // Helm's default with no policy
        #expect(!HookPlan.deleteAfter(smoke, succeeded: true))
    }

    @Test func typosAreReportedNotSilentlyDropped() throws {
        let result = try Self.plan([
            "c/templates/a.yaml": Self.hookDoc("Job", "j", events: "pre-instal,post-install", weight: "heavy",
                                               policy: "hook-succeded"),
        ])
        #expect(result.hooks.first?.events == [.postInstall])
        #expect(result.warnings == [
            "c/templates/a.yaml: Job/j: unknown hook event \"pre-instal\" in helm.sh/hook is ignored (known: pre-install, post-install, pre-delete, post-delete, pre-upgrade, post-upgrade, pre-rollback, post-rollback, test)",
            "c/templates/a.yaml: Job/j: unknown delete policy \"hook-succeded\" in helm.sh/hook-delete-policy is ignored (known: hook-succeeded, hook-failed, before-hook-creation)",
            "c/templates/a.yaml: Job/j: helm.sh/hook-weight \"heavy\" is not an integer; weight 0 is used",
        ])
    }
}
