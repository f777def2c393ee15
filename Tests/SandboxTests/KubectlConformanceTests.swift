import Foundation
import TestSupport
import Testing

/// Runs `scripts/conformance.sh` (the real kubectl against `tarsctl sandbox` over HTTPS) with the
/// tarsctl binary built next to this test bundle, so `swift test` covers it. Skipped when the
/// binary was not built (e.g. `swift build --target`).
@Suite struct KubectlConformanceTests {
    static var repoRoot: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    static var tarsctlBinary: String? {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tarsctl").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    @Test(.enabled(if: tarsctlBinary != nil && ProcessInfo.processInfo.environment["SANDBOX_SKIP_KUBECTL"] == nil), .timeLimit(.minutes(10)))
    func realKubectlPassesEveryStep() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.repoRoot.appendingPathComponent("scripts/conformance.sh").path, Self.tarsctlBinary ?? ""]
        // Output goes to a file, not a pipe: the sandbox the script starts in the background must
        // not hold a pipe this test waits on.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The script runs for a minute or more: wait off the concurrency pool.
        await offPool { process.waitUntilExit() }
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains(" 0 failed"))
    }
}
