import Testing
@testable import ChartRender

@Test func goTypeNamesMatchReflection() {
    #expect(Value.list([.string("a")]).typeName == "[]interface {}")
    #expect(Value.list([], element: .string).typeName == "[]string")
    #expect(Value.map([:]).typeName == "map[string]interface {}")
    #expect(Value.null.typeName == "<nil>")
    #expect(Value.float(1).goType?.kind == "float64")
}
