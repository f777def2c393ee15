import Logging
import NIOCore
import NIOPosix

/// A small Redis client: one pipelined connection, opened lazily and reopened after a failure.
/// Commands from many requests share the connection; Redis answers them in order.
actor RedisClient {
    let host: String
    let port: Int
    let database: Int
    let connectTimeout: Duration
    private var channel: (any Channel)?
    private var connecting: Task<any Channel, any Error>?

    init(host: String, port: Int, database: Int, connectTimeout: Duration = .seconds(2)) {
        self.host = host
        self.port = port
        self.database = database
        self.connectTimeout = connectTimeout
    }

    /// Sends one command and returns its reply; a Redis error reply is thrown as ``RedisError``.
    nonisolated func send(_ arguments: [String]) async throws -> RESPValue {
        let channel = try await connection()
        var buffer = channel.allocator.buffer(capacity: 64)
        encodeRESPCommand(arguments, into: &buffer)
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        channel.writeAndFlush((buffer, promise), promise: nil)
        let reply = try await promise.futureResult.get()
        if case .error(let message) = reply { throw RedisError(message: message) }
        return reply
    }

    private func connection() async throws -> any Channel {
        if let channel, channel.isActive { return channel }
        if let connecting { return try await connecting.value }
        let (host, port, database, timeout) = (self.host, self.port, self.database, self.connectTimeout)
        let task = Task { () async throws -> any Channel in
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(timeout.components.seconds * 1000)))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(RESPDecoder()),
                            RESPCommandHandler(),
                        ])
                    }
                }
                .connect(host: host, port: port).get()
            if database != 0 {
                var buffer = channel.allocator.buffer(capacity: 32)
                encodeRESPCommand(["SELECT", String(database)], into: &buffer)
                let promise = channel.eventLoop.makePromise(of: RESPValue.self)
                channel.writeAndFlush((buffer, promise), promise: nil)
                if case .error(let message) = try await promise.futureResult.get() {
                    try? await channel.close()
                    throw RedisError(message: "SELECT \(database) failed: \(message)")
                }
            }
            return channel
        }
        connecting = task
        defer { connecting = nil }
        let channel = try await task.value
        self.channel = channel
        return channel
    }

    func shutdown() async {
        try? await channel?.close()
        channel = nil
    }
}
