import Hummingbird
import NIOCore

/// Per-request state: the authenticated client (if any) and the body size limit.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by ``AuthenticationMiddleware`` when the request carries a valid access token.
    public var identity: ClientIdentity?
    /// Set from `MAX_REQUEST_BODY_BYTES` by ``BodyLimitMiddleware``; Hummingbird answers 413 past it.
    public var bodyLimit = 1_048_576

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { bodyLimit }
}
