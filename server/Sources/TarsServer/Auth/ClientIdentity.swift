/// What a client may do. Clients get read and write; ids in `ADMIN_CLIENT_IDS` also get admin.
public enum Scope: String, Sendable, Codable, CaseIterable {
    case read, write, admin
}

/// The authenticated caller of a request.
public struct ClientIdentity: Sendable, Equatable {
    public let clientID: String
    public let scopes: Set<Scope>
}
