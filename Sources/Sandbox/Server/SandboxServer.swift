import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Why the sandbox could not start.
public struct SandboxError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A running sandbox API server. Start it with `start(configuration:)`, talk to `url` with
/// `token` (or a client certificate from `issueClientCertificate`), trusting `caPEM`; stop it with `shutdown()`.
public final class SandboxServer: Sendable {
    public let url: String
    public let port: Int
    public let token: String
    public let caPEM: String
    public let cluster: Cluster
    public let certificates: SandboxCertificates
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    private let timers: LockedValue<[RepeatedTask]>
    private let saver: SnapshotSaver?
    private let refuseUntil: LockedValue<Date>

    private init(url: String, port: Int, token: String, cluster: Cluster, certificates: SandboxCertificates, group: MultiThreadedEventLoopGroup,
                 channel: Channel, timers: LockedValue<[RepeatedTask]>, saver: SnapshotSaver?, refuseUntil: LockedValue<Date>) {
        self.url = url
        self.port = port
        self.token = token
        self.caPEM = certificates.caCertificatePEM
        self.cluster = cluster
        self.certificates = certificates
        self.group = group
        self.channel = channel
        self.timers = timers
        self.saver = saver
        self.refuseUntil = refuseUntil
    }

    public static func start(configuration: SandboxConfiguration) async throws -> SandboxServer {
        let files = configuration.dataDirectory.map(SandboxFiles.init(directory:))
        let certificates = try files?.loadOrCreateCertificates() ?? SandboxCertificates.generate()
        let token = try configuration.token ?? files?.loadOrCreateToken() ?? SandboxFiles.randomToken()
        let cluster = Cluster()
        let store = files.map { StateFile(path: $0.statePath) }
        if let snapshot = try store?.load() { cluster.restore(snapshot) }

        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificates.serverCertificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificates.serverKeyPEM.utf8), format: .pem)))
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(certificates.caCertificatePEM.utf8)))
        tls.applicationProtocols = ["http/1.1"]
        let sslContext = try NIOSSLContext(configuration: tls)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let refuseUntil = LockedValue(Date().addingTimeInterval(Self.seconds(configuration.faults.refuseConnectionsFor)))
        let faults = configuration.faults
        let host = configuration.host
        // The router learns the bound address after bind; discovery only reports it.
        let address = LockedValue("\(host):\(configuration.port)")
        let routerBox = LockedValue<Router?>(nil)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 512)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                if refuseUntil.withLock({ $0 }) > Date() {
                    return channel.close()
                }
                guard let router = routerBox.withLock({ $0 }) else { return channel.close() }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(APIChannelHandler(router: router, token: token, faults: faults))
                }
            }
        routerBox.withLock { $0 = Router(cluster: cluster, serverAddress: address.withLock { $0 }) }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: host, port: configuration.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw SandboxError("cannot listen on \(host):\(configuration.port): \(error)")
        }
        let port = channel.localAddress?.port ?? configuration.port
        routerBox.withLock { $0 = Router(cluster: cluster, serverAddress: "\(host):\(port)") }

        let loop = group.next()
        var tasks: [RepeatedTask] = []
        let settings = configuration.controllers
        tasks.append(loop.scheduleRepeatedTask(initialDelay: .milliseconds(50), delay: .milliseconds(50)) { _ in
            cluster.reconcileIfDue(settings: settings)
        })
        let saver = store.map { SnapshotSaver(store: $0, cluster: cluster) }
        if let saver {
            tasks.append(loop.scheduleRepeatedTask(initialDelay: SnapshotSaver.interval, delay: SnapshotSaver.interval) { _ in saver.tick() })
        }
        let server = SandboxServer(url: "https://\(host):\(port)", port: port, token: token, cluster: cluster, certificates: certificates,
                                   group: group, channel: channel, timers: LockedValue(tasks), saver: saver, refuseUntil: refuseUntil)
        if let files { try files.writeEndpoint(port: port) }
        return server
    }

    /// Closes new connections at once for `duration` (fault injection at run time).
    public func refuseConnections(for duration: Duration) {
        refuseUntil.withLock { $0 = Date().addingTimeInterval(Self.seconds(duration)) }
    }

    /// Stops listening, saves the state (when persistent) and releases the threads.
    public func shutdown() async throws {
        for task in timers.withLock({ $0 }) { task.cancel() }
        try? await channel.close()
        try saver?.finish()
        try await group.shutdownGracefully()
    }

    /// A client certificate signed by the sandbox CA, accepted instead of the token.
    public func issueClientCertificate(commonName: String) throws -> (certificatePEM: String, keyPEM: String) {
        try certificates.issueClientCertificate(commonName: commonName)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
