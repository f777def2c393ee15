import ArgumentParser
import Foundation
import Sandbox

/// `tarsctl sandbox up`: starts the sandbox in the background and points a kubeconfig at it.
struct SandboxUp: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "up", abstract: "Start the sandbox in the background and write a kubeconfig context.")

    @OptionGroup var location: SandboxLocation
    @Option(help: "Port to listen on (127.0.0.1).") var port: Int = 16443
    @Option(help: "Kubeconfig to write (default: $KUBECONFIG or ~/.kube/config).") var kubeconfig: String?
    @Flag(help: "Keep the current kubeconfig context.") var noSwitch = false
    @Option(help: "Milliseconds until new pods and jobs are ready.") var readyDelayMs: Int = 500
    @Flag(help: "Serve HTTP/1.1 only (no h2 over ALPN), e.g. to compare the two.") var http1Only = false

    func run() throws {
        let files = location.files
        let certificates = try files.loadOrCreateCertificates()
        let token = try files.loadOrCreateToken()
        if let pid = SandboxProcess.runningPID(files) {
            print("sandbox already running (pid \(pid)) at \(files.endpoint ?? "?")")
        } else {
            try? FileManager.default.removeItem(atPath: files.endpointPath)
            let pid = try SandboxProcess.spawn(files: files, arguments: ["sandbox", "serve", "--data-dir", location.dataDir, "--port", String(port), "--ready-delay-ms", String(readyDelayMs)]
                                               + (http1Only ? ["--http1-only"] : []))
            guard SandboxProcess.waitUntilListening(files, pid: pid, timeout: 10) else {
                throw SandboxError("the sandbox did not start; see \(files.logPath)")
            }
            print("sandbox started (pid \(pid)) at \(files.endpoint ?? "?")")
        }
        let path = KubeconfigWriter.resolvePath(explicit: kubeconfig)
        let outcome = try KubeconfigWriter(path: path).write(server: files.endpoint ?? "https://127.0.0.1:\(port)", caPEM: certificates.caCertificatePEM, token: token, switchContext: !noSwitch)
        switch outcome {
        case .written(let p): print("kubeconfig \(p): context \(KubeconfigWriter.contextName)\(noSwitch ? "" : " (current)")")
        case .writtenAside(let p): print("kubeconfig \(path) is YAML tarsctl does not rewrite; context \(KubeconfigWriter.contextName) written to \(p) (use KUBECONFIG=\(p):\(path))")
        }
    }
}

/// `tarsctl sandbox down`: stops the background sandbox; its objects stay in the data directory.
struct SandboxDown: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop the background sandbox (state is kept).")
    @OptionGroup var location: SandboxLocation

    func run() throws {
        let files = location.files
        guard let pid = SandboxProcess.runningPID(files) else {
            print("sandbox is not running")
            return
        }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0 && Date() < deadline { usleep(20_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: files.pidPath)
        print("sandbox stopped")
    }
}

/// `tarsctl sandbox status`: whether the sandbox runs, and where.
struct SandboxStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show whether the sandbox is running.")
    @OptionGroup var location: SandboxLocation

    func run() throws {
        let files = location.files
        if let pid = SandboxProcess.runningPID(files) {
            print("running (pid \(pid)) at \(files.endpoint ?? "?"), data in \(files.directory)")
        } else {
            print("stopped, data in \(files.directory)")
            throw ExitCode(3)
        }
    }
}

/// The background sandbox process: spawning, pid file, readiness.
enum SandboxProcess {
    static func runningPID(_ files: SandboxFiles) -> pid_t? {
        guard let text = try? String(contentsOfFile: files.pidPath, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return kill(pid, 0) == 0 ? pid : nil
    }

    static func spawn(files: SandboxFiles, arguments: [String]) throws -> pid_t {
        try FileManager.default.createDirectory(atPath: files.directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: files.logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: files.logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        try Data("\(pid)\n".utf8).write(to: URL(fileURLWithPath: files.pidPath), options: .atomic)
        return pid
    }

    static func waitUntilListening(_ files: SandboxFiles, pid: pid_t, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if files.endpoint != nil { return true }
            if kill(pid, 0) != 0 { return false }
            usleep(10_000)
        }
        return false
    }
}
