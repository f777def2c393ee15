import Hummingbird

/// `POST /auth/authenticate` and `POST /auth/refresh`.
struct AuthRoutes: Sendable {
    let tokens: TokenService

    func register(on router: Router<AppRequestContext>) {
        let group = router.group("auth")
        group.post("authenticate") { request, context -> TokenService.Tokens in
            let body = try await request.decodeJSON(as: AuthenticateRequest.self, context: context)
            let clientID = try Identifier.validate(body.client_id, what: "client_id")
            context.logger.info("client authenticated", metadata: ["client_id": "\(clientID)"])
            return try await tokens.issue(for: clientID)
        }
        group.post("refresh") { request, context -> TokenService.Tokens in
            let body = try await request.decodeJSON(as: RefreshRequest.self, context: context)
            let identity = try await tokens.verify(body.refresh_token, kind: .refresh)
            return try await tokens.issue(for: identity.clientID)
        }
    }
}

extension TokenService.Tokens: ResponseEncodable {}
