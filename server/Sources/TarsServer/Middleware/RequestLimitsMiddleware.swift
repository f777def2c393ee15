import Hummingbird

/// Applies `MAX_REQUEST_BODY_BYTES`: 413 early when Content-Length says so, and while collecting
/// the body otherwise (through the context's `maxUploadSize`).
struct RequestLimitsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw HTTPError(.contentTooLarge, message: "request body of \(length) bytes is larger than the limit of \(maxBodyBytes) bytes (MAX_REQUEST_BODY_BYTES)")
        }
        var context = context
        context.bodyLimit = maxBodyBytes
        return try await next(request, context)
    }
}

/// Runs `operation` with a deadline; used for the handlers' own work (`REQUEST_TIMEOUT_SECONDS`).
func withDeadline<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw HTTPError(.gatewayTimeout, message: "the request took longer than REQUEST_TIMEOUT_SECONDS (\(timeout))")
        }
        defer { group.cancelAll() }
        guard let value = try await group.next() else { throw CancellationError() }
        return value
    }
}
