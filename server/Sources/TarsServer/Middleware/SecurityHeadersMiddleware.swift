import HTTPTypes
import Hummingbird

/// Adds CSP, HSTS, frame, sniffing, referrer and permissions headers to every response,
/// including error responses (it sits outside ``ErrorResponseMiddleware``).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headers: HTTPFields {
        [
            .contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .strictTransportSecurity: "max-age=31536000; includeSubDomains",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            HTTPField.Name("Permissions-Policy")!: "camera=(), microphone=(), geolocation=(), payment=()",
            .cacheControl: "no-store",
        ]
    }
    let fields = Self.headers

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let (status, message, extra) = ErrorResponse.describe(error)
            response = ErrorResponse.make(status: status, message: message, headers: extra)
        }
        for field in fields where response.headers[field.name] == nil {
            response.headers.append(field)
        }
        return response
    }
}
