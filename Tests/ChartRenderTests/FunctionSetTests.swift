import Foundation
import Testing
@testable import ChartRender

/// tarsctl's template functions are exactly the oracle's (text/template builtins, Sprig v3
/// without env/expandenv, Helm's) plus the Helm functions the oracle lacks.
@Suite struct FunctionSet {
    /// Helm functions that Helm's engine has and the oracle does not.
    static let helmOnly: Set<String> = ["fromToml", "toYamlPretty"]

    /// Names the oracle defines, found by asking it to parse a call to each candidate.
    static func oracleNames(_ candidates: Set<String>) async throws -> Set<String> {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-funcs-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("probe.jsonl")
        let lines = candidates.sorted().map { n in
            #"{"name": "\#(n)", "template": "{{ if false }}{{ \#(n) }}{{ end }}", "data": {}}"#
        }
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        return Set(try await Oracle.batch(file).filter { $0.value.ok }.keys)
    }

    /// Every quoted map key in Sprig's function table source, when Debian's copy is installed.
    static func sprigSourceNames() -> Set<String> {
        let roots = ["/usr/share/gocode/src/github.com/Masterminds/sprig/functions.go",
                     "/usr/share/gocode/src/github.com/Masterminds/sprig/v3/functions.go"]
        guard let text = roots.lazy.compactMap({ try? String(contentsOfFile: $0, encoding: .utf8) }).first else { return [] }
        var names: Set<String> = []
        for line in text.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("\""), let end = t.dropFirst().firstIndex(of: "\""),
                  t[t.index(after: end)...].hasPrefix(":") else { continue }
            names.insert(String(t[t.index(after: t.startIndex)..<end]))
        }
        return names
    }

    @Test func equalsTheOraclesPlusHelmOnly() async throws {
        let ours = Set(FunctionLibrary.standard().functions.keys)
        let sprig = Self.sprigSourceNames()
        #expect(sprig.count > 150, "Sprig's functions.go was not found or not parsed")
        let oracle = try await Self.oracleNames(ours.union(sprig))
        #expect(!oracle.contains("env") && !oracle.contains("expandenv"))
        let missing = oracle.subtracting(ours).sorted()
        let extra = ours.subtracting(oracle).subtracting(Self.helmOnly).sorted()
        #expect(missing.isEmpty, "functions the oracle has and tarsctl lacks: \(missing)")
        #expect(extra.isEmpty, "functions tarsctl has and neither the oracle nor Helm has: \(extra)")
        #expect(Self.helmOnly.isSubset(of: ours))
    }
}
