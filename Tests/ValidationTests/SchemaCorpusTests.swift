import Foundation
import KubeClient
import TestSupport
import Testing
@testable import Validation

/// Acceptance 1 of issue 5: on every manifest of the corpus (scripts/gen-validate-corpus.py plus
/// Corpus/hand), tarsctl's verdict matches kubernetes-validate's, run live through
/// scripts/validate-oracle.py, and every path kubernetes-validate reports is in our findings.
@Suite struct SchemaCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repo = root.deletingLastPathComponent().deletingLastPathComponent()

    struct Oracle: Decodable {
        var file: String
        var verdict: String
        var strict: Bool
        var components: [[PathPart]]?
        var messages: [String]
    }

    enum PathPart: Decodable, Equatable {
        case key(String), index(Int)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { self = .index(i) } else { self = .key(try c.decode(String.self)) }
        }
        var component: PathComponent {
            switch self {
            case .key(let k): .key(k)
            case .index(let i): .index(i)
            }
        }
    }

    static func corpusFiles() -> [String] {
        let dir = root.appendingPathComponent("Corpus").path
        let all = FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []
        return all.filter { $0.hasSuffix(".yaml") }.sorted().map { dir + "/" + $0 }
    }

    static func runOracle(_ files: [String], version: String) async throws -> [String: Oracle] {
        let r = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                     ["python3", repo.appendingPathComponent("scripts/validate-oracle.py").path, "--kubernetes-version", version] + files)
        #expect(r.status == 0, "validate-oracle.py failed; is kubernetes-validate installed (scripts/deps.sh)? \(r.stderrText)")
        var results: [String: Oracle] = [:]
        for line in r.stdout.split(separator: UInt8(ascii: "\n")) {
            let r = try JSONDecoder().decode(Oracle.self, from: Data(line))
            results[r.file] = r
        }
        return results
    }

    /// The default (newest) version, and an older one to check the bundle's version choice.
    @Test(arguments: ["1.37", "1.29"])
    func verdictsMatchKubernetesValidateOnTheCorpus(version: String) async throws {
        let files = Self.corpusFiles()
        #expect(files.count >= 200, "corpus has \(files.count) files")
        let oracle = try await Self.runOracle(files, version: version)
        #expect(oracle.count == files.count)
        var counts: [String: Int] = [:]
        for file in files {
            guard let ref = oracle[file] else { continue }
            counts[ref.verdict, default: 0] += 1
            let loaded = ManifestLoader.load(text: try String(contentsOfFile: file, encoding: .utf8), file: file)
            if ref.verdict == "error" {
                // kubernetes-validate cannot read the file; we report where and why.
                #expect(loaded.errors.contains { $0.line > 0 && $0.file == file }, "\(file): \(loaded.errors)")
                continue
            }
            #expect(loaded.errors.isEmpty, "\(file): \(loaded.errors)")
            let findings = try SchemaCheck.validate(loaded.documents, options: SchemaOptions(kubernetesVersion: version, strict: ref.strict))
            let name = file.dropFirst(Self.root.path.count + 1)
            let ours = findings.map { "\($0.location.line): \($0.message)" }.joined(separator: "\n    ")
            switch ref.verdict {
            case "valid":
                #expect(findings.isEmpty, "\(name): kubernetes-validate says valid, tarsctl says:\n    \(ours)")
            case "missing":
                #expect(!findings.isEmpty && findings.allSatisfy { $0.message.contains("no schema for") && $0.message.contains("--ignore-missing-schemas") },
                        "\(name): kubernetes-validate has no schema (\(ref.messages)), tarsctl says:\n    \(ours)")
            case "invalid":
                #expect(!findings.isEmpty, "\(name): kubernetes-validate says invalid (\(ref.messages)), tarsctl says valid")
                let paths = findings.map { JSONPath(parsing: $0.path ?? "").components }
                for expected in ref.components ?? [] {
                    let want = expected.map(\.component)
                    #expect(paths.contains { $0.starts(with: want) },
                            "\(name): kubernetes-validate reports \(JSONPath(want)) (\(ref.messages)); tarsctl:\n    \(ours)")
                    // The path is in the message the user reads, and the location is a real line.
                    #expect(findings.contains { $0.message.hasPrefix(JSONPath(want).description) && $0.location.line > 0 })
                }
            default:
                Issue.record("\(name): unexpected oracle verdict \(ref.verdict): \(ref.messages)")
            }
        }
        // The corpus exercises both outcomes in earnest.
        #expect((counts["valid"] ?? 0) >= 50 && (counts["invalid"] ?? 0) >= 100, "\(counts)")
    }
}
