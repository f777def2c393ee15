import Foundation
import JWTKit

/// The claims of T.A.R.S. tokens.
struct TokenClaims: JWTPayload, Equatable {
    enum Kind: String, Codable, Sendable { case access, refresh }

    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var scope: String
    var kind: Kind

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Issues and verifies HS256 tokens. Verification rejects any header algorithm other than HS256
/// before the signature is even checked, so `none` and RS/ES confusion tokens never get through.
public struct TokenService: Sendable {
    public struct Tokens: Codable, Sendable {
        public let access_token: String
        public let refresh_token: String
        public let token_type: String
        public let expires_in: Int
        public let scope: String
    }

    let keys: JWTKeyCollection
    let accessTTL: TimeInterval
    let refreshTTL: TimeInterval
    let adminClientIDs: Set<String>

    init(configuration: ServerConfiguration) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: configuration.jwtSecretKey), digestAlgorithm: .sha256)
        self.keys = keys
        self.accessTTL = TimeInterval(configuration.jwtAccessTokenTTLMinutes * 60)
        self.refreshTTL = TimeInterval(configuration.jwtRefreshTokenTTLDays * 86_400)
        self.adminClientIDs = configuration.adminClientIDs
    }

    func scopes(for clientID: String) -> Set<Scope> {
        adminClientIDs.contains(clientID) ? [.read, .write, .admin] : [.read, .write]
    }

    public func issue(for clientID: String, now: Date = Date()) async throws -> Tokens {
        let scope = Scope.allCases.filter(scopes(for: clientID).contains).map(\.rawValue).joined(separator: " ")
        let access = TokenClaims(sub: .init(value: clientID), exp: .init(value: now + accessTTL), iat: .init(value: now), scope: scope, kind: .access)
        let refresh = TokenClaims(sub: .init(value: clientID), exp: .init(value: now + refreshTTL), iat: .init(value: now), scope: scope, kind: .refresh)
        return Tokens(
            access_token: try await keys.sign(access),
            refresh_token: try await keys.sign(refresh),
            token_type: "bearer",
            expires_in: Int(accessTTL),
            scope: scope
        )
    }

    /// Verifies a token of the given kind; throws ``AuthError`` with a message safe to return.
    func verify(_ token: String, kind: TokenClaims.Kind) async throws -> ClientIdentity {
        guard Self.headerAlgorithm(of: token) == "HS256" else { throw AuthError.invalidToken("token algorithm must be HS256") }
        let claims: TokenClaims
        do {
            claims = try await keys.verify(token, as: TokenClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw AuthError.invalidToken("token has expired")
        } catch {
            throw AuthError.invalidToken("token signature or format is invalid")
        }
        guard claims.kind == kind else { throw AuthError.invalidToken("a \(claims.kind.rawValue) token cannot be used here") }
        // Scopes are re-derived from configuration so that removing an admin takes effect at once.
        return ClientIdentity(clientID: claims.sub.value, scopes: scopes(for: claims.sub.value))
    }

    static func headerAlgorithm(of token: String) -> String? {
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first else { return nil }
        var base64 = first.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["alg"] as? String
    }
}

/// Authentication and authorization failures, mapped to 401 and 403.
enum AuthError: Error, Sendable {
    case missingToken
    case invalidToken(String)
    case forbidden(Scope)
}
