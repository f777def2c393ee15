import Foundation
import Testing

/// Helm 4's optional-value flags (`--wait[=MODE]`, `--dry-run[=MODE]`), `--server-side`,
/// `--force-conflicts`, `--confirm` and the two value-reuse flags, through the built binary.
extension ReleaseCLITests {
    @Test func waitModesAndDryRunModes() async throws {
        try await SandboxProcessFixture.with { s in
            let slow = try s.chart("slow", slowChartFiles)

            // hookOnly: the never-ready Deployment is not waited for.
            let hookOnly = try await s.run(["install", "w1", slow, "--wait=hookOnly", "--timeout", "20s"])
            #expect(hookOnly.status == 0, "\(hookOnly.stderr)")
            #expect(hookOnly.stdout.contains("STATUS: deployed\nREVISION: 1\n"))
            // A bare --wait is watcher: readiness is waited for and times out (exit 4).
            let bare = try await s.run(["install", "w2", slow, "--wait", "--timeout", "2s", "-n", "w2", "--create-namespace"])
            #expect(bare.status == 4, "\(bare.stdout)\(bare.stderr)")
            let legacy = try await s.run(["install", "w3", slow, "--wait=legacy", "--timeout", "2s", "-n", "w3", "--create-namespace"])
            #expect(legacy.status == 4, "\(legacy.stdout)\(legacy.stderr)")
            let badWait = try await s.run(["install", "w4", slow, "--wait=sometimes"])
            #expect(badWait.status == 2)
            #expect(badWait.stderr.contains("invalid value \"sometimes\" for --wait: use watcher, hookOnly, legacy"))
            let both = try await s.run(["install", "w4", slow, "--wait=legacy", "--no-wait"])
            #expect(both.status == 2)
            #expect(both.stderr.contains("--no-wait cannot be combined with --wait=legacy"))

            // --dry-run (client) never contacts the cluster: a kubeconfig naming a closed port works.
            let dead = s.dir.appendingPathComponent("dead-kubeconfig").path
            try singleContextKubeconfig(server: "https://127.0.0.1:1", namespace: "dry").write(toFile: dead, atomically: true, encoding: .utf8)
            for flag in ["--dry-run", "--dry-run=client"] {
                let client = try await CLI.run(["install", "d1", slow, flag, "--kubeconfig", dead])
                #expect(client.status == 0, "\(flag): \(client.stderr)")
                #expect(client.stdout.contains("NAMESPACE: dry\nSTATUS: pending-install\n"), "\(client.stdout)")
                #expect(client.stdout.contains("MANIFEST:\n"))
                #expect(client.stdout.contains("kind: Deployment"))
            }
            let serverUnreachable = try await CLI.run(["install", "d1", slow, "--dry-run=server", "--kubeconfig", dead])
            #expect(serverUnreachable.status == 1)
            // --dry-run=server checks against the API server and records nothing.
            let server = try await s.run(["install", "d2", slow, "--dry-run=server"])
            #expect(server.status == 0, "\(server.stderr)")
            #expect(server.stdout.contains("STATUS: pending-install\n"))
            let status = try await s.run(["status", "d2"])
            #expect(status.status != 0)
            #expect(status.stderr.contains("release \"d2\" not found"))
            let badDry = try await s.run(["install", "d3", slow, "--dry-run=maybe"])
            #expect(badDry.status == 2)
            #expect(badDry.stderr.contains("invalid value \"maybe\" for --dry-run: use client, server or none"))

            // --server-side=false: client-side apply, recorded as "csa"; upgrades follow it (auto)
            // until told otherwise.
            let clientSide = try await s.run(["install", "s1", slow, "--server-side=false", "--no-wait", "-n", "s1", "--create-namespace", "-o", "json"])
            #expect(clientSide.status == 0, "\(clientSide.stderr)")
            #expect(clientSide.stdout.contains("\"apply_method\":\"csa\""), "\(clientSide.stdout)")
            #expect(clientSide.stderr.contains("created Deployment/slow in namespace s1"), "\(clientSide.stderr)")
            let followed = try await s.run(["upgrade", "s1", slow, "--set", "neverReady=no", "--no-wait", "-n", "s1", "-o", "json"])
            #expect(followed.status == 0, "\(followed.stderr)")
            #expect(followed.stdout.contains("\"apply_method\":\"csa\""), "\(followed.stdout)")
            #expect(followed.stderr.contains("patched Deployment/slow in namespace s1"), "\(followed.stderr)")
            let switched = try await s.run(["upgrade", "s1", slow, "--server-side=true", "--set", "neverReady=again", "--no-wait", "-n", "s1", "-o", "json"])
            #expect(switched.status == 0, "\(switched.stderr)")
            #expect(switched.stdout.contains("\"apply_method\":\"ssa\""), "\(switched.stdout)")
            // A server dry run with client-side apply patches with dryRun=All and records nothing.
            let dryPatch = try await s.run(["upgrade", "s1", slow, "--server-side=false", "--dry-run=server", "--set", "neverReady=dry", "-n", "s1", "-o", "json"])
            #expect(dryPatch.status == 0, "\(dryPatch.stderr)")
            #expect(dryPatch.stdout.contains("\"apply_method\":\"csa\""), "\(dryPatch.stdout)")
            let s1History = try await s.run(["history", "s1", "-n", "s1", "-o", "json"])
            #expect(s1History.stdout.contains("\"revision\":3") && !s1History.stdout.contains("\"revision\":4"), "\(s1History.stdout)")
            let badMethod = try await s.run(["upgrade", "s1", slow, "--server-side=sometimes", "-n", "s1"])
            #expect(badMethod.status == 2)
            #expect(badMethod.stderr.contains("--server-side sometimes: use true, false or auto"), "\(badMethod.stderr)")
            let serverSide = try await s.run(["install", "s2", slow, "--server-side", "--force-conflicts", "--no-wait", "-n", "s2", "--create-namespace"])
            #expect(serverSide.status == 0, "\(serverSide.stderr)")
            let list = try await s.run(["list", "-a", "-A"])
            #expect(list.stdout.contains("s2"))
            #expect(list.stdout.contains("s1 "))
            #expect(!list.stdout.contains("d1") && !list.stdout.contains("d2"))
        }
    }

    @Test func reuseValuesAndResetThenReuseValuesDiffer() async throws {
        try await SandboxProcessFixture.with { s in
            let template = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: vals
            data:
              a: {{ .Values.a | quote }}
              b: {{ .Values.b | quote }}
              c: {{ .Values.c | default "none" | quote }}
            """
            let v1 = try s.chart("vals1", ["Chart.yaml": "apiVersion: v2\nname: vals\nversion: 1.0.0\n", "values.yaml": "a: one\nb: one\n",
                                           "templates/cm.yaml": template])
            let v2 = try s.chart("vals2", ["Chart.yaml": "apiVersion: v2\nname: vals\nversion: 2.0.0\n", "values.yaml": "a: two\nb: two\n",
                                           "templates/cm.yaml": template])
            let install = try await s.run(["install", "r", v1, "--set", "b=user"])
            #expect(install.status == 0, "\(install.stderr)")

            // --reuse-values keeps the old chart's defaults (a: one) under the old user values.
            let reuse = try await s.run(["upgrade", "r", v2, "--reuse-values", "--set", "c=x"])
            #expect(reuse.status == 0, "\(reuse.stderr)")
            let m2 = try await s.run(["get", "manifest", "r"])
            #expect(m2.stdout.contains("a: \"one\"\n  b: \"user\"\n  c: \"x\""), "\(m2.stdout)")

            // --reset-then-reuse-values takes the new chart's defaults (a: two), then the old user values.
            let reset = try await s.run(["upgrade", "r", v2, "--reset-then-reuse-values"])
            #expect(reset.status == 0, "\(reset.stderr)")
            let m3 = try await s.run(["get", "manifest", "r"])
            #expect(m3.stdout.contains("a: \"two\"\n  b: \"user\"\n  c: \"x\""), "\(m3.stdout)")

            let both = try await s.run(["upgrade", "r", v2, "--reuse-values", "--reset-then-reuse-values"])
            #expect(both.status == 2)
            #expect(both.stderr.contains("--reuse-values cannot be combined with --reset-then-reuse-values"))

            // --confirm needs a terminal to ask on; from a pipe it refuses before changing anything.
            let confirm = try await CLI.run(["upgrade", "r", v2, "--diff", "--confirm", "--set", "b=z", "--kubeconfig", s.kubeconfig], stdin: "y\n")
            #expect(confirm.status == 2)
            #expect(confirm.stderr.contains("--confirm asks before applying, but standard input is not a terminal"))
            let history = try await s.run(["history", "r", "-o", "json"])
            #expect(history.stdout.contains("\"revision\":3"))
            #expect(!history.stdout.contains("\"revision\":4"))
        }
    }
}

extension ReleaseCLITests {
    static func testJob(_ name: String, weight: Int, fails: Bool) -> String {
        """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: \(name)
          annotations:
            helm.sh/hook: test
            helm.sh/hook-weight: "\(weight)"
        spec:
          template:
            metadata:
              annotations:
                sandbox.tarsctl.dev/fail: "\(fails)"
            spec:
              restartPolicy: Never
              containers: [{name: t, image: busybox}]
        """
    }

    @Test func testCommandRunsTestHooksAndNamesTheFailedOne() async throws {
        try await SandboxProcessFixture.with { s in
            let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  a: \"1\"\n"
            let good = try s.chart("good", ["templates/cm.yaml": cm, "templates/t1.yaml": Self.testJob("{{ .Release.Name }}-first", weight: 1, fails: false)])
            let bad = try s.chart("bad", ["templates/cm.yaml": cm, "templates/t1.yaml": Self.testJob("{{ .Release.Name }}-first", weight: 1, fails: false),
                                          "templates/t2.yaml": Self.testJob("{{ .Release.Name }}-second", weight: 2, fails: true)])
            #expect(try await s.run(["install", "g", good]).status == 0)
            #expect(try await s.run(["install", "b", bad]).status == 0)
            // Installing does not run test hooks: status lists none that ran.
            let hooksBefore = try await s.run(["status", "g"])
            #expect(!hooksBefore.stderr.contains("test hook"))
            #expect(!hooksBefore.stdout.contains("TEST SUITE"), "\(hooksBefore.stdout)")
            // A release without test hooks says so, as Helm does.
            let plain = try s.chart("plain", ["templates/cm.yaml": cm])
            let installed = try await s.run(["install", "p", plain, "--no-wait"])
            #expect(installed.stdout.contains("REVISION: 1\nDESCRIPTION: Install complete\nTEST SUITE: None\n"), "\(installed.stdout)")

            let ok = try await s.run(["test", "g", "--timeout", "60s"])
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stdout.contains("STATUS: deployed\nREVISION: 1\nDESCRIPTION: Install complete\nTEST SUITE:     g-first\nLast Started:   "), "\(ok.stdout)")
            #expect(ok.stdout.contains("Phase:          Succeeded\n"))
            // The results stay in the revision's record: status shows them later.
            let after = try await s.run(["status", "g"])
            #expect(after.stdout.contains("TEST SUITE:     g-first\nLast Started:   "), "\(after.stdout)")
            #expect(after.stdout.contains("Phase:          Succeeded\n"))

            let failed = try await s.run(["test", "b", "--timeout", "60s"])
            #expect(failed.status == 1)
            #expect(failed.stdout.contains("TEST SUITE:     b-first\n"))
            #expect(failed.stdout.contains("TEST SUITE:     b-second\n"))
            #expect(failed.stdout.contains("Phase:          Succeeded\n"))
            #expect(failed.stdout.contains("Phase:          Failed\n"))
            #expect(failed.stderr.contains("test hook Job/b-second failed"), "\(failed.stderr)")
            let failedStatus = try await s.run(["status", "b"])
            #expect(failedStatus.stdout.contains("TEST SUITE:     b-second\n"), "\(failedStatus.stdout)")
            #expect(failedStatus.stdout.contains("Phase:          Failed\n"))

            let missing = try await s.run(["test", "nope"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("release \"nope\" not found in namespace \"default\""), "\(missing.stderr)")
        }
    }
}

extension ReleaseCLITests {
    /// Bare test Pods (the usual Helm test hook): the sandbox runs a Pod annotated
    /// `sandbox.tarsctl.dev/succeed: "true"` to Succeeded and an unowned one annotated
    /// `sandbox.tarsctl.dev/fail: "true"` to Failed.
    @Test func testCommandWaitsForBareTestPods() async throws {
        try await SandboxProcessFixture.with { s in
            func pod(_ name: String, _ annotation: String) -> String {
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: \(name)
                  annotations:
                    helm.sh/hook: test
                    \(annotation): "true"
                spec:
                  restartPolicy: Never
                  containers: [{name: t, image: busybox}]
                """
            }
            let good = try s.chart("podgood", ["templates/t.yaml": pod("pod-ok", "sandbox.tarsctl.dev/succeed")])
            let bad = try s.chart("podbad", ["templates/t.yaml": pod("pod-bad", "sandbox.tarsctl.dev/fail")])
            #expect(try await s.run(["install", "pg", good]).status == 0)
            #expect(try await s.run(["install", "pb", bad, "-n", "pb", "--create-namespace"]).status == 0)
            let ok = try await s.run(["test", "pg", "--timeout", "60s"])
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stdout.contains("TEST SUITE:     pod-ok\n"))
            #expect(ok.stdout.contains("Phase:          Succeeded\n"))
            let failed = try await s.run(["test", "pb", "-n", "pb", "--timeout", "60s"])
            #expect(failed.status == 1)
            #expect(failed.stdout.contains("Phase:          Failed\n"))
            #expect(failed.stderr.contains("test hook Pod/pod-bad failed: pod failed"), "\(failed.stderr)")
        }
    }
}
