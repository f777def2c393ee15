import ArgumentParser
import Foundation
import Sandbox

/// `tarsctl sandbox serve`: the sandbox in the foreground until SIGINT or SIGTERM.
struct SandboxServe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the sandbox in the foreground.")

    @OptionGroup var location: SandboxLocation
    @Option(help: "Port to listen on (127.0.0.1); 0 picks a free one.") var port: Int = 16443
    @Option(help: "Milliseconds until new pods and jobs are ready.") var readyDelayMs: Int = 500
    @Option(help: "Added latency per request, in milliseconds.") var faultLatencyMs: Int?
    @Option(help: "Share of requests answered 429 with Retry-After (0-1).") var fault429Rate: Double?
    @Option(help: "Share of requests answered 500 (0-1).") var fault500Rate: Double?
    @Option(help: "Share of requests whose connection is dropped (0-1).") var faultDropRate: Double?
    @Option(help: "Refuse connections for this many seconds after start.") var faultRefuseSeconds: Double?
    @Flag(help: "Serve HTTP/1.1 only (no h2 over ALPN), e.g. to compare the two.") var http1Only = false

    func run() throws {
        var faults = FaultSettings.fromEnvironment()
        if let v = faultLatencyMs { faults.latency = .milliseconds(v) }
        if let v = fault429Rate { faults.tooManyRequestsRate = v }
        if let v = fault500Rate { faults.serverErrorRate = v }
        if let v = faultDropRate { faults.dropRate = v }
        if let v = faultRefuseSeconds { faults.refuseConnectionsFor = .milliseconds(Int64(v * 1000)) }
        var settings = SandboxConfiguration(port: port, dataDirectory: location.dataDir, readyDelay: .milliseconds(readyDelayMs), faults: faults)
        settings.http2 = !http1Only
        let configuration = settings
        let server = try runBlocking { try await SandboxServer.start(configuration: configuration) }
        FileHandle.standardOutput.write(Data("sandbox listening on \(server.url)\n".utf8))
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                Task {
                    try? await server.shutdown()
                    Foundation.exit(0)
                }
            }
            source.resume()
            sources.append(source)
        }
        withExtendedLifetime(sources) { dispatchMain() }
    }
}
