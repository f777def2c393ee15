import Testing
@testable import ChartRender

struct SchemaCase: Sendable, CustomTestStringConvertible {
    let schema: String
    let value: String
    let violations: [String]
    var testDescription: String { "\(schema) ⊢ \(value)" }
}

@Test(arguments: [
    SchemaCase(schema: #"{"type":"integer"}"#, value: "3", violations: []),
    SchemaCase(schema: #"{"type":"integer"}"#, value: "3.5", violations: ["- (root): Invalid type. Expected: integer, given: number"]),
    SchemaCase(schema: #"{"type":["string","null"]}"#, value: "~", violations: []),
    SchemaCase(schema: #"{"enum":["a","b"]}"#, value: "c", violations: [#"- (root): (root) must be one of the following: "a", "b""#]),
    SchemaCase(schema: #"{"minimum":2,"exclusiveMaximum":5}"#, value: "5", violations: ["- (root): Must be less than 5"]),
    SchemaCase(schema: #"{"pattern":"^[a-z]+$","maxLength":3}"#, value: "abcd", violations: ["- (root): String length must be less than or equal to 3"]),
    SchemaCase(schema: #"{"items":{"type":"string"},"minItems":1}"#, value: "[a, 2]", violations: ["- 1: Invalid type. Expected: string, given: integer"]),
    SchemaCase(schema: ##"{"properties":{"a":{"$ref":"#/definitions/port"}},"definitions":{"port":{"type":"integer","maximum":65535}}}"##,
               value: "a: 70000", violations: ["- a: Must be less than or equal to 65535"]),
    SchemaCase(schema: #"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#, value: "true", violations: ["- (root): Must validate one and only one schema (oneOf)"]),
    SchemaCase(schema: #"{"if":{"properties":{"tls":{"const":true}}},"then":{"required":["cert"]}}"#, value: "tls: true", violations: ["- (root): cert is required"]),
    SchemaCase(schema: #"{"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}"#, value: "x-a: s\nb: 1",
               violations: ["- (root): Additional property b is not allowed"]),
])
func schemaReportsEveryViolationWithItsPath(_ c: SchemaCase) throws {
    let schema = try JSONValueParser.parse(c.schema)
    let value = try YAMLValues.parse(c.value)
    #expect(JSONSchema(schema).validate(value).map(\.description) == c.violations)
}
