import KubeClient

/// The read side the release commands (`list`, `history`) use, over the one release storage
/// (`ReleaseStore` on `KubeSecretBackend`). Kept under this name so the CLI's call sites do not
/// change; new code should use `ReleaseStore` directly.
public struct SecretRecordStore: Sendable {
    public let store: ReleaseStore

    public init(client: KubeClient) { self.store = ReleaseStore(backend: KubeSecretBackend(client: client)) }

    /// Every revision of `name` in `namespace`, oldest first (empty when there is none).
    public func history(name: String, namespace: String) async throws -> [Release] {
        try await store.history(name: name, namespace: namespace).releases
    }

    /// The newest revision of every release in `namespace` (every namespace when nil).
    public func latestOfAll(namespace: String?) async throws -> [Release] {
        var latest: [String: Release] = [:]
        for r in try await store.all(namespace: namespace).releases {
            let key = r.namespace + "/" + r.name
            if (latest[key]?.version ?? 0) < r.version { latest[key] = r }
        }
        return latest.values.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }
}
