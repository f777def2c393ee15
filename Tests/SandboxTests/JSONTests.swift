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
}
