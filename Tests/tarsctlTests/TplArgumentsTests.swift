import Foundation
import Testing

/// `tarsctl tpl` reads plain argument lists itself (ArgumentParser is quadratic in the number of
/// files) and leaves everything else to ArgumentParser: both must mean the same thing.
private func tplFixture() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-tplargs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try #"a={{ .x }}|{{ template "b.tpl" . }}"#.write(to: dir.appendingPathComponent("a.tpl"), atomically: true, encoding: .utf8)
    try #"b={{ .x }}{{ .missing }}"#.write(to: dir.appendingPathComponent("b.tpl"), atomically: true, encoding: .utf8)
    try #"{"x": "one"}"#.write(to: dir.appendingPathComponent("d.json"), atomically: true, encoding: .utf8)
    return dir
}

@Test func tplOptionsMeanTheSameBeforeAndAfterFilesAndInEveryForm() async throws {
    let dir = try tplFixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let forms: [[String]] = [
        ["tpl", "--data", "d.json", "a.tpl", "b.tpl"],
        ["tpl", "a.tpl", "b.tpl", "--data", "d.json"],
        ["tpl", "a.tpl", "--data", "d.json", "b.tpl"],
        ["tpl", "--data=d.json", "a.tpl", "b.tpl"],
        ["tpl", "--missingkey", "zero", "--data", "d.json", "a.tpl", "b.tpl"],
    ]
    for args in forms {
        let r = try await CLI.run(args, cwd: dir)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        #expect(r.stdout == "a=one|b=one<no value>", "\(args)")
    }
    let named = try await CLI.run(["tpl", "a.tpl", "b.tpl", "--name", "b.tpl", "--data", "d.json"], cwd: dir)
    #expect(named.stdout == "b=one<no value>")
    let strict = try await CLI.run(["tpl", "b.tpl", "--missingkey", "error", "--data", "d.json"], cwd: dir)
    #expect(strict.status == 1)
    #expect(strict.stderr.contains(#"map has no entry for key "missing""#), "\(strict.stderr)")
}

@Test func tplUsageErrorsStayUsageErrors() async throws {
    let dir = try tplFixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = try await CLI.run(["tpl", "a.tpl", "--missingkey", "bogus"], cwd: dir)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("bogus"), "\(bad.stderr)")
    let noFiles = try await CLI.run(["tpl", "--data", "d.json"], cwd: dir)
    #expect(noFiles.status == 2, "\(noFiles.stderr)")
    let missing = try await CLI.run(["tpl", "nope.tpl"], cwd: dir)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("nope.tpl"), "\(missing.stderr)")
}

@Test func tplReportsTheFirstProblemInFileOrder() async throws {
    let dir = try tplFixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    var files: [String] = []
    for i in 0..<40 {
        let name = "f\(i).tpl"
        files.append(name)
        if i == 30 { continue } // never written: unreadable
        try (i == 20 ? "{{ if }}" : "f\(i)").write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    let parseFirst = try await CLI.run(["tpl"] + files, cwd: dir)
    #expect(parseFirst.status == 1)
    #expect(parseFirst.stderr.contains("f20.tpl:1: missing value for if"), "\(parseFirst.stderr)")
    var readFirst = files
    readFirst.swapAt(10, 30)
    let missing = try await CLI.run(["tpl"] + readFirst, cwd: dir)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("f30.tpl: cannot read the file"), "\(missing.stderr)")
    let ok = try await CLI.run(["tpl"] + files.filter { $0 != "f20.tpl" && $0 != "f30.tpl" }, cwd: dir)
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout == "f0")
}
