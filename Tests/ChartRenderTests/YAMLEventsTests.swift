import Foundation
import Testing
@testable import ChartRender

/// The event road (`YAMLEvents`) against Yams' tree (`YAMLValues.parseComposed`): whatever the
/// event road accepts must be the same value, and whatever Yams rejects the event road must leave
/// to it (so errors keep their wording).
@Suite struct YAMLEventsTests {
    /// A canonical text of a value: types, float bits and sorted keys, so equal text means equal values.
    static func dump(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return "bool(\(b))"
        case .int(let i): return "int(\(i))"
        case .int64(let i): return "int64(\(i))"
        case .float(let f): return "float(\(f.bitPattern))"
        case .string(let s): return "string(\(s.debugDescription))"
        case .list(let items, let e): return "list<\(e)>[" + items.map(dump).joined(separator: ",") + "]"
        case .map(let m, let e): return "map<\(e)>{" + m.keys.sorted().map { "\($0.debugDescription):\(dump(m[$0]!))" }.joined(separator: ",") + "}"
        case .object(let o): return "object(\(o.formatted))"
        }
    }

    /// Returns whether the event road read the text itself.
    @discardableResult
    static func check(_ text: String, _ what: String) -> Bool {
        let fast = YAMLEvents.parse(text, maxNodes: YAMLValues.maxNodes)
        let slow = Result { () throws(YAMLValues.ParseError) -> Value in try YAMLValues.parseComposed(text, file: what) }
        switch (fast, slow) {
        case (let f?, .success(let s)):
            #expect(dump(f) == dump(s), "\(what): the event road read a different value")
        case (.some, .failure(let e)):
            Issue.record("\(what): the event road accepted what Yams rejects: \(e)")
        case (nil, _):
            break
        }
        return fast != nil
    }

    static let cases: [(String, String)] = [
        ("scalars", "a: 1\nb: 1.5\nc: true\nd: yes\ne: ~\nf: null\ng: \"007\"\ng2: \"8000\"\ng3: 'true'\ng4: \"\"\nh: 0x1F\ni: 1e3\nj: .inf\nk: -.nan\nl: 'quoted'\nm: plain text\nn:\n"),
        ("keys", "1: a\n1.0: b\ntrue: c\n'false': d\n\"x y\": e\n0o17: f\n"),
        ("tags", "a: !!str 5\nb: !!int 7\nc: !custom 8\nd: !!str\ne: !!binary aGk=\n"),
        ("nesting", "a:\n  b:\n    - 1\n    - [2, 3]\n    - {c: d}\n  e: []\n  f: {}\n"),
        ("anchors", "base: &b\n  x: 1\n  y: [1, 2]\nuse: *b\nlist: [*b, *b]\n"),
        ("merge", "base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\nm:\n  <<: [*b, *o]\n  x: 9\nn:\n  <<: *b\n"),
        ("quoted merge key", "base: &b {x: 1}\nm:\n  '<<': *b\n"),
        ("block scalars", "a: |\n  line1\n  line2\nb: >-\n  folded\n  text\nc: |+\n  keep\n\n"),
        ("unicode", "name: \"caf\\u00e9 \\U0001F600\"\nplain: ünïcödé\n"),
        ("escapes", "a: \"tab\\there\\nnew\"\nb: \"nul\\0x\"\n"),
        ("empty", ""),
        ("comments only", "# nothing\n"),
        ("document marker", "---\na: 1\n...\n"),
        ("bare document", "---\n"),
        ("scalar root", "just text\n"),
        ("list root", "- a\n- b\n"),
        ("duplicate keys", "a: 1\na: 2\n"),
        ("duplicate quoted and plain", "a: 1\n'a': 2\n"),
        ("duplicate in a long mapping", (0..<12).map { "k\($0): \($0)\n" }.joined() + "k3: again\n"),
        ("duplicate at the ninth key", (0..<8).map { "k\($0): \($0)\n" }.joined() + "k0: again\n"),
        ("two documents", "a: 1\n---\nb: 2\n"),
        ("undefined alias", "a: *nope\n"),
        ("null key", "~: 1\n"),
        ("complex key", "? [a, b]\n: c\n"),
        ("tagged key", "!!str 1: a\n"),
        ("anchored key", "&k a: 1\nb: *k\n"),
        ("bad indentation", "a:\n  b: 1\n c: 2\n"),
        ("unclosed quote", "a: \"open\n"),
        ("tab indentation", "a:\n\tb: 1\n"),
        ("recursive alias", "a: &a [*a]\n"),
        ("self merge", "a: &a\n  <<: *a\n"),
    ]

    @Test func handWrittenCasesMatchYams() {
        var read: [String] = []
        for (what, text) in Self.cases where Self.check(text, what) { read.append(what) }
        // The valid inputs go the fast way (the invalid ones are checked below).
        #expect(read == ["scalars", "keys", "tags", "nesting", "anchors", "merge", "quoted merge key", "block scalars", "unicode", "escapes",
                         "empty", "comments only", "document marker", "bare document", "scalar root", "list root"])
    }

    @Test func eventRoadLeavesErrorsToYams() {
        for (what, text) in Self.cases where (try? YAMLValues.parseComposed(text, file: what)) == nil {
            #expect(YAMLEvents.parse(text, maxNodes: YAMLValues.maxNodes) == nil, "\(what)")
        }
    }

    @Test func aliasExpansionPastTheBudgetIsLeftToYams() {
        // 10 levels of 10 aliases each: 10^10 nodes when expanded.
        var text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { text += "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        #expect(YAMLEvents.parse(text, maxNodes: YAMLValues.maxNodes) == nil)
        #expect(throws: YAMLValues.ParseError.self) { try YAMLValues.parse(text) }
    }

    /// Every YAML file of the repository's charts, values and test fixtures.
    @Test func everyYAMLFileInTheRepositoryMatchesYams() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var checked = 0, read = 0
        for dir in ["Values", "Tests", "Templates"] {
            guard let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent(dir).path) else { continue }
            for case let rel as String in walker where rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") || rel.hasSuffix(".json") {
                let path = root.appendingPathComponent(dir).appendingPathComponent(rel).path
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                // Multi-document files: each document as the manifest splitter hands them over.
                for (i, doc) in text.components(separatedBy: "\n---").enumerated() {
                    if Self.check(i == 0 ? doc : "---" + doc, "\(dir)/\(rel)#\(i)") { read += 1 }
                    checked += 1
                }
            }
        }
        #expect(checked > 500)
        #expect(read * 10 > checked * 9, "the event road read only \(read) of \(checked) documents")
    }
}

