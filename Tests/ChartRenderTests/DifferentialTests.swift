import Foundation
import TestSupport
import Testing
@testable import ChartRender

/// Runs every case of `Fixtures/*.jsonl` through ChartRender and through the reference oracle
/// (Go text/template + Sprig, `$GOTPL -batch`), and compares output and error byte for byte.
/// A case may carry `"shape"` (a regex for random or time-dependent output) or `"expect"`
/// (`{"output": …}` or `{"error": …}`) where the oracle's Go 1.19 cannot be the reference.
struct DifferentialCase: Sendable {
    var name: String
    var template: String
    var templates: [(String, String)]
    var data: Value
    var missingKey: MissingKey
    var shape: String?
    var expectOutput: String?
    var expectError: String?

    init?(_ v: Value) {
        guard case .map(let m, _) = v, let name = m["name"]?.stringValue, let t = m["template"]?.stringValue else { return nil }
        self.name = name
        self.template = t
        if case .map(let ts, _)? = m["templates"] {
            templates = ts.keys.sorted().compactMap { k in ts[k]?.stringValue.map { (k, $0) } }
        } else {
            templates = []
        }
        data = m["data"] ?? .null
        missingKey = m["missingkey"]?.stringValue.flatMap(MissingKey.init(rawValue:)) ?? .zero
        shape = m["shape"]?.stringValue
        if case .map(let e, _)? = m["expect"] {
            expectOutput = e["output"]?.stringValue
            expectError = e["error"]?.stringValue
        }
    }

    /// Renders the case like the oracle: every template in one set, the case's own first.
    func render() -> (ok: Bool, output: String, error: String) {
        var set = TemplateSet(functions: FunctionLibrary.standard(), missingKey: missingKey)
        do {
            try set.parse(name: name, text: template)
            for (n, t) in templates { try set.parse(name: n, text: t) }
            return (true, try set.execute(name, data: data), "")
        } catch {
            return (false, error.partialOutput, error.description)
        }
    }
}

enum Oracle {
    static var path: String? {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["GOTPL"], (env["XDG_CACHE_HOME"] ?? (env["HOME"] ?? "") + "/.cache") + "/tarsctl/gotpl", "/tmp/gotpl"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the oracle's batch mode over a JSONL file: name → (ok, output, error).
    static func batch(_ file: URL) async throws -> [String: (ok: Bool, output: String, error: String)] {
        guard let path else {
            throw OracleMissing()
        }
        let data = try await runProcess(URL(fileURLWithPath: path), ["-batch", file.path]).stdout
        var result: [String: (Bool, String, String)] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard case .map(let m, _) = try JSONValueParser.parse(String(line)), let name = m["name"]?.stringValue else { continue }
            let ok: Bool = if case .bool(true)? = m["ok"] { true } else { false }
            result[name] = (ok, m["output"]?.stringValue ?? "", m["error"]?.stringValue ?? "")
        }
        return result
    }

    struct OracleMissing: Error, CustomStringConvertible {
        var description: String { "the gotpl oracle is not built: run scripts/deps.sh test (or set GOTPL)" }
    }
}

struct BadFixture: Error, CustomStringConvertible {
    let file: String
    let line: String
    var description: String { "\(file): a case needs string fields name and template: \(line)" }
}

enum Fixtures {
    static func files(prefix: String = "") -> [URL] {
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil),
              let items = try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil) else { return [] }
        return items.filter { $0.pathExtension == "jsonl" && $0.lastPathComponent.hasPrefix(prefix) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func cases(_ file: URL) throws -> [DifferentialCase] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map {
            guard let c = DifferentialCase(try JSONValueParser.parse(String($0))) else {
                throw BadFixture(file: file.lastPathComponent, line: String($0.prefix(80)))
            }
            return c
        }
    }
}

@Suite struct Differential {
    @Test(arguments: Fixtures.files())
    func matchesTheOracle(_ file: URL) async throws {
        let cases = try Fixtures.cases(file)
        let oracle = try await Oracle.batch(file)
        var mismatches: [String] = []
        for c in cases {
            let ours = (try? LargeStack.run { c.render() }) ?? (ok: false, output: "", error: "render thread failed")
            if let shape = c.shape {
                if !ours.ok || ours.output.range(of: shape, options: .regularExpression) == nil
                    || ours.output.range(of: shape, options: .regularExpression)?.lowerBound != ours.output.startIndex {
                    mismatches.append("\(c.name): output \(ours.output.debugDescription) \(ours.error) does not match shape \(shape)")
                }
                continue
            }
            var want: (ok: Bool, output: String, error: String)
            if let out = c.expectOutput {
                want = (true, out, "")
            } else if let err = c.expectError {
                want = (false, "", err)
            } else {
                guard let o = oracle[c.name] else { mismatches.append("\(c.name): no oracle result"); continue }
                want = o
            }
            if want.ok != ours.ok || want.output != ours.output || (!want.ok && want.error != ours.error) {
                mismatches.append("""
                \(c.name): template \(c.template.debugDescription)
                    want ok=\(want.ok) output=\(want.output.debugDescription) error=\(want.error)
                    got  ok=\(ours.ok) output=\(ours.output.debugDescription) error=\(ours.error)
                """)
            }
        }
        print("differential \(file.lastPathComponent): \(cases.count - mismatches.count)/\(cases.count) cases match")
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) cases differ:\n\(mismatches.prefix(40).joined(separator: "\n"))")
    }
}
