import Foundation
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

    @Test(.enabled(if: tarsctlBinary != nil && ProcessInfo.processInfo.environment["SANDBOX_SKIP_KUBECTL"] == nil), .timeLimit(.minutes(5)))
    func realKubectlPassesEveryStep() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.repoRoot.appendingPathComponent("scripts/conformance.sh").path, Self.tarsctlBinary ?? ""]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains(" 0 failed"))
    }
}
