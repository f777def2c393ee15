import KubeClient
import Foundation

/// The files of a persistent sandbox: certificates, token, state and where it listens.
public struct SandboxFiles: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public var statePath: String { "\(directory)/state.json" }
    public var tokenPath: String { "\(directory)/token" }
    public var caPath: String { "\(directory)/ca.crt" }
    public var endpointPath: String { "\(directory)/endpoint" }
    public var pidPath: String { "\(directory)/sandbox.pid" }
    public var logPath: String { "\(directory)/sandbox.log" }

    func ensureDirectory() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func read(_ name: String) -> String? {
        try? String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)
    }

    func write(_ name: String, _ text: String, mode: Int = 0o600) throws {
        try ensureDirectory()
        let path = "\(directory)/\(name)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    public func loadOrCreateCertificates() throws -> SandboxCertificates {
        if let ca = read("ca.crt"), let caKey = read("ca.key"), let cert = read("server.crt"), let key = read("server.key") {
            return SandboxCertificates(caCertificatePEM: ca, caKeyPEM: caKey, serverCertificatePEM: cert, serverKeyPEM: key)
        }
        let generated = try SandboxCertificates.generate()
        try write("ca.crt", generated.caCertificatePEM, mode: 0o644)
        try write("ca.key", generated.caKeyPEM)
        try write("server.crt", generated.serverCertificatePEM, mode: 0o644)
        try write("server.key", generated.serverKeyPEM)
        return generated
    }

    public func loadOrCreateToken() throws -> String {
        if let token = read("token")?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty { return token }
        let token = Self.randomToken()
        try write("token", token + "\n")
        return token
    }

    public static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<40).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    func writeEndpoint(port: Int) throws { try write("endpoint", "https://127.0.0.1:\(port)\n", mode: 0o644) }

    /// The URL a running (or last run) sandbox listens on.
    public var endpoint: String? { read("endpoint")?.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// The object store on disk: one JSON snapshot, replaced atomically.
struct StateFile: Sendable {
    let path: String

    func load() throws -> JSON? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONParser.parse(Array(data))
    }

    func save(_ snapshot: JSON) throws {
        try Data(JSONWriter.bytes(snapshot)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
