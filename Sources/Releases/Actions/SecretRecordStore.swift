import KubeClient

/// Where release revisions are kept. A minimal protocol of the deploy actions' own; the release
/// storage work defines the shared one, and this is reconciled with it at merge time.
public protocol ReleaseRecordStore: Sendable {
    /// Every revision of `name` in `namespace`, oldest first (empty when there is none).
    func history(name: String, namespace: String) async throws -> [Release]
    /// The newest revision of every release in `namespace` (every namespace when nil).
    func latestOfAll(namespace: String?) async throws -> [Release]
    /// Writes a new revision; fails with `RecordConflict` when that revision already exists
    /// (another operation created it first), which is how two concurrent operations are told apart.
    func create(_ release: Release) async throws
    /// Rewrites an existing revision (status changes).
    func update(_ release: Release) async throws
    func delete(name: String, namespace: String, revision: Int) async throws
}

/// A revision number was taken by another operation between reading history and writing.
public struct RecordConflict: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var namespace: String
    public var revision: Int
    public var description: String {
        "another operation on release \"\(name)\" in namespace \"\(namespace)\" created revision \(revision) at the same time; "
            + "nothing was changed by this one. Wait for it to finish (`tarsctl history \(name) -n \(namespace)`), then retry."
    }
}

/// Helm's Secret storage driver over a `KubeClient`: one `helm.sh/release.v1` Secret per
/// revision, found by the labels `owner=helm,name=NAME`.
public struct SecretRecordStore: ReleaseRecordStore {
    public let client: KubeClient

    public init(client: KubeClient) { self.client = client }

    public func history(name: String, namespace: String) async throws -> [Release] {
        let list = try await client.list(apiVersion: "v1", kind: "Secret", namespace: namespace, labelSelector: "owner=helm,name=\(name)")
        return try list.items.filter { $0["type"]?.stringValue == ReleaseSecret.type }
            .map(ReleaseSecret.decode).filter { $0.name == name }.sorted { $0.version < $1.version }
    }

    public func latestOfAll(namespace: String?) async throws -> [Release] {
        let list = try await client.list(apiVersion: "v1", kind: "Secret", namespace: namespace, allNamespaces: namespace == nil, labelSelector: "owner=helm")
        var latest: [String: Release] = [:]
        for item in list.items where item["type"]?.stringValue == ReleaseSecret.type {
            let r = try ReleaseSecret.decode(item)
            let key = r.namespace + "/" + r.name
            if (latest[key]?.version ?? 0) < r.version { latest[key] = r }
        }
        return latest.values.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }

    public func create(_ release: Release) async throws {
        do {
            _ = try await client.create(try ReleaseSecret.encode(release, write: .create), namespace: release.namespace)
        } catch let e as KubeAPIError where e.isAlreadyExists {
            throw RecordConflict(name: release.name, namespace: release.namespace, revision: release.version)
        }
    }

    public func update(_ release: Release) async throws {
        try await update(encoded: try ReleaseSecret.encode(release, write: .update), namespace: release.namespace)
    }

    /// Writes a record encoded ahead of time (`ReleaseSecret.encode(_, write: .update)`), so the
    /// compression can overlap the network work before it.
    public func update(encoded secret: JSON, namespace: String) async throws {
        // The engine holds the operation's lock (its pending record) and re-reads nothing in
        // between, so the record's resourceVersion may be stale; write it unconditionally.
        var secret = secret
        secret[path: ["metadata", "resourceVersion"]] = nil
        _ = try await client.replace(secret, namespace: namespace)
    }

    public func delete(name: String, namespace: String, revision: Int) async throws {
        do {
            try await client.delete(apiVersion: "v1", kind: "Secret", namespace: namespace, name: ReleaseSecret.name(release: name, revision: revision))
        } catch let e as KubeAPIError where e.isNotFound {}
    }
}
