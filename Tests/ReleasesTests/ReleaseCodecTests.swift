import KubeClient
import Testing
@testable import Releases

@Suite struct GoTimeTests {
    @Test(arguments: [
        "2024-03-05T14:07:09.123456789+02:00",
        "2024-03-05T14:07:09.1Z",
        "1999-12-31T23:59:59Z",
        "2026-11-23T10:59:08.000123-05:30",
        "0001-01-01T00:00:00Z",
    ])
    func rfc3339NanoRoundTrips(_ text: String) throws {
        let t = try #require(GoTime(rfc3339: text))
        #expect(t.description == text)
    }

    /// Expected texts printed by Go 1.x's `Format(time.ANSIC)` and `String()` for the same inputs.
    @Test(arguments: [
        ("2026-11-03T09:05:07Z", "Tue Nov  3 09:05:07 2026", "2026-11-03 09:05:07 +0000 UTC"),
        ("2024-03-05T14:07:09.120+02:00", "Tue Mar  5 14:07:09 2024", "2024-03-05 14:07:09.12 +0200 +0200"),
        ("1999-12-31T23:59:59.000000001-05:30", "Fri Dec 31 23:59:59 1999", "1999-12-31 23:59:59.000000001 -0530 -0530"),
        ("2026-11-23T16:31:53Z", "Mon Nov 23 16:31:53 2026", "2026-11-23 16:31:53 +0000 UTC"),
    ])
    func printsAsGoFormatsANSICAndString(text: String, ansic: String, goString: String) throws {
        let t = try #require(GoTime(rfc3339: text))
        #expect(t.ansic == ansic)
        #expect(t.goString == goString)
    }

    @Test func instantIsIndependentOfTheOffsetItIsShownIn() throws {
        let a = try #require(GoTime(rfc3339: "2024-03-05T14:07:09+02:00"))
        let b = try #require(GoTime(rfc3339: "2024-03-05T12:07:09Z"))
        #expect(a.seconds == b.seconds)
        #expect(a.seconds == 1_709_640_429)
        #expect(GoTime(seconds: 0, nanoseconds: 500_000_000).description == "1970-01-01T00:00:00.5Z")
        #expect(GoTime(rfc3339: "0001-01-01T00:00:00Z")?.isGoZero == true)
    }

    @Test(arguments: ["", "2024-03-05", "2024-13-05T00:00:00Z", "2024-03-05T14:07:09", "2024-03-05T14:07:09.Z",
                      "2024-03-05T14:07:09+0200"])
    func malformedTimesAreRejected(_ text: String) {
        #expect(GoTime(rfc3339: text) == nil)
    }
}

@Suite struct GoJSONTests {
    @Test(arguments: [
        (3.0, "3"), (1e6, "1000000"), (0.5, "0.5"), (1e21, "1e+21"), (1.5e-7, "1.5e-7"), (0.000001, "0.000001"),
        (123456789.125, "123456789.125"), (-2.5, "-2.5"), (1e-10, "1e-10"), (2.5e100, "2.5e+100"),
    ])
    func floatsAreWrittenAsGoWritesThem(_ value: Double, _ expected: String) {
        #expect(GoJSONWriter.goFloat(value) == expected)
    }

    @Test func stringsAreHTMLEscapedAsGoDoes() {
        var w = GoJSONWriter()
        w.string("a<b>&\"c\"\n\u{1}\u{2028}é")
        #expect(String(decoding: w.bytes, as: UTF8.self) == #""a\u003cb\u003e\u0026\"c\"\n\u0001\u2028é""#)
    }
}

@Suite struct ReleaseCodecTests {
    static func sample() throws -> Release {
        var r = Release(name: "tars", namespace: "apps", version: 2)
        r.info = ReleaseInfo(
            firstDeployed: GoTime(rfc3339: "2026-11-20T09:00:00.123456789Z"),
            lastDeployed: GoTime(rfc3339: "2026-11-21T10:30:00+01:00"),
            description: "Upgrade complete", status: .deployed, notes: "Visit <http://x>")
        r.chart = ChartRecord(
            metadata: ["name": "tars", "version": "0.3.0", "apiVersion": "v2", "appVersion": "1.2"],
            templates: [ChartFile(name: "templates/cm.yaml", data: Array("kind: ConfigMap\n".utf8))],
            values: ["replicas": .double(2)], files: [])
        r.config = ["image": ["tag": "v2"], "replicas": .int(3)]
        r.manifest = "---\n# Source: tars/templates/cm.yaml\nkind: ConfigMap\n"
        r.hooks = [Hook(name: "migrate", kind: "Job", path: "tars/templates/migrate.yaml", manifest: "kind: Job",
                        events: [.preUpgrade, .preInstall], weight: -5, deletePolicies: [.beforeHookCreation])]
        r.applyMethod = "ssa"
        return r
    }

    /// The bytes Go's json.Marshal gives for the same release (fields in struct order, omitempty,
    /// chart fields always present, `last_run` always present with its phase).
    static let goBytes = #"{"name":"tars","info":{"first_deployed":"2026-11-20T09:00:00.123456789Z","last_deployed":"2026-11-21T10:30:00+01:00","description":"Upgrade complete","status":"deployed","notes":"Visit \u003chttp://x\u003e"},"chart":{"metadata":{"name":"tars","version":"0.3.0","apiVersion":"v2","appVersion":"1.2"},"lock":null,"templates":[{"name":"templates/cm.yaml","data":"a2luZDogQ29uZmlnTWFwCg=="}],"values":{"replicas":2},"schema":null,"files":[]},"config":{"image":{"tag":"v2"},"replicas":3},"manifest":"---\n# Source: tars/templates/cm.yaml\nkind: ConfigMap\n","hooks":[{"name":"migrate","kind":"Job","path":"tars/templates/migrate.yaml","manifest":"kind: Job","events":["pre-upgrade","pre-install"],"last_run":{"phase":""},"weight":-5,"delete_policies":["before-hook-creation"]}],"version":2,"namespace":"apps","apply_method":"ssa"}"#

    @Test func encodesWithHelmsFieldNamesOrderAndOmissions() throws {
        #expect(String(decoding: ReleaseCodec.encode(try Self.sample()), as: UTF8.self) == Self.goBytes)
    }

    @Test func decodesWhatItEncodes() throws {
        let r = try Self.sample()
        var decoded = try ReleaseCodec.decode(ReleaseCodec.encode(r))
        // The chart's values came back as JSON numbers; 2 parses as an integer.
        decoded.chart?.values = ["replicas": .double(2)]
        #expect(decoded == r)
    }

    @Test func readsHelm3RecordsWithEmptyTimesAndUnknownFields() throws {
        let helm3 = #"{"name":"old","info":{"first_deployed":"2021-01-02T03:04:05.6+01:00","last_deployed":"2021-01-02T03:04:05.6+01:00","deleted":"","description":"Install complete","status":"superseded","resources":{"v1/Pod":[]}},"chart":{"metadata":{"name":"old","version":"1.0.0"},"lock":null,"templates":null,"values":null,"schema":null,"files":null},"manifest":"m","hooks":[{"name":"h","kind":"Pod","path":"p","manifest":"x","events":["test"],"last_run":{"started_at":"","completed_at":"","phase":""}}],"version":7,"namespace":"default","future_field":[1]}"#
        let r = try ReleaseCodec.decode(Array(helm3.utf8))
        #expect(r.version == 7)
        #expect(r.status == .superseded)
        #expect(r.info?.deleted == nil)
        #expect(r.info?.firstDeployed?.description == "2021-01-02T03:04:05.6+01:00")
        #expect(r.hooks.first?.events == [.test])
        #expect(r.hooks.first?.lastRun == HookExecution())
        #expect(r.chart?.name == "old")
        #expect(r.chart?.templates == nil)
        #expect(r.unknownFields == ["future_field": [1]])
        // Written back: unknown fields kept, empty times now omitted as Helm 4 does.
        let out = String(decoding: ReleaseCodec.encode(r), as: UTF8.self)
        #expect(out.contains(#""status":"superseded","resources":{"v1/Pod":[]}}"#))
        #expect(out.hasSuffix(#""version":7,"namespace":"default","future_field":[1]}"#))
        #expect(out.contains(#""last_run":{"phase":""}"#))
        #expect(!out.contains("deleted"))
    }

    @Test(arguments: [
        (#"{"name":5}"#, "name: expected a string"),
        (#"{"info":{"status":"sleeping"}}"#, "info.status: unknown release status \"sleeping\""),
        (#"{"info":{"last_deployed":"yesterday"}}"#, "info.last_deployed: \"yesterday\" is not an RFC 3339 time"),
        (#"{"hooks":[{"weight":"high"}]}"#, "hooks[0].weight: expected an integer"),
        (#"{"chart":{"templates":[{"name":"a","data":"%%%"}]}}"#, "chart.templates[0].data: expected base64 data"),
        (#"{"name":"#, "release JSON is malformed"),
    ])
    func badRecordsNameTheField(_ json: String, _ message: String) {
        do {
            _ = try ReleaseCodec.decode(Array(json.utf8))
            Issue.record("decoded \(json)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }
}
