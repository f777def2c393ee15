import Foundation
import KubeClient
import TestSupport
import Testing
@testable import Releases

/// Runs scripts/helm-release-secret.py, an independent Python implementation of Helm's format.
func helmFormatScript(_ mode: String, _ input: JSON) async throws -> JSON {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/helm-release-secret.py")
    let r = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, mode], stdin: Data(JSONWriter.bytes(input)))
    guard r.status == 0 else {
        throw ReleaseSecretError(secret: "script", reason: r.stderrText)
    }
    return try JSONParser.parse([UInt8](r.stdout))
}

@Suite struct ReleaseSecretTests {
    @Test func secretHasHelmsNameTypeLabelsAndTwoBase64Layers() throws {
        var r = try ReleaseCodecTests.sample()
        r.labels = ["team": "search", "owner": "me"]  // a user label may not replace a system one
        let now = GoTime(seconds: 1_790_000_000)
        let s = try ReleaseSecret.encode(r, write: .create, now: now)
        #expect(s[path: ["metadata", "name"]] == "sh.helm.release.v1.tars.v2")
        #expect(s[path: ["metadata", "namespace"]] == "apps")
        #expect(s["type"] == "helm.sh/release.v1")
        #expect(s[path: ["metadata", "labels"]] == [
            "name": "tars", "owner": "helm", "status": "deployed", "version": "2", "createdAt": "1790000000",
            "team": "search",
        ])
        // Peel the layers by hand: wire base64 → Helm's base64 text → gzip → JSON.
        let wire = try #require(s[path: ["data", "release"]]?.stringValue)
        let helmText = String(decoding: try #require(Base64.decode(wire)), as: UTF8.self)
        let gz = try #require(Base64.decode(helmText))
        #expect(Array(gz.prefix(3)) == [0x1F, 0x8B, 0x08])
        #expect(try ReleaseSecret.gunzip(gz) == ReleaseCodec.encode(r))
        #expect(try ReleaseSecret.decode(s).labels == ["team": "search"])

        let updated = try ReleaseSecret.encode(r, write: .update, now: now)
        #expect(updated[path: ["metadata", "labels", "modifiedAt"]] == "1790000000")
        #expect(updated[path: ["metadata", "labels", "createdAt"]] == nil)
    }

    @Test func decodesPlainJSONRecordsWithoutGzip() throws {
        let r = try ReleaseCodecTests.sample()
        let helmText = Base64.encode(ReleaseCodec.encode(r))
        let secret: JSON = ["metadata": ["name": "sh.helm.release.v1.tars.v2"],
                            "data": ["release": .string(Base64.encode(Array(helmText.utf8)))]]
        #expect(try ReleaseSecret.decode(secret).manifest == r.manifest)
    }

    @Test(arguments: [
        (["metadata": ["name": "x"], "data": [:]] as JSON, "Secret x: has no data entry \"release\""),
        (["metadata": ["name": "x"], "data": ["release": "!!"]] as JSON, "Secret x: data \"release\" is not valid base64"),
        (["metadata": ["name": "x"], "data": ["release": "aGVsbG8="]] as JSON,
         "Secret x: the release record inside data \"release\" is not valid base64"),
        (["metadata": ["name": "x"], "data": ["release": "SDRzSUFBQUFBQUFBLy8vLw=="]] as JSON,
         "Secret x: the release record is not valid gzip data"),
    ])
    func unreadableSecretsSayWhichAndWhy(_ secret: JSON, _ message: String) {
        do {
            _ = try ReleaseSecret.decode(secret)
            Issue.record("decoded")
        } catch {
            #expect("\(error)".hasPrefix(message), "\(error)")
        }
    }

    /// Issue 8, acceptance 5 (format half): a Secret built by an independent implementation of
    /// Helm's documented encoding decodes to the expected release.
    @Test func readsASecretBuiltByAnIndependentHelmFormatScript() async throws {
        let helmRelease: JSON = [
            "name": "legacy", "namespace": "prod", "version": 4,
            "info": ["first_deployed": "2025-01-01T08:00:00.5+01:00", "last_deployed": "2025-02-01T08:00:00Z",
                     "deleted": "", "description": "Upgrade complete", "status": "deployed", "notes": "hi"],
            "chart": ["metadata": ["name": "legacy", "version": "1.4.2", "appVersion": "9"], "lock": nil,
                      "templates": [["name": "templates/svc.yaml", "data": "a2luZDogU2VydmljZQo="]],
                      "values": ["port": 80], "schema": nil, "files": nil],
            "config": ["port": 8080],
            "manifest": "---\n# Source: legacy/templates/svc.yaml\nkind: Service\n",
            "hooks": [["name": "smoke", "kind": "Pod", "path": "legacy/templates/smoke.yaml", "manifest": "kind: Pod",
                       "events": ["test"], "last_run": ["started_at": "", "completed_at": "", "phase": ""],
                       "delete_policies": ["hook-succeeded"]]],
        ]
        let secret = try await helmFormatScript("build", helmRelease)
        let r = try ReleaseSecret.decode(secret)
        #expect(r.name == "legacy" && r.namespace == "prod" && r.version == 4)
        #expect(r.status == .deployed)
        #expect(r.info?.firstDeployed?.description == "2025-01-01T08:00:00.5+01:00")
        #expect(r.info?.deleted == nil)
        #expect(r.chart?.version == "1.4.2")
        #expect(r.chart?.templates == [ChartFile(name: "templates/svc.yaml", data: Array("kind: Service\n".utf8))])
        #expect(r.config == ["port": 8080])
        #expect(r.hooks == [Hook(name: "smoke", kind: "Pod", path: "legacy/templates/smoke.yaml", manifest: "kind: Pod",
                                 events: [.test], deletePolicies: [.hookSucceeded])])
        #expect(r.labels.isEmpty)
    }

    /// Issue 8, acceptance 5 (other direction): what tarsctl writes is read by the independent script.
    @Test func independentScriptReadsWhatWeWrite() async throws {
        let r = try ReleaseCodecTests.sample()
        let out = try await helmFormatScript("decode", try ReleaseSecret.encode(r, write: .create))
        #expect(out["problems"] == [])
        #expect(out["layers"] == "base64(base64(gzip(json)))")
        #expect(out["release"] == (try JSONParser.parse(ReleaseCodec.encode(r))))
        #expect(out[path: ["release", "info", "status"]] == "deployed")
    }
}
