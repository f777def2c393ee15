import Foundation
import KubeClient
import Testing
@testable import Validation

@Suite struct SchemaManifestLoaderTests {
    @Test func splitsDocumentsSkipsEmptyOnesAndKeepsLines() {
        let text = """
        # leading comment
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
        data:
          k: "1"
        ---
        ---
        # only a comment
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          template:
            spec:
              containers:
              - name: c
                image: nginx
                ports:
                - containerPort: 80

        """
        let r = ManifestLoader.load(text: text, file: "m.yaml")
        #expect(r.errors.isEmpty)
        #expect(r.documents.count == 2)
        let cm = r.documents[0]
        #expect(cm.startLine == 2 && cm.endLine == 7)
        #expect(cm.ref == ObjectRef(apiVersion: "v1", kind: "ConfigMap", name: "a"))
        #expect(cm.object["data"]?["k"] == .string("1"))
        let d = r.documents[1]
        #expect(d.index == 3)
        #expect(d.startLine == 12 && d.endLine == 24)
        #expect(d.object[path: ["spec", "replicas"]] == .int(2))
        let loc = d.location(ofPath: "spec.template.spec.containers[0].ports[0].containerPort")
        #expect(loc.file == "m.yaml" && loc.line == 24)
        #expect(loc.column == 11)
        #expect(d.location(ofPath: "spec.template.spec.containers[0].image").line == 22)
        // A path that does not exist points at its closest existing parent.
        #expect(d.location(ofPath: "spec.template.spec.containers[0].resources.limits").line == 21)
    }

    @Test func resolvesScalarsAsYAML11() {
        let r = ManifestLoader.load(text: "a: yes\nb: 010\nc: 0x1F\nd: 1e3\ne: 1.5\nf: ~\ng: '5'\nh: 1_000\ni: 12345678901234567890\n", file: "s.yaml")
        let o = r.documents[0].object
        #expect(o["a"] == .bool(true))
        #expect(o["b"] == .int(8))
        #expect(o["c"] == .int(31))
        #expect(o["d"] == .string("1e3"))
        #expect(o["e"] == .double(1.5))
        #expect(o["f"] == .null)
        #expect(o["g"] == .string("5"))
        #expect(o["h"] == .int(1000))
        #expect(o["i"] == .double(12345678901234567890))
    }

    @Test func expandsListsIntoItems() {
        let text = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: s}
        - apiVersion: v1
          kind: ConfigMap
          metadata:
            name: c
          data:
            x: y
        """
        let r = ManifestLoader.load(text: text, file: "l.yaml")
        #expect(r.documents.map(\.display) == ["Service/s", "ConfigMap/c"])
        #expect(r.documents[1].startLine == 7 && r.documents[1].endLine == 12)
        #expect(r.documents[1].location(ofPath: "data.x").line == 12)
    }

    @Test func aDocumentThatIsAListIsAnErrorWithItsLine() {
        let r = ManifestLoader.load(text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- a\n- b\n", file: "x.yaml")
        #expect(r.documents.count == 1)
        #expect(r.errors.count == 1)
        #expect(r.errors[0].description.hasPrefix("x.yaml:5:1: document 2 is a list, not a mapping"))
    }

    @Test func brokenYAMLNamesFileLineAndColumn() {
        let r = ManifestLoader.load(text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n", file: "b.yaml")
        #expect(r.documents.isEmpty)
        #expect(r.errors.count == 1)
        #expect(r.errors[0].file == "b.yaml" && r.errors[0].line >= 4)
        #expect(r.errors[0].message.contains("invalid YAML"))
    }

    @Test func binaryAndNonUTF8InputAreClearErrors() {
        let binary = ManifestLoader.load(data: Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00]), file: "a.out")
        #expect(binary.errors.first?.description == "a.out:1:5: binary data (byte 0x02) at byte offset 4; this is not a YAML text file")
        let latin1 = ManifestLoader.load(data: Data("a: 1\nb: caf".utf8 + [0xE9, 0x0A]), file: "l.yaml")
        #expect(latin1.errors.first?.description == "l.yaml:2:7: invalid UTF-8 (byte 0xE9) at byte offset 11; YAML manifests must be UTF-8 text")
    }
}

@Suite struct SchemaDuplicateKeyTests {
    static let text = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
        data:
          k: "1"
          other: x
          k: "2"

        """

    @Test func lastValueWinsAndTheRepeatIsRecorded() {
        let r = ManifestLoader.load(text: Self.text, file: "d.yaml")
        #expect(r.errors.isEmpty)
        #expect(r.documents[0].object["data"]?["k"] == .string("2"))
        #expect(r.documents[0].duplicateKeys == [DuplicateKey(path: JSONPath(parsing: "data.k"), line: 8, column: 3, firstLine: 6)])
    }

    @Test func duplicatesAreErrorsUnderStrictAndWarningsOtherwise() throws {
        let docs = ManifestLoader.load(text: Self.text, file: "d.yaml").documents
        let loose = try SchemaCheck.validate(docs, options: SchemaOptions())
        #expect(loose.map(\.severity) == [.warning])
        let strict = try SchemaCheck.validate(docs, options: SchemaOptions(strict: true))
        #expect(strict.map(\.severity) == [.error])
        #expect(strict.first?.message == "data.k: duplicate field \"k\" (first set at line 6); the last value wins, remove one of them")
        #expect(strict.first?.location == SourceLocation(file: "d.yaml", line: 8, column: 3))
    }

    @Test func aliasesExpandAndUnknownAliasesAreErrors() {
        let ok = ManifestLoader.load(text: "a: &x {b: 1}\nc: *x\n", file: "a.yaml")
        #expect(ok.documents.first?.object["c"] == ["b": 1])
        let bad = ManifestLoader.load(text: "a: 1\nc: *nope\n", file: "a.yaml")
        #expect(bad.errors.first?.description == "a.yaml:2:4: unknown alias *nope; define the anchor &nope before using it")
    }

    @Test func billionLaughsIsRefused() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let r = ManifestLoader.load(text: text, file: "lol.yaml")
        #expect(r.documents.isEmpty)
        #expect(r.errors.first?.message.contains("refusing to load it") == true)
    }
}

@Test func documentsBuiltInCodeValidateWithoutSourceText() throws {
    let d = ManifestDocument(object: ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "s"], "spec": ["ports": [["port": "x"]]]],
                             file: "cluster")
    #expect(d.ref?.display == "Service/s")
    let f = try SchemaCheck.validate([d], options: SchemaOptions())
    #expect(f.map(\.message) == ["spec.ports[0].port: expected integer, got string \"x\""])
    #expect(f.first?.location == SourceLocation(file: "cluster", line: 0, column: 0))
}

@Test func listItemsFindTheirFieldsInEveryLayout() throws {
    let text = """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            data: {n: 1}
          -
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: b}
            data:
              n: 2
        """
    let docs = ManifestLoader.load(text: text, file: "l.yaml").documents
    let f = try SchemaCheck.validate(docs, options: SchemaOptions())
    #expect(f.map { "\($0.location.line):\($0.location.column) \($0.object?.name ?? "") \($0.message)" } == [
        "7:12 a data.n: expected string, got integer 1",
        "13:7 b data.n: expected string, got integer 2",
    ])
}
