import KubeClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// Reads one HTTP request at a time, authenticates it, applies fault injection and answers
/// through the `Router`; watches stay open and stream one JSON event per line. Over HTTP/1.1
/// there is one per connection; over h2 one per stream, which knows its connection (`connection`).
final class APIChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: Router
    private let token: String
    private let faults: FaultSettings
    /// The TCP/TLS connection: the handler's own channel over HTTP/1.1, the parent of its stream over h2.
    private let connection: Channel
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var watch: ActiveWatch?

    /// A running watch: its registration, its timers and a flag that stops late events
    /// after the response has ended.
    private struct ActiveWatch {
        var id: UInt64
        var open: NIOLoopBoundBox<Bool>
        var timers: [Scheduled<Void>]
        var bookmarks: RepeatedTask?
    }

    init(router: Router, token: String, faults: FaultSettings, connection: Channel) {
        self.router = router
        self.token = token
        self.faults = faults
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            endWatch()
            head = h
            body = nil
        case .body(var chunk):
            if body == nil { body = chunk } else { body?.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            self.head = nil
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            handle(context: context, head: head, body: bytes)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        endWatch()
        context.fireChannelInactive()
    }

    private func endWatch() {
        guard let watch else { return }
        self.watch = nil
        watch.open.value = false
        for timer in watch.timers { timer.cancel() }
        watch.bookmarks?.cancel()
        router.cluster.removeWatcher(watch.id)
    }

    private func authenticated(context: ChannelHandlerContext, head: HTTPRequestHead) -> Bool {
        if let header = head.headers.first(name: "authorization"), header == "Bearer \(token)" { return true }
        // The TLS layer verified any presented client certificate against the sandbox CA. It sits in
        // the connection's pipeline, which an h2 stream shares the event loop with.
        if let tls = try? connection.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self), tls.peerCertificate != nil { return true }
        return false
    }

    private func handle(context: ChannelHandlerContext, head: HTTPRequestHead, body: [UInt8]) {
        var rng = SystemRandomNumberGenerator()
        switch faults.decide(using: &rng) {
        case .drop:
            // The whole connection, also over h2: the fault stands for a lost connection, so clients
            // see what they would see then (every request in flight on it fails, idempotent ones are
            // retried), as with HTTP/1.1 where the connection carried just this request. Resetting
            // only the stream would model another fault (RST_STREAM), which clients treat differently.
            connection.close(promise: nil)
            return
        case .tooManyRequests:
            let error = APIError.tooManyRequests(retryAfter: faults.retryAfterSeconds)
            respond(context: context, head: head, .json(status: 429, body: error.statusObject, headers: [("Retry-After", String(faults.retryAfterSeconds))]))
            return
        case .serverError:
            let error = APIError.internalError("injected fault")
            respond(context: context, head: head, .json(status: 500, body: error.statusObject))
            return
        case .proceed:
            break
        }
        guard authenticated(context: context, head: head) else {
            respond(context: context, head: head, .json(status: 401, body: APIError.unauthorized.statusObject))
            return
        }
        let request = APIRequest(
            method: head.method.rawValue, uri: head.uri, contentType: head.headers.first(name: "content-type") ?? "",
            accept: head.headers.first(name: "accept") ?? "", body: body)
        let response = router.handle(request)
        if faults.latency > .zero {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let nanos = faults.latency.components.seconds * 1_000_000_000 + faults.latency.components.attoseconds / 1_000_000_000
            context.eventLoop.scheduleTask(in: .nanoseconds(nanos)) {
                let (handler, context) = loopBound.value
                handler.respond(context: context, head: head, response)
            }
        } else {
            respond(context: context, head: head, response)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, _ response: APIResponse) {
        switch response {
        case .json(let status, let json, let contentType, let extra):
            var bytes = JSONWriter.bytes(json)
            bytes.append(0x0A)
            respond(context: context, head: head, status: status, bytes: bytes, contentType: contentType, extra: extra)
        case .raw(let status, let bytes, let contentType):
            respond(context: context, head: head, status: status, bytes: bytes, contentType: contentType, extra: [])
        case .watch(let request):
            startWatch(context: context, head: head, request)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, status: Int, bytes: [UInt8], contentType: String, extra: [(String, String)]) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(bytes.count))
        headers.add(name: "Cache-Control", value: "no-cache, private")
        for (name, value) in extra { headers.add(name: name, value: value) }
        // An h2 request head says HTTP/2.0 and no keep-alive, yet the stream ends by itself with the
        // response and the connection must stay open for the other streams.
        let keepAlive = head.version.major >= 2 || head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    private func startWatch(context: ChannelHandlerContext, head: HTTPRequestHead, _ request: WatchRequest) {
        let channel = context.channel
        let open = NIOLoopBoundBox(true, eventLoop: context.eventLoop)
        let table = request.table
        let send: @Sendable (JSON) -> Void = { event in
            var event = event
            if let table, let object = event["object"], event["type"] == "ADDED" || event["type"] == "MODIFIED" || event["type"] == "DELETED" {
                event["object"] = TablePrinter.table(table, items: [object], resourceVersion: object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "")
            }
            var bytes = JSONWriter.bytes(event)
            bytes.append(0x0A)
            channel.eventLoop.execute {
                guard open.value else { return }
                channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: bytes))), promise: nil)
            }
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Cache-Control", value: "no-cache, private")
        // HTTP/1.1 only: the h2 codec drops this connection-specific header and sends DATA frames.
        headers.add(name: "Transfer-Encoding", value: "chunked")
        let watcher = Watcher(typeID: request.typeID, namespace: request.namespace, fieldSelector: request.fieldSelector, labelSelector: request.labelSelector, send: send,
                              close: { channel.close(promise: nil) })  // over h2 this resets just the watch's stream
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
        let id: UInt64
        do {
            id = try router.cluster.addWatcher(watcher, from: request.resourceVersion, bookmarks: request.bookmarks, initialEvents: request.initialEvents)
        } catch {
            // An expired resourceVersion is reported in the stream, as the API server does.
            var bytes = JSONWriter.bytes(["type": "ERROR", "object": error.statusObject])
            bytes.append(0x0A)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        let cluster = router.cluster
        let typeID = request.typeID
        let timeout = context.eventLoop.scheduleTask(in: .seconds(request.timeoutSeconds)) {
            guard open.value else { return }
            open.value = false
            cluster.removeWatcher(id)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        }
        var bookmarks: RepeatedTask?
        if request.bookmarks {
            bookmarks = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(5)) { _ in
                send(cluster.bookmarkEvent(typeID: typeID))
            }
        }
        watch = ActiveWatch(id: id, open: open, timers: [timeout], bookmarks: bookmarks)
    }
}
