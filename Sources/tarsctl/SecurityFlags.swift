import ArgumentParser
import Foundation
import Validation

/// The security-scan flags shared by `lint` and `validate`.
struct SecurityFlags: ParsableArguments {
    @Option(name: .customLong("min-score"), help: "Fail every workload whose kubesec score is below N.")
    var minScore: Int?
    @Option(name: .customLong("skip"), help: "Rule id to skip (kubesec id or kube-linter check name); repeatable.")
    var skip: [String] = []
    @Option(name: .customLong("config"), help: "Security config file (security.skip, security.minScore); default ./.tarsctl.yaml, then one in the chart directory.")
    var config: String?
    @Flag(name: .customLong("no-security"), help: "Skip the security scan (kubesec score and kube-linter checks).")
    var noSecurity = false

    /// The scanner's options, or nil with `--no-security`. An explicit `--config` must exist; the
    /// default `.tarsctl.yaml` is read from the working directory, else from `configDirectory`.
    func options(configDirectory: String?) throws -> SecurityOptions? {
        if noSecurity { return nil }
        let file: SecurityConfig
        do {
            if let config {
                guard FileManager.default.fileExists(atPath: config) else {
                    throw CLIInput.InputError(description: "--config \(config): no such file; give the path of a .tarsctl.yaml")
                }
                file = try SecurityConfig.load(path: config)
            } else {
                let cwd = FileManager.default.currentDirectoryPath
                var found = try SecurityConfig.loadIfPresent(directory: cwd)
                var isDir: ObjCBool = false
                if found == SecurityConfig(), let dir = configDirectory,
                   FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue {
                    found = try SecurityConfig.loadIfPresent(directory: dir)
                }
                file = found
            }
        } catch let e as SecurityConfig.Error {
            throw CLIInput.InputError(description: e.description)
        }
        return file.options(minScore: minScore, extraSkip: Set(skip))
    }
}
