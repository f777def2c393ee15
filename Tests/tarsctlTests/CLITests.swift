import Foundation
import TestSupport
import Testing

/// Runs the built `tarsctl` binary the way a user does and checks what they see.
enum CLI {
    static var binary: URL {
        // The test bundle sits next to the products in the build directory.
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("tarsctl").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("tarsctl")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// How long the process ran (not counting the wait for a process slot).
        var seconds: Double
    }

    /// Runs the binary to completion. Async, and the waiting happens off the concurrency pool
    /// (TestSupport.runProcess): a test blocked on a child process must not hold one of the
    /// pool's few threads while every async test in the run queues for it.
    static func run(_ args: [String], stdin: String? = nil, cwd: URL? = nil) async throws -> Result {
        let r = try await runProcess(binary, args, stdin: stdin.map { Data($0.utf8) }, cwd: cwd)
        return Result(status: r.status, stdout: r.stdoutText, stderr: r.stderrText, seconds: r.seconds)
    }
}

@Test func versionPrintsTheReleaseVersion() async throws {
    let r = try await CLI.run(["--version"])
    #expect(r.status == 0)
    #expect(r.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
}

@Test func helpListsSubcommandsWithDescriptions() async throws {
    let r = try await CLI.run(["--help"])
    #expect(r.status == 0)
    for sub in ["template", "tpl"] {
        #expect(r.stdout.range(of: #"\n\s+"# + sub + #"\s+\S.*"#, options: .regularExpression) != nil, "missing \(sub) in help:\n\(r.stdout)")
    }
}
