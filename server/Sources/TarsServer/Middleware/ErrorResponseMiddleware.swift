import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every thrown error into a JSON body `{"error":{"status":…,"message":…}}` with the right
/// status, so clients never see an HTML or empty error and later middleware can add headers.
struct ErrorResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (status, message, extraHeaders) = ErrorResponse.describe(error)
            if status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))", "path": "\(request.uri.path)"])
            }
            return ErrorResponse.make(status: status, message: message, headers: extraHeaders)
        }
    }
}

/// The JSON error body and the mapping from errors to statuses, shared by the middleware.
enum ErrorResponse {
    struct Body: Encodable {
        struct Detail: Encodable { let status: Int; let message: String }
        let error: Detail
    }

    static func make(status: HTTPResponse.Status, message: String, headers extra: HTTPFields = [:]) -> Response {
        let data = (try? JSONEncoder().encode(Body(error: .init(status: status.code, message: message)))) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func describe(_ error: any Error) -> (HTTPResponse.Status, String, HTTPFields) {
        switch error {
        case let error as AuthError:
            switch error {
            case .missingToken:
                return (.unauthorized, "missing bearer token; call POST /auth/authenticate and send `Authorization: Bearer <access_token>`", [.wwwAuthenticate: "Bearer"])
            case .invalidToken(let reason):
                return (.unauthorized, "invalid token: \(reason); authenticate again", [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
            case .forbidden(let scope):
                return (.forbidden, "this endpoint needs the \(scope.rawValue) scope, which your client id does not have", [:])
            }
        case let error as RateLimitExceeded:
            return (.tooManyRequests, "rate limit of \(error.limit) requests per minute exceeded; retry after \(error.retryAfterSeconds) s", [.retryAfter: String(error.retryAfterSeconds)])
        case let error as DecodingError:
            return (.badRequest, "malformed request body: \(Self.explain(error))", [:])
        case let error as HTTPError:
            return (error.status, error.body ?? error.status.reasonPhrase, error.headers)
        case let error as any HTTPResponseError:
            let message = error.status == .contentTooLarge ? "request body is larger than the limit of MAX_REQUEST_BODY_BYTES" : error.status.reasonPhrase
            return (error.status, message, [:])
        default:
            return (.internalServerError, "internal error; the server log has details", [:])
        }
    }

    static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at `\(keys)`"
        }
        switch error {
        case .dataCorrupted(let context): return "not valid JSON\(path(context))"
        case .keyNotFound(let key, let context): return "missing field `\(key.stringValue)`\(path(context))"
        case .typeMismatch(let type, let context): return "expected \(type)\(path(context))"
        case .valueNotFound(let type, let context): return "expected \(type) but found null\(path(context))"
        @unknown default: return "could not decode"
        }
    }
}
