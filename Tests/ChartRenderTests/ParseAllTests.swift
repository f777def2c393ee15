import Testing
@testable import ChartRender

/// `TemplateSet.parseAll` parses on several threads but must leave the set exactly as parsing
/// the texts one after another does: later definitions win, empty ones do not replace, and the
/// first failing text (in order) is the one reported.
private func texts(count: Int, brokenAt broken: Set<Int> = []) -> [(name: String, text: String)] {
    (0..<count).map { i in
        var t = #"{{ define "shared" }}from \#(i){{ end }}{{ define "empty" }}{{ end }}"#
        t += #"{{ define "t\#(i)" }}{{ .x | printf "%s-\#(i)" }} {{ template "shared" }}{{ end }}"#
        t += "body \(i) {{ len .list }}"
        if broken.contains(i) { t += "{{ if }}" }
        return ("file\(i).tpl", t)
    }
}

private func sequential(_ ts: [(name: String, text: String)]) -> (TemplateSet, String?) {
    var set = TemplateSet(functions: FunctionLibrary.standard())
    for t in ts {
        do { try set.parse(name: t.name, text: t.text) } catch { return (set, error.description) }
    }
    return (set, nil)
}

private func render(_ set: TemplateSet) throws -> [String] {
    let data = Value.map(["x": .string("v"), "list": .list([.int(1), .int(2)])])
    return try set.names.map { name in "\(name)=" + (try set.execute(name, data: data)) }
}

@Test func parseAllLeavesTheSetAsSequentialParsing() throws {
    let ts = texts(count: 60)
    var parallel = TemplateSet(functions: FunctionLibrary.standard())
    let result = parallel.parseAll(ts)
    #expect(result == nil)
    let (expected, error) = sequential(ts)
    #expect(error == nil)
    #expect(parallel.names == expected.names)
    #expect(try render(parallel) == render(expected))
    #expect(try parallel.execute("shared", data: .null) == "from 59")
}

@Test func parseAllReportsTheFirstFailureInOrder() throws {
    let ts = texts(count: 60, brokenAt: [41, 17, 58])
    var parallel = TemplateSet(functions: FunctionLibrary.standard())
    let result = parallel.parseAll(ts)
    let failure = try #require(result)
    let (expected, error) = sequential(ts)
    #expect(failure.index == 17)
    #expect(failure.error.description == error)
    #expect(failure.error.description.contains("file17.tpl"))
    #expect(parallel.names == expected.names)
    #expect(try render(parallel) == render(expected))
}
