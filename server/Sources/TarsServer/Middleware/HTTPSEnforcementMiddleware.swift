import Foundation
import HTTPTypes
import Hummingbird

/// Behind a TLS-terminating proxy, requires `X-Forwarded-Proto: https`: GET and HEAD are
/// redirected to the https URL, other methods get 403 (replaying a body over a redirect is unsafe).
struct HTTPSEnforcementMiddleware<Context: RequestContext>: RouterMiddleware {
    static var forwardedProto: HTTPField.Name { HTTPField.Name("X-Forwarded-Proto")! }
    /// HTTP/1 clients send Host; the server maps it to `authority`, tests may send the header.
    static var host: HTTPField.Name { HTTPField.Name("Host")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let proto = request.headers[Self.forwardedProto]?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if proto == "https" || ExemptPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard request.method == .get || request.method == .head else {
            throw HTTPError(.forbidden, message: "HTTPS is required; send this request over https://")
        }
        guard let host = request.head.authority ?? request.headers[Self.host], Self.isPlausibleHost(host) else {
            throw HTTPError(.forbidden, message: "HTTPS is required and the request has no usable Host header")
        }
        return Response(status: .permanentRedirect, headers: [.location: "https://\(host)\(request.uri.description)"])
    }

    /// Keeps header injection and open redirects to odd hosts out of the Location header.
    static func isPlausibleHost(_ host: String) -> Bool {
        !host.isEmpty && host.count <= 255 && host.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "[" || $0 == "]" }
    }
}
