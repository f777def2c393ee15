import Foundation
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

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], stdin: String? = nil, cwd: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let stdin {
            let inPipe = Pipe()
            p.standardInput = inPipe
            inPipe.fileHandleForWriting.write(Data(stdin.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        try p.run()
        // Drain stderr on another thread so a large error cannot fill its pipe and block the child.
        let errBox = DataBox()
        let reader = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); errBox.done.signal() }
        reader.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        errBox.done.wait()
        let e = errBox.data
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

/// Filled by the reader thread before it signals `done`.
final class DataBox: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

@Test func versionPrintsTheReleaseVersion() throws {
    let r = try CLI.run(["--version"])
    #expect(r.status == 0)
    #expect(r.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
}

@Test func helpListsSubcommandsWithDescriptions() throws {
    let r = try CLI.run(["--help"])
    #expect(r.status == 0)
    for sub in ["template", "tpl"] {
        #expect(r.stdout.range(of: #"\n\s+"# + sub + #"\s+\S.*"#, options: .regularExpression) != nil, "missing \(sub) in help:\n\(r.stdout)")
    }
}
