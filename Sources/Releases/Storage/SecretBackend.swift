import KubeClient

/// The cluster operations release storage needs, on Secret objects in their API form (`data`
/// values base64). The CLI backs this with KubeClient (`/api/v1/namespaces/NS/secrets`); tests
/// and `--dry-run` use `InMemorySecretBackend`.
public protocol SecretBackend: Sendable {
    /// The Secret, or nil when there is none of that name.
    func get(namespace: String, name: String) async throws -> JSON?
    /// Secrets whose labels include all of `labels`; `namespace` nil means every namespace.
    func list(namespace: String?, labels: [String: String]) async throws -> [JSON]
    /// Creates the Secret; throws `SecretBackendError.alreadyExists` when the name is taken
    /// (HTTP 409 reason AlreadyExists). Returns the stored object.
    func create(namespace: String, secret: JSON) async throws -> JSON
    /// Replaces the Secret (PUT). Throws `.notFound` when absent and `.conflict` when
    /// `metadata.resourceVersion` is set and no longer current (HTTP 409 reason Conflict).
    func replace(namespace: String, secret: JSON) async throws -> JSON
    /// Deletes the Secret; throws `.notFound` when absent.
    func delete(namespace: String, name: String) async throws
}

/// The API outcomes release storage acts on; other failures pass through unchanged.
public enum SecretBackendError: Error, Sendable, Equatable, CustomStringConvertible {
    case alreadyExists(namespace: String, name: String)
    case notFound(namespace: String, name: String)
    case conflict(namespace: String, name: String)

    public var description: String {
        switch self {
        case .alreadyExists(let ns, let n): return "secrets \"\(n)\" already exists in namespace \(ns)"
        case .notFound(let ns, let n): return "secrets \"\(n)\" not found in namespace \(ns)"
        case .conflict(let ns, let n): return "secrets \"\(n)\" in namespace \(ns) was modified by someone else"
        }
    }
}

/// Secrets kept in memory, with the API server's create/replace semantics (names unique per
/// namespace, resource versions checked on replace).
public actor InMemorySecretBackend: SecretBackend {
    private var secrets: [String: JSON] = [:]
    private var version: Int64 = 0

    public init(_ initial: [JSON] = []) {
        for s in initial {
            version += 1
            var s = s
            s[path: ["metadata", "resourceVersion"]] = .string(String(version))
            secrets[Self.key(s[path: ["metadata", "namespace"]]?.stringValue ?? "default",
                             s[path: ["metadata", "name"]]?.stringValue ?? "")] = s
        }
    }

    static func key(_ namespace: String, _ name: String) -> String { namespace + "/" + name }

    public func get(namespace: String, name: String) -> JSON? { secrets[Self.key(namespace, name)] }

    public func list(namespace: String?, labels: [String: String]) -> [JSON] {
        secrets.keys.sorted().compactMap { key in
            guard let s = secrets[key] else { return nil }
            if let namespace, s[path: ["metadata", "namespace"]]?.stringValue != namespace { return nil }
            let have = s[path: ["metadata", "labels"]]?.objectValue ?? [:]
            return labels.allSatisfy { have[$0.key]?.stringValue == $0.value } ? s : nil
        }
    }

    public func create(namespace: String, secret: JSON) throws -> JSON {
        let name = secret[path: ["metadata", "name"]]?.stringValue ?? ""
        guard secrets[Self.key(namespace, name)] == nil else {
            throw SecretBackendError.alreadyExists(namespace: namespace, name: name)
        }
        return store(namespace, name, secret)
    }

    public func replace(namespace: String, secret: JSON) throws -> JSON {
        let name = secret[path: ["metadata", "name"]]?.stringValue ?? ""
        guard let old = secrets[Self.key(namespace, name)] else {
            throw SecretBackendError.notFound(namespace: namespace, name: name)
        }
        if let rv = secret[path: ["metadata", "resourceVersion"]]?.stringValue,
           rv != old[path: ["metadata", "resourceVersion"]]?.stringValue {
            throw SecretBackendError.conflict(namespace: namespace, name: name)
        }
        return store(namespace, name, secret)
    }

    public func delete(namespace: String, name: String) throws {
        guard secrets.removeValue(forKey: Self.key(namespace, name)) != nil else {
            throw SecretBackendError.notFound(namespace: namespace, name: name)
        }
    }

    private func store(_ namespace: String, _ name: String, _ secret: JSON) -> JSON {
        version += 1
        var s = secret
        s[path: ["metadata", "namespace"]] = .string(namespace)
        s[path: ["metadata", "resourceVersion"]] = .string(String(version))
        secrets[Self.key(namespace, name)] = s
        return s
    }
}
