import KubeClient

/// A storage failure that names the release and revision and says what to do.
public struct ReleaseStoreError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: Sendable, Equatable { case revisionExists, revisionNotFound, modifiedConcurrently }
    public var code: Code
    public var release: String
    public var namespace: String
    public var revision: Int

    public var description: String {
        switch code {
        case .revisionExists:
            return "release \(release) revision \(revision) already exists in namespace \(namespace)"
        case .modifiedConcurrently:
            return "release \(release) revision \(revision) in namespace \(namespace) was changed by another "
                + "process while this operation ran, so its outcome was not recorded over it; see "
                + "`tarsctl history \(release) -n \(namespace)`"
        case .revisionNotFound:
            return "release \(release) has no revision \(revision) in namespace \(namespace); "
                + "see `tarsctl history \(release) -n \(namespace)` for the revisions it has"
        }
    }
}

/// Release records that were listed, and the Secrets that looked like records but could not be
/// read (Helm skips them with a log line; tarsctl reports them).
public struct ReleaseListing: Sendable {
    public var releases: [Release]
    public var unreadable: [ReleaseSecretError]
}

/// Release revisions stored as Helm stores them, one Secret per revision.
public struct ReleaseStore: Sendable {
    public let backend: any SecretBackend

    public init(backend: any SecretBackend) { self.backend = backend }

    /// Every revision of a release, oldest first.
    public func history(name: String, namespace: String) async throws -> ReleaseListing {
        let secrets = try await backend.list(namespace: namespace, labels: ["owner": ReleaseSecret.owner, "name": name])
        var listing = decode(secrets)
        listing.releases = listing.releases.filter { $0.name == name }.sorted { $0.version < $1.version }
        return listing
    }

    /// All release records in a namespace (nil: all namespaces), ordered by namespace, name, revision.
    public func all(namespace: String?) async throws -> ReleaseListing {
        var listing = decode(try await backend.list(namespace: namespace, labels: ["owner": ReleaseSecret.owner]))
        listing.releases.sort { ($0.namespace, $0.name, $0.version) < ($1.namespace, $1.name, $1.version) }
        return listing
    }

    public func get(name: String, namespace: String, revision: Int) async throws -> Release {
        guard let secret = try await backend.get(namespace: namespace, name: ReleaseSecret.name(release: name, revision: revision))
        else { throw ReleaseStoreError(code: .revisionNotFound, release: name, namespace: namespace, revision: revision) }
        return try ReleaseSecret.decode(secret)
    }

    /// Stores a new revision; `revisionExists` when another writer stored it first. Returns it
    /// with the stored Secret's version, for a later `update`.
    @discardableResult
    public func create(_ release: Release, now: GoTime = .now()) async throws -> Release {
        try await create(release, encoded: try ReleaseSecret.encode(release, write: .create, now: now))
    }

    /// `create` with the record's Secret encoded ahead of time (`ReleaseSecret.encode(release,
    /// write: .create)`), so the compression can overlap other work.
    @discardableResult
    public func create(_ release: Release, encoded secret: JSON) async throws -> Release {
        do {
            let stored = try await backend.create(namespace: release.namespace, secret: secret)
            var r = release
            r.storageVersion = stored[path: ["metadata", "resourceVersion"]]?.stringValue
            return r
        } catch SecretBackendError.alreadyExists {
            throw ReleaseStoreError(code: .revisionExists, release: release.name, namespace: release.namespace,
                                    revision: release.version)
        }
    }

    /// Rewrites a stored revision (its status, description, hooks' last runs). When the release
    /// carries a `storageVersion` and the Secret changed since, nothing is written and
    /// `modifiedConcurrently` is thrown. Returns it with the new version.
    @discardableResult
    public func update(_ release: Release, now: GoTime = .now()) async throws -> Release {
        try await update(release, encoded: try ReleaseSecret.encode(release, write: .update, now: now))
    }

    /// `update` with the record's Secret encoded ahead of time (`ReleaseSecret.encode(release,
    /// write: .update)`), so the compression can overlap other work.
    @discardableResult
    public func update(_ release: Release, encoded secret: JSON) async throws -> Release {
        do {
            let stored = try await backend.replace(namespace: release.namespace, secret: secret)
            var r = release
            r.storageVersion = stored[path: ["metadata", "resourceVersion"]]?.stringValue
            return r
        } catch SecretBackendError.notFound {
            throw ReleaseStoreError(code: .revisionNotFound, release: release.name, namespace: release.namespace,
                                    revision: release.version)
        } catch SecretBackendError.conflict {
            throw ReleaseStoreError(code: .modifiedConcurrently, release: release.name, namespace: release.namespace,
                                    revision: release.version)
        }
    }

    public func delete(name: String, namespace: String, revision: Int) async throws {
        do {
            try await backend.delete(namespace: namespace, name: ReleaseSecret.name(release: name, revision: revision))
        } catch SecretBackendError.notFound {
            throw ReleaseStoreError(code: .revisionNotFound, release: name, namespace: namespace, revision: revision)
        }
    }

    private func decode(_ secrets: [JSON]) -> ReleaseListing {
        var listing = ReleaseListing(releases: [], unreadable: [])
        for s in secrets where s["type"]?.stringValue == ReleaseSecret.type || s["type"] == nil {
            do {
                listing.releases.append(try ReleaseSecret.decode(s))
            } catch let e as ReleaseSecretError {
                listing.unreadable.append(e)
            } catch {
                listing.unreadable.append(ReleaseSecretError(secret: s[path: ["metadata", "name"]]?.stringValue ?? "?",
                                                             reason: "\(error)"))
            }
        }
        return listing
    }
}
