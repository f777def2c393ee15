import Foundation
import Testing

/// `tarsctl test --logs` and `--filter` against the sandbox, whose `pods/log` answers with a
/// Pod's `sandbox.tarsctl.dev/log` annotation.
extension ReleaseCLITests {
    /// A test Pod named `{{ .Release.Name }}-NAME`; `log` becomes its log text.
    static func testPod(_ name: String, weight: Int, outcome: String = "succeed", log: String?, containers: [String] = ["t"], extra: String = "") -> String {
        let logLine = log.map { "\n    sandbox.tarsctl.dev/log: \(String(reflecting: $0))" } ?? ""
        return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{ .Release.Name }}-\(name)
          annotations:
            helm.sh/hook: test
            helm.sh/hook-weight: "\(weight)"
            sandbox.tarsctl.dev/\(outcome): "true"\(logLine)\(extra)
        spec:
          restartPolicy: Never
          containers: [\(containers.map { "{name: \($0), image: busybox}" }.joined(separator: ", "))]
        """
    }

    @Test func testLogsPrintsEachTestPodsLogInTheHooksOrder() async throws {
        try await SandboxProcessFixture.with { s in
            // Weight orders the tests, not the names; the last is deleted once it succeeded
            // (its log is read first, as Helm 4 does) and has two containers.
            let chart = try s.chart("logs", [
                "templates/b.yaml": Self.testPod("b-first", weight: 1, log: "first says hi\nsecond line\n"),
                "templates/a.yaml": Self.testPod("a-second", weight: 2, log: nil),
                "templates/c.yaml": Self.testPod("c-third", weight: 3, log: "no newline at the end", containers: ["main", "side"],
                                                 extra: "\n    helm.sh/hook-delete-policy: hook-succeeded"),
            ])
            #expect(try await s.run(["install", "r", chart]).status == 0)
            let ok = try await s.run(["test", "r", "--logs", "--timeout", "60s"])
            #expect(ok.status == 0, "\(ok.stderr)")
            let logs = """
                Phase:          Succeeded

                POD LOGS: r-b-first
                first says hi
                second line

                POD LOGS: r-a-second

                POD LOGS: r-c-third (container main)
                no newline at the end
                POD LOGS: r-c-third (container side)
                no newline at the end

                """
            #expect(ok.stdout.hasSuffix(logs), "\(ok.stdout)")
            #expect(ok.stdout.contains("TEST SUITE:     r-b-first\n"))
            #expect(ok.stderr.contains("deleted succeeded hook Pod/r-c-third"), "\(ok.stderr)")
            // Without --logs the output is the status alone.
            let plain = try await s.run(["test", "r", "--timeout", "60s"])
            #expect(plain.status == 0, "\(plain.stderr)")
            #expect(!plain.stdout.contains("POD LOGS"))
            #expect(plain.stdout.hasSuffix("Phase:          Succeeded\n"), "\(plain.stdout)")
        }
    }

    @Test func testFilterSelectsTestsByName() async throws {
        try await SandboxProcessFixture.with { s in
            let chart = try s.chart("filtered", [
                "templates/one.yaml": Self.testPod("one", weight: 1, log: "one\n"),
                "templates/two.yaml": Self.testPod("two", weight: 2, log: "two\n"),
                "templates/three.yaml": Self.testPod("three", weight: 3, outcome: "fail", log: "three\n"),
            ])
            for release in ["inc", "exc", "both"] { #expect(try await s.run(["install", release, chart]).status == 0) }

            let only = try await s.run(["test", "inc", "--logs", "--filter", "name=inc-two", "--timeout", "60s"])
            #expect(only.status == 0, "\(only.stderr)")
            #expect(only.stdout.contains("TEST SUITE:     inc-two\n"))
            #expect(!only.stdout.contains("TEST SUITE:     inc-one"), "\(only.stdout)")
            #expect(!only.stdout.contains("TEST SUITE:     inc-three"))
            #expect(only.stdout.hasSuffix("Phase:          Succeeded\n\nPOD LOGS: inc-two\ntwo\n\n"), "\(only.stdout)")

            // Excluding the failing test lets the others pass; commas and a repeated flag combine.
            let skip = try await s.run(["test", "exc", "--logs", "--filter", "!name=exc-three", "--timeout", "60s"])
            #expect(skip.status == 0, "\(skip.stderr)")
            #expect(skip.stdout.hasSuffix("POD LOGS: exc-one\none\n\nPOD LOGS: exc-two\ntwo\n\n"), "\(skip.stdout)")
            #expect(!skip.stdout.contains("exc-three"))
            let two = try await s.run(["test", "both", "--filter", "name=both-one,name=both-three", "--filter", "!name=both-three", "--timeout", "60s"])
            #expect(two.status == 0, "\(two.stderr)")
            #expect(two.stdout.contains("TEST SUITE:     both-one\n"))
            #expect(!two.stdout.contains("both-two") && !two.stdout.contains("both-three"), "\(two.stdout)")

            // A name no test has is run as Helm does (nothing selected) but warned about.
            let typo = try await s.run(["test", "both", "--filter", "name=both-on", "--timeout", "60s"])
            #expect(typo.status == 0, "\(typo.stderr)")
            #expect(typo.stderr.contains("warning: --filter names \"both-on\", which is no test hook of release \"both\" (its tests: both-one, both-two, both-three)"),
                    "\(typo.stderr)")

            // Any other attribute is a usage error (exit 2) that says what is accepted.
            let bad = try await s.run(["test", "both", "--filter", "kind=Pod"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("--filter \"kind=Pod\": tests are selected by name only; use name=NAME"), "\(bad.stderr)")
        }
    }

    @Test func failingTestStillPrintsItsLogAndExitsOne() async throws {
        try await SandboxProcessFixture.with { s in
            let chart = try s.chart("failing", [
                "templates/ok.yaml": Self.testPod("ok", weight: 1, log: "fine\n"),
                "templates/bad.yaml": Self.testPod("bad", weight: 2, outcome: "fail", log: "assertion failed: expected 200, got 503\n"),
                "templates/later.yaml": Self.testPod("later", weight: 3, log: "never\n"),
            ])
            #expect(try await s.run(["install", "f", chart]).status == 0)
            let failed = try await s.run(["test", "f", "--logs", "--timeout", "60s"])
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("Error: test hook Pod/f-bad failed: pod failed"), "\(failed.stderr)")
            #expect(failed.stdout.contains("Phase:          Failed\n"))
            // The test after the failure did not run: no log block for it.
            #expect(failed.stdout.hasSuffix("\nPOD LOGS: f-ok\nfine\n\nPOD LOGS: f-bad\nassertion failed: expected 200, got 503\n\n"), "\(failed.stdout)")
            #expect(!failed.stdout.contains("POD LOGS: f-later"))
        }
    }

    /// A Job test's Pods are found by the `job-name` label; the sandbox's Jobs run none, so the
    /// log cannot be read: the results are still printed, the reason named, and the exit is 1.
    @Test func unreadableLogIsReportedAfterTheResults() async throws {
        try await SandboxProcessFixture.with { s in
            let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  a: \"1\"\n"
            let chart = try s.chart("jobtest", ["templates/cm.yaml": cm, "templates/t.yaml": Self.testJob("{{ .Release.Name }}-job", weight: 1, fails: false)])
            #expect(try await s.run(["install", "j", chart]).status == 0)
            let result = try await s.run(["test", "j", "--logs", "--timeout", "60s"])
            #expect(result.status == 1)
            #expect(result.stdout.contains("TEST SUITE:     j-job\n"))
            #expect(result.stdout.hasSuffix("Phase:          Succeeded\n\n"), "\(result.stdout)")
            #expect(result.stderr.contains("Error: test hook Job/j-job in namespace \"default\" has no Pods left (label job-name=j-job) to read logs from"),
                    "\(result.stderr)")
            // Without --logs the same test passes.
            #expect(try await s.run(["test", "j", "--timeout", "60s"]).status == 0)
        }
    }
}
