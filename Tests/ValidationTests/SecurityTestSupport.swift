import ChartRender
import Foundation
import KubeClient
@testable import Validation

/// Helpers shared by the security tests: YAML text (possibly several `---` documents) to
/// `ScannedObject`s with the line span of each document, and the fixture corpus on disk.
enum SecurityTestSupport {
    static let fixtureDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("SecurityFixtures")

    static func objects(_ yaml: String, file: String = "test.yaml") throws -> [ScannedObject] {
        var result: [ScannedObject] = []
        var chunk: [Substring] = []
        var chunkStart = 1
        var lineNo = 0
        func flush() throws {
            let text = chunk.joined(separator: "\n")
            defer { chunk = [] }
            let value = try YAMLValues.parse(text, file: file)
            if value.isNull { return }
            let json = JSON(yamlValue: value)
            result.append(ScannedObject(object: json,
                                        location: SourceLocation(file: file, line: chunkStart, column: 1,
                                                                 endLine: chunkStart + chunk.count - 1)))
        }
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            if line == "---" {
                try flush()
                chunkStart = lineNo + 1
            } else {
                chunk.append(line)
            }
        }
        try flush()
        return result
    }

    static func scan(_ yaml: String, options: SecurityOptions = SecurityOptions()) throws -> SecurityReport {
        SecurityScanner(options: options).scan(try objects(yaml))
    }

    static func firedIDs(_ report: SecurityReport) -> Set<String> {
        Set(report.findings.map(\.ruleID))
    }

    struct Fixture: Sendable, CustomStringConvertible {
        let name: String
        let text: String
        /// nil for "none": the kind gets no score.
        let expectedScore: Int?
        let expectedKubesec: Set<String>
        /// nil when the fixture does not pin its kube-linter findings.
        let expectedLint: Set<String>?
        var description: String { name }
    }

    static func fixtureNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtureDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func fixture(_ name: String) throws -> Fixture {
        let text = try String(contentsOf: fixtureDirectory.appendingPathComponent(name), encoding: .utf8)
        var score: Int?? = nil
        var kubesec: Set<String>?
        var lint: Set<String>?
        func ids(_ s: Substring) -> Set<String> {
            Set(s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        for line in text.split(separator: "\n") where line.hasPrefix("# expect-") {
            let parts = line.dropFirst(2).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0]
            let value = parts.count > 1 ? parts[1] : ""
            switch key {
            case "expect-score":
                let v = value.trimmingCharacters(in: .whitespaces)
                if v == "none" {
                    score = .some(nil)
                } else if let n = Int(v) {
                    score = .some(n)
                } else {
                    throw FixtureError(message: "\(name): expect-score must be a number or none, not \(v)")
                }
            case "expect-kubesec": kubesec = ids(value)
            case "expect-lint": lint = ids(value)
            default: break
            }
        }
        guard let score, let kubesec else {
            throw FixtureError(message: "\(name) lacks '# expect-score:' or '# expect-kubesec:'")
        }
        return Fixture(name: name, text: text, expectedScore: score, expectedKubesec: kubesec, expectedLint: lint)
    }

    struct FixtureError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
