import Testing
@testable import ChartRender

/// Renders a value the way a user sees it in a template: `toJson`-like text via toYaml's flow.
private func yaml(_ v: [String: Value]) -> String { YAMLEmitter.emit(.map(v)) }

struct SetCase: CustomTestStringConvertible, Sendable {
    let flags: [String]
    var mode: StrVals.Mode = .typed
    let yaml: String
    var testDescription: String { flags.joined(separator: " ") }
}

@Test(arguments: [
    SetCase(flags: ["name=value"], yaml: "name: value\n"),
    SetCase(flags: ["a=1,b=true,c=null,d=0,e=007,f=1.5,g=TRUE"], yaml: "a: 1\nb: true\nc: null\nd: 0\ne: \"007\"\nf: \"1.5\"\ng: true\n"),
    SetCase(flags: ["outer.inner=1", "outer.other=x"], yaml: "outer:\n  inner: 1\n  other: x\n"),
    SetCase(flags: ["list[0]=a,list[2]=c"], yaml: "list:\n- a\n- null\n- c\n"),
    SetCase(flags: ["list[0].name=a,list[0].port=80"], yaml: "list:\n- name: a\n  port: 80\n"),
    SetCase(flags: ["names={a,b,c}"], yaml: "names:\n- a\n- b\n- c\n"),
    SetCase(flags: ["dotted\\.key=1,comma=a\\,b"], yaml: "comma: a,b\ndotted.key: 1\n"),
    SetCase(flags: ["empty="], yaml: "empty: \"\"\n"),
    SetCase(flags: ["a=1", "a=2"], yaml: "a: 2\n"),
    SetCase(flags: ["num=12345678901"], yaml: "num: 12345678901\n"),
    SetCase(flags: ["a=007,b=true"], mode: .string, yaml: "a: \"007\"\nb: \"true\"\n"),
    SetCase(flags: ["k=a,b=c.d"], mode: .literal, yaml: "k: a,b=c.d\n"),
    SetCase(flags: ["obj={\"x\":[1,2]},s=\"t\""], mode: .json, yaml: "obj:\n  x:\n  - 1\n  - 2\ns: t\n"),
])
func setFlagsParseAsHelm(_ c: SetCase) throws {
    var v: [String: Value] = [:]
    for f in c.flags { try StrVals.parse(f, into: &v, mode: c.mode) }
    #expect(yaml(v) == c.yaml)
}

@Test func setIntegersAreInt64AsHelmsStrvals() throws {
    var v: [String: Value] = [:]
    try StrVals.parse("replicas=3", into: &v, mode: .typed)
    #expect(v["replicas"]?.typeName == "int64")
}

@Test(arguments: ["a[", "a[-1]=x", "a[99999999]=x", "novalue", "x={a,b"])
func badSetSyntaxIsRejectedWithTheInput(_ flag: String) {
    var v: [String: Value] = [:]
    do {
        try StrVals.parse(flag, into: &v, mode: .typed)
        Issue.record("\(flag) was accepted: \(v)")
    } catch {
        #expect(error.description.contains(GoQuote.quote(flag)))
    }
}

/// YAML 1.1, as Helm loads values: the key `y` is the boolean true.
@Test func yamlOneOneKeysBecomeBooleanStrings() throws {
    #expect(try YAMLValues.parse("y: 1\nn: 2\n").mapEntries?.keys.sorted() == ["false", "true"])
}

@Test func userNullDeletesADefaultAndMapsMergeDeeply() throws {
    let defaults = try #require(YAMLValues.parse("a: 1\nb: {x: 1, w: 2}\nc: keep\nd: [1, 2]\n").mapEntries)
    let user = try #require(YAMLValues.parse("a: null\nb: {w: 3, z: 4}\nd: [9]\n").mapEntries)
    #expect(yaml(Coalesce.values(defaults: defaults, user: user)) == "b:\n  w: 3\n  x: 1\n  z: 4\nc: keep\nd:\n- 9\n")
}

@Test func laterValuesFilesWinAndMergeMaps() throws {
    let first = try #require(YAMLValues.parse("a: {x: 1, w: 1}\nb: 1\n").mapEntries)
    let second = try #require(YAMLValues.parse("a: {w: 2}\nb: null\n").mapEntries)
    // Merging user files keeps the null so that coalescing can delete the chart default.
    #expect(yaml(Coalesce.merge(first, second)) == "a:\n  w: 2\n  x: 1\nb: null\n")
}

@Test func yamlAliasBombIsRejectedQuickly() {
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in 1...9 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
    #expect(throws: YAMLValues.ParseError.self) { try YAMLValues.parse(text, file: "bomb.yaml") }
}

extension Value {
    var mapEntries: [String: Value]? { if case .map(let m, _) = self { m } else { nil } }
}
