import Foundation
import KubeClient
import TestSupport
import Testing
@testable import Releases

/// Runs scripts/helm-release-json (Go's encoding/json over Helm's release types) on a record.
func goMarshal(_ json: [UInt8]) async throws -> [UInt8] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/helm-release-json/main.go")
    let r = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["go", "run", script.path], stdin: Data(json))
    guard r.status == 0 else {
        throw ReleaseSecretError(secret: "go", reason: r.stderrText)
    }
    return [UInt8](r.stdout)
}

/// tarsctl's release JSON against Go's encoding/json with Helm's struct tags, byte for byte.
@Suite(.serialized) struct GoEncodingDifferentialTests {
    static let records: [String] = [
        // Helm 3 style: blank times, zero deletion time, no apply_method.
        #"{"name":"web","info":{"first_deployed":"2021-06-01T12:00:00.000000001-07:00","last_deployed":"2021-06-01T12:00:00Z","deleted":"0001-01-01T00:00:00Z","description":"Install complete","status":"deployed","notes":"1. Get the URL: http://a?b=1&c=<d>"},"chart":{"metadata":{"type":"application","name":"web","version":"1.2.3","apiVersion":"v2","maintainers":[{"url":"https://x","name":"Ann"}],"dependencies":[{"repository":"oci://r","version":"~1","name":"db","alias":"pg","enabled":true,"tags":["a"],"import-values":["x",{"child":"c","parent":"p"}]}],"annotations":{"z":"1","a":"2"},"deprecated":false,"keywords":["k"]},"lock":{"dependencies":[{"name":"db","repository":"oci://r","version":"1.0.0"}],"digest":"sha256:ab","generated":"2021-05-30T10:00:00.123456+02:00"},"templates":[{"name":"templates/a.yaml","data":"YTogMQo="}],"values":{"replicas":1,"ratio":0.25,"huge":1e21,"tiny":1e-7,"million":1000000,"list":[true,null,"s"],"nested":{"b":{},"a":[]}},"schema":"eyJ0eXBlIjoib2JqZWN0In0=","files":[{"name":"README.md","data":""}]},"config":{"image":{"tag":"v1 \u2028 line"}},"manifest":"---\n# Source: web/templates/a.yaml\na: 1\n","hooks":[{"name":"t","kind":"Pod","path":"web/templates/t.yaml","manifest":"kind: Pod","events":["test"],"last_run":{"started_at":"","completed_at":"","phase":""}},{"name":"m","kind":"Job","path":"p","manifest":"kind: Job","events":["pre-install","post-upgrade"],"last_run":{"started_at":"2021-06-01T12:00:01.5Z","completed_at":"2021-06-01T12:00:09Z","phase":"Succeeded"},"weight":-3,"delete_policies":["hook-succeeded"],"output_log_policies":["hook-failed"]}],"version":3,"namespace":"ns"}"#,
        // Helm 4 style with server-side apply, a rollback and no chart lock.
        #"{"name":"api","info":{"first_deployed":"2026-01-01T00:00:00Z","last_deployed":"2026-02-01T00:00:00.1+05:30","description":"Rollback to 2","status":"superseded","rollback_revision":2},"chart":{"metadata":{"name":"api","version":"0.1.0"},"lock":null,"templates":[],"values":{},"schema":null,"files":[]},"version":4,"namespace":"default","apply_method":"ssa"}"#,
        // Minimal and odd: no chart, empty config, unicode.
        #"{"name":"x","info":{"status":"pending-install"},"config":{},"manifest":"é ü 日本 \"q\" \\ \t","version":1}"#,
    ]

    @Test(arguments: records.indices)
    func reEncodingAHelmRecordMatchesGo(_ i: Int) async throws {
        let input = Array(Self.records[i].utf8)
        let ours = ReleaseCodec.encode(try ReleaseCodec.decode(input))
        let go = try await goMarshal(input)
        #expect(String(decoding: ours, as: UTF8.self) == String(decoding: go, as: UTF8.self))
    }

    @Test func ourTarsReleaseIsAlreadyInGosForm() async throws {
        let (release, _) = try TarsChartReleaseTests.renderedRelease()
        let ours = ReleaseCodec.encode(release)
        let go = try await goMarshal(ours)
        #expect(ours.count == go.count)
        #expect(String(decoding: ours, as: UTF8.self) == String(decoding: go, as: UTF8.self))
    }
}
