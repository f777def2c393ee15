import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2
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
    private let protocols: LockedValue<[String: Int]>

    private init(url: String, port: Int, token: String, cluster: Cluster, certificates: SandboxCertificates, group: MultiThreadedEventLoopGroup,
                 channel: Channel, timers: LockedValue<[RepeatedTask]>, saver: SnapshotSaver?, refuseUntil: LockedValue<Date>, protocols: LockedValue<[String: Int]>) {
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
        self.protocols = protocols
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
        // As the real API server: HTTP/2 when the client offers it (kubectl and KubeClient do), so
        // parallel requests share one TLS connection; HTTP/1.1 for clients that offer only that or no ALPN.
        tls.applicationProtocols = configuration.http2 ? ["h2", "http/1.1"] : ["http/1.1"]
        let sslContext = try NIOSSLContext(configuration: tls)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let refuseUntil = LockedValue(Date().addingTimeInterval(Self.seconds(configuration.faults.refuseConnectionsFor)))
        let faults = configuration.faults
        let host = configuration.host
        // The router learns the bound address after bind; discovery only reports it.
        let address = LockedValue("\(host):\(configuration.port)")
        let routerBox = LockedValue<Router?>(nil)
        let protocols = LockedValue<[String: Int]>([:])
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 512)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { connection in
                if refuseUntil.withLock({ $0 }) > Date() {
                    return connection.close()
                }
                guard let router = routerBox.withLock({ $0 }) else { return connection.close() }
                return connection.eventLoop.makeCompletedFuture {
                    try connection.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                }.flatMap {
                    // After the handshake ALPN picks the pipeline. HTTP/1.1 (or no ALPN): the HTTP/1
                    // codec and one APIChannelHandler for the connection. h2: a child channel per
                    // stream, each with HTTP2FramePayloadToHTTP1ServerCodec and an APIChannelHandler
                    // of its own, so routing, watches and faults see HTTP/1-style parts either way.
                    connection.configureCommonHTTPServerPipeline(
                        connectionConfiguration: Self.http2Connection, streamConfiguration: Self.http2Stream,
                        h2ConnectionChannelConfigurator: { _ in
                            protocols.withLock { $0["h2", default: 0] += 1 }
                            return connection.eventLoop.makeSucceededVoidFuture()
                        }
                    ) { channel in
                        // Called once for an HTTP/1.1 connection itself, or for each h2 stream.
                        if channel === connection { protocols.withLock { $0["http/1.1", default: 0] += 1 } }
                        return channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(APIChannelHandler(router: router, token: token, faults: faults, connection: connection))
                        }
                    }
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
                                   group: group, channel: channel, timers: LockedValue(tasks), saver: saver, refuseUntil: refuseUntil, protocols: protocols)
        if let files { try files.writeEndpoint(port: port) }
        return server
    }

    /// Closes new connections at once for `duration` (fault injection at run time).
    public func refuseConnections(for duration: Duration) {
        refuseUntil.withLock { $0 = Date().addingTimeInterval(Self.seconds(duration)) }
    }

    /// TLS connections accepted so far, by the protocol ALPN chose ("h2" or "http/1.1"); refused
    /// connections are not counted. Shows how many handshakes a client needed.
    public var acceptedConnections: [String: Int] { protocols.withLock { $0 } }

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

    /// HTTP/2 limits after the API server's: 250 concurrent streams (a watch holds one for its
    /// whole life) and a 256 KiB stream window, so a typical object body goes out without waiting
    /// for WINDOW_UPDATE; the connection window has room for every stream's at once.
    private static let streamWindow = 256 * 1024
    private static let maxStreams = 250

    private static var http2Connection: NIOHTTP2Handler.ConnectionConfiguration {
        var configuration = NIOHTTP2Handler.ConnectionConfiguration()
        configuration.initialSettings = nioDefaultSettings.filter { $0.parameter != .maxConcurrentStreams } + [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: maxStreams),
            HTTP2Setting(parameter: .initialWindowSize, value: streamWindow),
        ]
        configuration.targetWindowSize = maxStreams * streamWindow
        return configuration
    }

    private static var http2Stream: NIOHTTP2Handler.StreamConfiguration {
        var configuration = NIOHTTP2Handler.StreamConfiguration()
        configuration.targetWindowSize = streamWindow
        return configuration
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
