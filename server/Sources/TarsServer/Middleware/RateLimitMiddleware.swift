import Hummingbird

/// Applies ``SlidingWindowRateLimiter`` per client id (or per remote address before login);
/// probe and scrape paths are exempt.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limiter: SlidingWindowRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if ExemptPaths.contains(request.uri.path) { return try await next(request, context) }
        let key: String
        if let identity = context.identity {
            key = "client:" + identity.clientID
        } else if let address = context.remoteAddress?.ipAddress {
            key = "ip:" + address
        } else {
            key = "anonymous"
        }
        try limiter.acquire(key)
        return try await next(request, context)
    }
}
