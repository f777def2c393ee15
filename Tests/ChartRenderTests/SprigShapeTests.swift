import Foundation
import Testing
@testable import ChartRender

/// Random and clock-dependent Sprig functions cannot be compared byte for byte with the Go
/// oracle, so these render them through the engine and check the shape of the output, and check
/// that the oracle accepts each template and gives output of the same shape.
@Suite struct SprigShape {
    static func render(_ template: String) throws -> String {
        var set = TemplateSet(functions: FunctionLibrary.standard(), missingKey: .zero)
        try set.parse(name: "t", text: template)
        return try set.execute("t", data: .map([:]))
    }

    static func full(_ s: String, _ regex: String) -> Bool {
        s.range(of: "^(?:" + regex + ")$", options: .regularExpression) != nil
    }

    static let cases: [(template: String, shape: String)] = [
        ("{{ randAlpha 12 }}", "[A-Za-z]{12}"),
        ("{{ randAlphaNum 20 }}", "[A-Za-z0-9]{20}"),
        ("{{ randNumeric 8 }}", "[0-9]{8}"),
        ("{{ randAscii 16 }}", "[ -~]{16}"),
        ("{{ randAlpha 0 }}", ""),
        ("{{ randBytes 12 }}", "[A-Za-z0-9+/]{16}"),
        ("{{ randBytes 4 }}", "[A-Za-z0-9+/]{6}=="),
        ("{{ uuidv4 }}", "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
        ("{{ shuffle \"aabbcc\" | len }}", "6"),
        ("{{ now | date \"2006-01-02\" }}", "[0-9]{4}-[0-9]{2}-[0-9]{2}"),
        ("{{ now | htmlDate }}", "[0-9]{4}-[0-9]{2}-[0-9]{2}"),
        ("{{ now }}", "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}(\\.[0-9]+)? [-+][0-9]{4} [A-Za-z0-9+-]+ m=\\+[0-9.]+"),
        ("{{ now | unixEpoch }}", "[0-9]{10}"),
        ("{{ now | dateModify \"1h\" }}", "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}(\\.[0-9]+)? [-+][0-9]{4} [A-Za-z0-9+-]+ m=\\+3600\\.[0-9]{9}"),
        ("{{ ago (now | dateModify \"-90s\") }}", "1m3[01]s"),
        ("{{ durationRound (now | dateModify \"-3h\") }}", "(2|3)h"),
        ("{{ printf \"%T\" now }}", "time\\.Time"),
    ]

    @Test func shapesMatchInEngineAndOracle() async throws {
        var lines: [String] = []
        for (i, c) in Self.cases.enumerated() {
            let out = try Self.render(c.template)
            #expect(Self.full(out, c.shape), "\(c.template) gave \(out.debugDescription), want \(c.shape)")
            let json = "{\"name\": \"shape-\(i)\", \"template\": \(GoQuote.quote(c.template)), \"data\": {}}"
            lines.append(json)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-shape-\(UUID().uuidString).jsonl")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let oracle = try await Oracle.batch(file)
        for (i, c) in Self.cases.enumerated() {
            let o = try #require(oracle["shape-\(i)"], "oracle gave no result for \(c.template)")
            #expect(o.ok, "oracle rejected \(c.template): \(o.error)")
            #expect(Self.full(o.output, c.shape), "oracle's \(c.template) gave \(o.output.debugDescription), not \(c.shape)")
        }
    }

    @Test func randomValuesDifferBetweenCalls() throws {
        for t in ["{{ randAlphaNum 24 }}", "{{ uuidv4 }}", "{{ randBytes 16 }}", "{{ randAscii 24 }}", "{{ shuffle \"abcdefghijklmnopqrstuvwxyz\" }}"] {
            let a = try Self.render(t), b = try Self.render(t)
            #expect(a != b, "\(t) gave \(a) twice")
        }
        let s = try Self.render("{{ shuffle \"abcdefghijklmnopqrstuvwxyz\" }}")
        #expect(String(s.sorted()) == "abcdefghijklmnopqrstuvwxyz")
    }

    @Test func nowIsTheCurrentTime() throws {
        let out = try Self.render("{{ now | date \"2006-01-02T15:04:05.000Z07:00\" }}")
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let d = try #require(f.date(from: out), "unparseable \(out)")
        #expect(abs(d.timeIntervalSinceNow) < 1, "now rendered \(out)")
        let epoch = try #require(Double(try Self.render("{{ now | unixEpoch }}")))
        #expect(abs(epoch - Date().timeIntervalSince1970) < 2)
    }
}
