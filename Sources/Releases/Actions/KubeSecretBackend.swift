import KubeClient

/// `SecretBackend` over the Kubernetes API (`/api/v1/namespaces/NS/secrets`): the cluster
/// storage every release command writes through. API answers the storage acts on (404, 409
/// AlreadyExists, 409 Conflict) become `SecretBackendError`; anything else passes through as
/// the client's own error, which names the server and what to do.
public struct KubeSecretBackend: SecretBackend {
    public let client: KubeClient

    public init(client: KubeClient) { self.client = client }

    public func get(namespace: String, name: String) async throws -> JSON? {
        try await client.getIfExists(apiVersion: "v1", kind: "Secret", namespace: namespace, name: name)
    }

    public func list(namespace: String?, labels: [String: String]) async throws -> [JSON] {
        let selector = labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
        let list = try await client.list(apiVersion: "v1", kind: "Secret", namespace: namespace, allNamespaces: namespace == nil,
                                         labelSelector: selector.isEmpty ? nil : selector)
        return list.items
    }

    public func create(namespace: String, secret: JSON) async throws -> JSON {
        do {
            return try await client.create(Self.typed(secret), namespace: namespace)
        } catch let e as KubeAPIError where e.isAlreadyExists {
            throw SecretBackendError.alreadyExists(namespace: namespace, name: Self.name(secret))
        }
    }

    public func replace(namespace: String, secret: JSON) async throws -> JSON {
        do {
            return try await client.replace(Self.typed(secret), namespace: namespace)
        } catch let e as KubeAPIError where e.isNotFound {
            throw SecretBackendError.notFound(namespace: namespace, name: Self.name(secret))
        } catch let e as KubeAPIError where e.isConflict {
            throw SecretBackendError.conflict(namespace: namespace, name: Self.name(secret))
        }
    }

    public func delete(namespace: String, name: String) async throws {
        do {
            _ = try await client.delete(apiVersion: "v1", kind: "Secret", namespace: namespace, name: name)
        } catch let e as KubeAPIError where e.isNotFound {
            throw SecretBackendError.notFound(namespace: namespace, name: name)
        }
    }

    static func name(_ secret: JSON) -> String { secret[path: ["metadata", "name"]]?.stringValue ?? "" }

    /// The client routes by apiVersion/kind; records built elsewhere may leave them out.
    static func typed(_ secret: JSON) -> JSON {
        var s = secret
        if s["apiVersion"] == nil { s["apiVersion"] = "v1" }
        if s["kind"] == nil { s["kind"] = "Secret" }
        return s
    }
}
