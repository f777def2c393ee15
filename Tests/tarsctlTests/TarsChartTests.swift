import Foundation
import Testing

/// The T.A.R.S. chart rendered by tarsctl, for every case of Tests/chart/cases.txt: the output
/// must equal the golden file (recorded from the Go reference oracle, so tarsctl and Go agree
/// byte for byte), and the failing cases must fail with their `required`/`fail` message.
struct ChartCase: Sendable, CustomTestStringConvertible {
    let name: String
    let valueFiles: [String]
    let expectation: String
    var testDescription: String { name }

    static func load() -> [ChartCase] {
        guard let text = try? String(contentsOfFile: Repo.path("Tests/chart/cases.txt"), encoding: .utf8) else { return [] }
        var vars: [String: String] = [:]
        var cases: [ChartCase] = []
        for line in text.split(separator: "\n") {
            let l = line.trimmingCharacters(in: .whitespaces)
            if l.isEmpty || l.hasPrefix("#") { continue }
            if let eq = l.firstIndex(of: "="), !l.contains("|") {
                vars["$" + l[..<eq]] = String(l[l.index(after: eq)...])
                continue
            }
            let parts = l.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3 else { continue }
            let files = parts[1].split(separator: " ").map { f -> String in
                var s = String(f)
                for (k, v) in vars { s = s.replacingOccurrences(of: k, with: v) }
                return s
            }
            cases.append(ChartCase(name: parts[0], valueFiles: files, expectation: parts[2]))
        }
        return cases
    }
}

@Test(arguments: ChartCase.load())
func tarsChartRendersLikeTheOracle(_ c: ChartCase) async throws {
    let args = ["template", "tars", Repo.root.path, "-n", "tars", "--kube-version", "1.31.0"] + c.valueFiles.flatMap { ["-f", Repo.path($0)] }
    let r = try await CLI.run(args)
    if c.expectation.hasPrefix("error: ") {
        #expect(r.status == 1)
        #expect(r.stderr.contains(String(c.expectation.dropFirst("error: ".count))), "\(r.stderr)")
        return
    }
    #expect(r.status == 0, "\(r.stderr)")
    let golden = Repo.path("Tests/chart/golden/\(c.name).yaml")
    guard FileManager.default.fileExists(atPath: golden) else { return }
    #expect(r.stdout == (try String(contentsOfFile: golden, encoding: .utf8)), "tarsctl differs from \(golden)")
}

@Test func tarsChartCasesAreLoaded() {
    #expect(ChartCase.load().count >= 20)
}

/// The chart's ConfigMap and Secret provide exactly the variables the server reads
/// (`server/environment-variables.txt`, which the server's own tests hold its configuration to).
@Test func chartProvidesExactlyTheServersEnvironment() async throws {
    let r = try await CLI.run(["template", "tars", Repo.root.path, "-f", Repo.path("Values/dev.yaml"),
                         "--show-only", "templates/configmap.yaml", "--show-only", "templates/secrets.yaml"])
    #expect(r.status == 0, "\(r.stderr)")
    // Keys of the `data:`/`stringData:` blocks: two-space-indented `KEY:` lines in upper case.
    var provided: [String] = []
    var inData = false
    for line in r.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
        if line == "data:" || line == "stringData:" { inData = true; continue }
        if !line.hasPrefix(" ") { inData = false; continue }
        if inData, line.hasPrefix("  "), !line.hasPrefix("   "), let colon = line.firstIndex(of: ":") {
            provided.append(String(line[line.index(line.startIndex, offsetBy: 2)..<colon]))
        }
    }
    let wanted = try String(contentsOfFile: Repo.path("server/environment-variables.txt"), encoding: .utf8)
        .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    #expect(Set(provided).subtracting(wanted).sorted() == [], "the chart provides variables the server does not read")
    #expect(Set(wanted).subtracting(provided).sorted() == [], "the server reads variables the chart does not provide")
    #expect(provided.count == Set(provided).count, "a variable is provided twice: \(provided)")
}
