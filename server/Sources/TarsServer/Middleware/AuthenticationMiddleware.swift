import Hummingbird

/// Reads `Authorization: Bearer …` and puts the verified client into the context. A present but
/// invalid token is rejected here (401); a missing one is left to ``RequireScopeMiddleware``.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let tokens: TokenService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !ExemptPaths.contains(request.uri.path), let header = request.headers[.authorization] else {
            return try await next(request, context)
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw AuthError.invalidToken("the Authorization header must be `Bearer <access_token>`")
        }
        var context = context
        context.identity = try await tokens.verify(String(header.dropFirst(7)), kind: .access)
        return try await next(request, context)
    }
}

/// Requires an authenticated client holding `scope`: 401 without a token, 403 without the scope.
struct RequireScopeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let scope: Scope

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else { throw AuthError.missingToken }
        guard identity.scopes.contains(scope) else { throw AuthError.forbidden(scope) }
        return try await next(request, context)
    }
}
