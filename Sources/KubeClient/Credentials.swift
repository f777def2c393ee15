import Foundation
import NIOSSL

/// The credentials of a kubeconfig user: a static token, a token file (re-read every minute
/// and on 401), or an exec plugin (run once, cached until its expiry, re-run on 401). Client
/// certificates from the kubeconfig live in the base TLS configuration; an exec plugin's
/// certificate becomes a per-request TLS configuration.
final class Credentials: Sendable {
    struct Current: Sendable {
        var bearer: String?
        var tls: TLSConfiguration?
    }

    struct ExecResult: Sendable {
        var token: String?
        var tls: TLSConfiguration?
        var expires: Date?
    }

    private struct State {
        var fileToken: (value: String, read: Date)?
        var exec: ExecResult?
        var pending: Task<ExecResult, Error>?
        var generation = 0
    }

    let config: Kubeconfig.Resolved
    let baseTLS: TLSConfiguration?
    let options: KubeClientOptions
    private let state = LockedBox(State())

    init(config: Kubeconfig.Resolved, baseTLS: TLSConfiguration?, options: KubeClientOptions) {
        self.config = config
        self.baseTLS = baseTLS
        self.options = options
    }

    private var userName: String { config.userName.isEmpty ? config.contextName : config.userName }

    /// True when asking again could give other credentials (token file, exec plugin).
    var canRefresh: Bool {
        let user = config.user
        return (user.token ?? "").isEmpty && (user.tokenFile != nil || user.exec != nil)
    }

    func invalidate() {
        state.withLock { s in
            s.fileToken = nil
            s.exec = nil
            s.pending = nil
            s.generation += 1
        }
    }

    func current() async throws -> Current {
        let user = config.user
        if let token = user.token, !token.isEmpty { return Current(bearer: token) }
        if let file = user.tokenFile {
            return Current(bearer: try fileToken(file))
        }
        if let exec = user.exec {
            let result = try await execResult(exec)
            return Current(bearer: result.token, tls: result.tls)
        }
        return Current()
    }

    private func fileToken(_ path: String) throws -> String {
        if let cached = state.withLock({ $0.fileToken }), Date().timeIntervalSince(cached.read) < 60 { return cached.value }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeClientError(.credentials, "cannot read the tokenFile \(path) of user \"\(userName)\"; check that the file exists and is readable")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw KubeClientError(.credentials, "the tokenFile \(path) of user \"\(userName)\" is empty; write a token into it or fix the kubeconfig")
        }
        state.withLock { $0.fileToken = (token, Date()) }
        return token
    }

    private func execResult(_ exec: Kubeconfig.ExecConfig) async throws -> ExecResult {
        if let cached = state.withLock({ $0.exec }), cached.expires.map({ $0.timeIntervalSinceNow > 10 }) ?? true { return cached }
        let task: Task<ExecResult, Error> = state.withLock { s in
            if let cached = s.exec, cached.expires.map({ $0.timeIntervalSinceNow > 10 }) ?? true {
                return Task { cached }
            }
            if let pending = s.pending { return pending }
            let generation = s.generation
            let environment = options.environment
            let userName = self.userName
            let baseTLS = self.baseTLS
            let task = Task { [state] in
                let result = try await Self.run(exec, userName: userName, environment: environment, baseTLS: baseTLS)
                state.withLock { s in
                    if s.generation == generation {
                        s.exec = result
                        s.pending = nil
                    }
                }
                return result
            }
            s.pending = task
            return task
        }
        do {
            return try await task.value
        } catch {
            state.withLock { $0.pending = nil }
            throw error
        }
    }

    // MARK: running the plugin

    static func run(_ exec: Kubeconfig.ExecConfig, userName: String, environment: [String: String], baseTLS: TLSConfiguration?) async throws -> ExecResult {
        let output = try await runProcess(exec, userName: userName, environment: environment)
        return try parse(output, exec: exec, userName: userName, baseTLS: baseTLS)
    }

    static func executablePath(_ command: String, environment: [String: String]) -> String? {
        if command.contains("/") { return FileManager.default.isExecutableFile(atPath: command) ? command : nil }
        for dir in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func runProcess(_ exec: Kubeconfig.ExecConfig, userName: String, environment: [String: String]) async throws -> [UInt8] {
        guard let path = executablePath(exec.command, environment: environment) else {
            let hint = exec.installHint.map { ". \($0.trimmingCharacters(in: .whitespacesAndNewlines))" } ?? ""
            throw KubeClientError(.credentials, "the exec credential plugin \"\(exec.command)\" of user \"\(userName)\" was not found\(exec.command.contains("/") ? "" : " in PATH") or is not executable; install it or fix `exec.command` in the kubeconfig\(hint)")
        }
        var env = environment
        for (k, v) in exec.env { env[k] = v }
        let info: JSON = ["apiVersion": .string(exec.apiVersion), "kind": "ExecCredential", "spec": ["interactive": false]]
        env["KUBERNETES_EXEC_INFO"] = JSONWriter.string(info)
        let environment = env
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], Error>) in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: path)
                process.arguments = exec.args
                process.environment = environment
                let stdout = Pipe()
                let stderr = Pipe()
                process.standardOutput = stdout
                process.standardError = stderr
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: KubeClientError(.credentials, "cannot start the exec credential plugin \(path) of user \"\(userName)\": \(error.localizedDescription)"))
                    return
                }
                // A plugin that never finishes must not hang the client.
                let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: timer)
                let errBox = LockedBox(Data())
                let group = DispatchGroup()
                group.enter()
                DispatchQueue.global().async {
                    let data = stderr.fileHandleForReading.readDataToEndOfFile()
                    errBox.withLock { $0 = data }
                    group.leave()
                }
                let out = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                group.wait()
                timer.cancel()
                guard process.terminationStatus == 0, process.terminationReason == .exit else {
                    let err = String(decoding: errBox.withLock { $0 }.suffix(400), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    let how = process.terminationReason == .exit ? "exited with status \(process.terminationStatus)" : "was killed"
                    continuation.resume(throwing: KubeClientError(.credentials,
                        "the exec credential plugin \(exec.command) of user \"\(userName)\" \(how)\(err.isEmpty ? "" : ": \(err)"); run it by hand to see why (expired login? missing cloud CLI?)"))
                    return
                }
                continuation.resume(returning: Array(out))
            }
        }
    }

    static func parse(_ output: [UInt8], exec: Kubeconfig.ExecConfig, userName: String, baseTLS: TLSConfiguration?) throws -> ExecResult {
        let what = "the exec credential plugin \(exec.command) of user \"\(userName)\""
        guard let json = try? JSONParser.parse(output), json["kind"]?.stringValue == "ExecCredential" else {
            throw KubeClientError(.credentials, "\(what) did not print an ExecCredential JSON object on standard output; check the plugin and its arguments")
        }
        let apiVersion = json["apiVersion"]?.stringValue ?? ""
        guard apiVersion == exec.apiVersion else {
            throw KubeClientError(.credentials, "\(what) answered apiVersion \"\(apiVersion)\" but the kubeconfig asks for \"\(exec.apiVersion)\"; make `exec.apiVersion` match the plugin")
        }
        let status = json["status"] ?? .null
        var result = ExecResult()
        if let token = status["token"]?.stringValue, !token.isEmpty { result.token = token }
        let cert = status["clientCertificateData"]?.stringValue
        let key = status["clientKeyData"]?.stringValue
        if let cert, let key, !cert.isEmpty, !key.isEmpty {
            var tls = baseTLS ?? TLSConfiguration.makeClientConfiguration()
            tls.certificateChain = try Transport.certificates(Array(cert.utf8), what: "client certificate from \(what)").map { .certificate($0) }
            tls.privateKey = .privateKey(try Transport.privateKey(Array(key.utf8), what: "client key from \(what)"))
            result.tls = tls
        } else if (cert ?? "").isEmpty != (key ?? "").isEmpty {
            throw KubeClientError(.credentials, "\(what) returned only one of clientCertificateData and clientKeyData; it must return both")
        }
        guard result.token != nil || result.tls != nil else {
            throw KubeClientError(.credentials, "\(what) returned neither status.token nor a client certificate; check the plugin's login state")
        }
        if let stamp = status["expirationTimestamp"]?.stringValue {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            var date = formatter.date(from: stamp)
            if date == nil {
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                date = formatter.date(from: stamp)
            }
            guard let date else {
                throw KubeClientError(.credentials, "\(what) returned expirationTimestamp \"\(stamp)\", which is not an RFC 3339 time")
            }
            result.expires = date
        }
        return result
    }
}
