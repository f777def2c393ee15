import ArgumentParser
import Foundation
import Sandbox

/// `tarsctl sandbox …`: a local Kubernetes-API cluster for tests and first tries.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local Kubernetes-API sandbox that kubectl and tarsctl can talk to.",
        subcommands: [SandboxUp.self, SandboxDown.self, SandboxStatus.self, SandboxServe.self]
    )
}

/// Flags every sandbox subcommand shares.
struct SandboxLocation: ParsableArguments {
    @Option(name: .long, help: "Directory holding the sandbox's certificates, token and objects.")
    var dataDir: String = SandboxLocation.defaultDataDir

    static var defaultDataDir: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_STATE_HOME"] ?? "\(env["HOME"] ?? NSHomeDirectory())/.local/state"
        return "\(base)/tarsctl/sandbox"
    }

    var files: SandboxFiles { SandboxFiles(directory: dataDir) }
}

/// Runs an async body to completion from the synchronous command entry point.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
        semaphore.signal()
    }
    semaphore.wait()
    return try box.get()
}

/// `@unchecked Sendable`: written once before the semaphore is signalled, read after it.
final class ResultBox<T>: @unchecked Sendable {
    private var result: Result<T, Error>?
    func set(_ r: Result<T, Error>) { result = r }
    func get() throws -> T {
        guard let result else { throw SandboxError("the sandbox task ended without a result") }
        return try result.get()
    }
}
