import KubeClient
import ArgumentParser
import ChartRender
import Foundation

/// Helm's value flags, shared by every command that renders.
struct ValuesOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("values")], help: "Values file (YAML); repeatable, later files win. '-' reads stdin.")
    var values: [String] = []
    @Option(name: .customLong("set"), help: "Set values: a.b=1,c[0]=x (types inferred).")
    var set: [String] = []
    @Option(name: .customLong("set-string"), help: "Set STRING values: a.b=007.")
    var setString: [String] = []
    @Option(name: .customLong("set-file"), help: "Set values from files: key=path.")
    var setFile: [String] = []
    @Option(name: .customLong("set-json"), help: "Set JSON values: key={\"a\":1}.")
    var setJSON: [String] = []
    @Option(name: .customLong("set-literal"), help: "Set a literal STRING value: key=anything,even=this.")
    var setLiteral: [String] = []

    /// Merges the sources in Helm's order: files, --set-json, --set, --set-string, --set-file, --set-literal.
    func userValues() throws -> [String: Value] {
        var base: [String: Value] = [:]
        for path in values {
            let text: String
            if path == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                text = try CLIInput.readText(path)
            }
            let v: Value
            do { v = try YAMLValues.parse(text, file: path) } catch {
                throw CLIInput.InputError(description: "\(error)\n  (fix the YAML in \(path) at that line)")
            }
            switch v {
            case .map(let m, _): base = Coalesce.merge(base, m)
            case .null: break
            default: throw CLIInput.InputError(description: "\(path): a values file must be a YAML mapping (key: value), not a \(v.typeName)")
            }
        }
        try apply(setJSON, .json, "--set-json", &base)
        try apply(set, .typed, "--set", &base)
        try apply(setString, .string, "--set-string", &base)
        try apply(setFile, .file({ path in try CLIInput.readText(path) }), "--set-file", &base)
        try apply(setLiteral, .literal, "--set-literal", &base)
        return base
    }

    private func apply(_ items: [String], _ mode: StrVals.Mode, _ flag: String, _ base: inout [String: Value]) throws {
        for s in items { try StrVals.parse(s, into: &base, mode: mode, flag: flag) }
    }
}
