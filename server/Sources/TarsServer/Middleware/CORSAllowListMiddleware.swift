import Hummingbird

/// CORS for the origins in `CORS_ALLOWED_ORIGINS` only; other origins get no CORS headers.
struct CORSAllowListMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: Set<String>
    let allowCredentials: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], allowedOrigins.contains(origin) || allowedOrigins.contains("*") else {
            return try await next(request, context)
        }
        let allowOrigin = allowedOrigins.contains("*") && !allowCredentials ? "*" : origin
        var response: Response
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = allowOrigin
        response.headers[.vary] = "Origin"
        if allowCredentials { response.headers[.accessControlAllowCredentials] = "true" }
        return response
    }
}
