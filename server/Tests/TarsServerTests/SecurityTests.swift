import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Testing
@testable import TarsServer

@Suite(.serialized) struct SecurityTests {
    static let securityHeaders = ["Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                                  "Strict-Transport-Security", "Referrer-Policy", "Permissions-Policy"]

    func expectSecurityHeaders(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        for name in Self.securityHeaders {
            #expect(response.headers[HTTPField.Name(name)!] != nil, "\(name) missing on \(response.status.code)", sourceLocation: sourceLocation)
        }
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", sourceLocation: sourceLocation)
        #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", sourceLocation: sourceLocation)
    }

    func sign(_ claims: TokenClaims, secret: String, digest: DigestAlgorithm = .sha256) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: digest)
        return try await keys.sign(claims)
    }

    func claims(_ client: String = "alice", expires: Date = Date() + 3600, kind: TokenClaims.Kind = .access) -> TokenClaims {
        TokenClaims(sub: .init(value: client), exp: .init(value: expires), iat: .init(value: Date() - 10), scope: "read write admin", kind: kind)
    }

    @Test func rejectsForgedExpiredAndWrongAlgorithmTokens() async throws {
        let configuration = try await TestServices.configuration(["ADMIN_CLIENT_IDS": "root"])
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        let forged = try await sign(claims("root"), secret: "another-secret-that-is-also-long-enough-42")
        let expired = try await sign(claims(expires: Date() - 60), secret: TestServices.secret)
        let hs384 = try await sign(claims("root"), secret: TestServices.secret, digest: .sha384)
        let refreshAsAccess = try await sign(claims(kind: .refresh), secret: TestServices.secret)
        let valid = try await sign(claims(), secret: TestServices.secret)
        // alg "none": header and payload of a valid token, no signature.
        let parts = valid.split(separator: ".")
        let noneHeader = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let none = "\(noneHeader).\(parts[1])."
        try await app.test(.router) { client in
            for (name, token) in [("forged", forged), ("expired", expired), ("HS384", hs384), ("none", none), ("refresh", refreshAsAccess), ("garbage", "abc")] {
                let response = try await client.json("/rag/stats", token: token)
                #expect(response.status == .unauthorized, "\(name) token got \(response.status)")
                #expect(response.text.contains("invalid token"), "\(name): \(response.text)")
                expectSecurityHeaders(response)
            }
            let missing = try await client.json("/rag/stats")
            #expect(missing.status == .unauthorized)
            let ok = try await client.json("/rag/stats", token: valid)
            #expect(ok.status == .ok)
            expectSecurityHeaders(ok)
        }
    }

    @Test func adminEndpointsNeedTheAdminScope() async throws {
        let configuration = try await TestServices.configuration(["ADMIN_CLIENT_IDS": "root"])
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        try await app.test(.router) { client in
            let user = try await client.authenticate("alice")
            let admin = try await client.authenticate("root")
            for (uri, method) in [("/admin/clear-cache", HTTPRequest.Method.delete), ("/analytics/summary", .get)] {
                let denied = try await client.json(uri, method, token: user)
                #expect(denied.status == .forbidden, "\(uri)")
                #expect(denied.text.contains("admin scope"))
                expectSecurityHeaders(denied)
                let allowed = try await client.json(uri, method, token: admin)
                #expect(allowed.status == .ok, "\(uri): \(allowed.text)")
            }
        }
    }

    @Test func the31stRequestInAMinuteIsRejectedWithRetryAfter() async throws {
        let configuration = try await TestServices.configuration()
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        try await app.test(.router) { client in
            let token = try await client.authenticate("busy")  // counted for the caller's address, not for "busy"
            for i in 1...30 {
                let response = try await client.json("/rag/stats", token: token)
                #expect(response.status == .ok, "request \(i) got \(response.status)")
            }
            let limited = try await client.json("/rag/stats", token: token)
            #expect(limited.status == .tooManyRequests)
            let retryAfter = limited.headers[.retryAfter].flatMap(Int.init)
            #expect(retryAfter.map { (1...60).contains($0) } == true, "Retry-After: \(String(describing: limited.headers[.retryAfter]))")
            expectSecurityHeaders(limited)
            // Another client has its own window; probes and metrics are never limited.
            let other = try await client.authenticate("calm")
            #expect(try await client.json("/rag/stats", token: other).status == .ok)
            for _ in 0..<40 { #expect(try await client.json("/health").status == .ok) }
            #expect(try await client.json("/metrics/prometheus").status == .ok)
        }
    }

    @Test func rejectsBadIdsBigBodiesAndMalformedJSON() async throws {
        let configuration = try await TestServices.configuration(["MAX_REQUEST_BODY_BYTES": "2048"])
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        try await app.test(.router) { client in
            let token = try await client.authenticate("writer")
            for id in ["..%2F..%2Fetc%2Fpasswd", "..", "a..b", ".hidden", "%2E%2E", "a%2Fb", "x%00y"] {
                let response = try await client.json("/documents/\(id)", .delete, token: token)
                #expect(response.status == .badRequest, "id \(id) got \(response.status)")
                expectSecurityHeaders(response)
            }
            let badID = try await client.json("/documents", .post, token: token, body: #"{"id":"../../x","content":"hello"}"#)
            #expect(badID.status == .badRequest)

            let big = #"{"content":""# + String(repeating: "a", count: 4096) + #""}"#
            let tooLarge = try await client.json("/documents", .post, token: token, body: big)
            #expect(tooLarge.status == .contentTooLarge)
            expectSecurityHeaders(tooLarge)

            let malformed = try await client.json("/rag/query", .post, token: token, body: #"{"query": "unterminated"#)
            #expect(malformed.status == .badRequest)
            let error = try malformed.decode([String: [String: ErrorField]].self)
            #expect(error["error"]?["message"]?.text?.contains("malformed request body") == true, "\(malformed.text)")
            expectSecurityHeaders(malformed)

            let missingField = try await client.json("/rag/query", .post, token: token, body: #"{"top_k": 3}"#)
            #expect(missingField.status == .badRequest)
            #expect(missingField.text.contains("query"))

            let notFound = try await client.json("/nowhere")
            #expect(notFound.status == .notFound)
            #expect(notFound.headers[.contentType]?.hasPrefix("application/json") == true)
            expectSecurityHeaders(notFound)
        }
    }

    @Test func httpsIsEnforcedBehindAProxyWhenEnabled() async throws {
        let configuration = try await TestServices.configuration(["HTTPS_ENFORCE": "true"])
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        try await app.test(.router) { client in
            let redirect = try await client.execute(uri: "/", method: .get, headers: [HTTPField.Name("Host")!: "tars.example.com", HTTPField.Name("X-Forwarded-Proto")!: "http"]) { $0 }
            #expect(redirect.status == .permanentRedirect)
            #expect(redirect.headers[.location] == "https://localhost/")  // the test client sends authority "localhost"
            let post = try await client.json("/auth/authenticate", .post, body: #"{"client_id":"a"}"#)
            #expect(post.status == .forbidden)
            expectSecurityHeaders(post)
            let secure = try await client.execute(uri: "/", method: .get, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"]) { $0 }
            #expect(secure.status == .ok)
            #expect(try await client.json("/health").status == .ok)
        }
    }
}

extension SecurityTests {
    @Test func corsAnswersOnlyAllowedOrigins() async throws {
        let configuration = try await TestServices.configuration(["CORS_ALLOWED_ORIGINS": "https://ui.example.com, https://admin.example.com"])
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        try await app.test(.router) { client in
            let preflight = try await client.execute(uri: "/rag/query", method: .options, headers: [
                .origin: "https://ui.example.com", .accessControlRequestMethod: "POST",
            ]) { $0 }
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://ui.example.com")
            #expect(preflight.headers[.accessControlAllowCredentials] == nil)
            let foreign = try await client.execute(uri: "/", method: .get, headers: [.origin: "https://evil.example.com"]) { $0 }
            #expect(foreign.status == .ok)
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
        }
    }
}

/// Decodes either the status number or the message of an error body.
struct ErrorField: Decodable {
    let text: String?
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        text = (try? container.decode(String.self)) ?? (try? container.decode(Int.self)).map(String.init)
    }
}
