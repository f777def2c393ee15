import Foundation
import KubeClient
import Testing
@testable import Sandbox

@Suite struct JSONTests {
    @Test(arguments: [
        ("{\"replicas\":2}", "{\"replicas\":2}"),
        ("{\"ratio\":2.5}", "{\"ratio\":2.5}"),
        ("[1,-3,1e3,true,null,\"a\\nb\\u00e9\"]", "[1,-3,1000,true,null,\"a\\nbé\"]"),
        ("{\"b\":1,\"a\":{\"c\":[]}}", "{\"a\":{\"c\":[]},\"b\":1}"),
    ])
    func roundTrips(input: String, expected: String) throws {
        #expect(JSONWriter.string(try JSONParser.parse(input)) == expected)
    }

    @Test func keepsIntegersApartFromFloats() throws {
        let value = try JSONParser.parse("{\"i\":2,\"d\":2.0}")
        #expect(value["i"] == .int(2))
        #expect(value["d"] == .double(2.0))
    }

    @Test(arguments: ["{", "{\"a\":}", "[1,]", "tru", "\"unterminated", "{\"a\":1} x"])
    func rejectsMalformedInput(input: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(input) }
    }

    @Test func settingAPathCreatesMissingObjectsAndReplacesScalars() {
        var object: JSON = ["metadata": ["name": "a"], "spec": "scalar"]
        object[path: ["metadata", "labels", "app"]] = "web"
        object[path: ["spec", "replicas"]] = 2
        object[path: ["metadata", "name"]] = nil
        #expect(JSONWriter.string(object) == #"{"metadata":{"labels":{"app":"web"}},"spec":{"replicas":2}}"#)
        var scalar: JSON = "text"
        scalar[path: ["a"]] = 1
        scalar["b"] = 1
        #expect(scalar == "text")
    }

    /// The setters change containers in place; a copy taken before must not see the change.
    @Test func settersKeepValueSemantics() {
        var object: JSON = ["metadata": ["labels": ["app": "web"]], "data": ["a": "1"]]
        let before = object
        let labels = object[path: ["metadata", "labels"]]
        object[path: ["metadata", "labels", "tier"]] = "front"
        object["data"] = nil
        #expect(JSONWriter.string(before) == #"{"data":{"a":"1"},"metadata":{"labels":{"app":"web"}}}"#)
        #expect(labels == ["app": "web"])
        #expect(JSONWriter.string(object) == #"{"metadata":{"labels":{"app":"web","tier":"front"}}}"#)
    }

    @Test func stringsAreEscapedAroundUnescapedRuns() {
        let text = "plain \"quoted\" back\\slash\ttab\u{01}é\n" + String(repeating: "x", count: 1000)
        let written = JSONWriter.string(["s": .string(text)])
        #expect(written == #"{"s":"plain \"quoted\" back\\slash\ttab\u0001é\n"# + String(repeating: "x", count: 1000) + #""}"#)
        #expect((try? JSONParser.parse(written))?["s"] == .string(text))
        #expect(JSONWriter.string(["": ""]) == #"{"":""}"#)
    }

    @Test func timestampsAreRFC3339InUTC() {
        #expect(Cluster.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Cluster.timestamp(Date(timeIntervalSince1970: 1_795_237_629.9)) == "2026-11-21T05:07:09Z")
    }
}
