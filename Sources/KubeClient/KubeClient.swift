import Foundation

/// How a `KubeClient` behaves beyond what the kubeconfig says.
public struct KubeClientOptions: Sendable {
    /// The version in `User-Agent: tarsctl/VERSION`.
    public var version = "dev"
    /// Client-side rate limit (token bucket), as kubectl's `--qps`/`--burst`; qps <= 0 disables it.
    /// Off by default: measured against the sandbox, kubectl applies about 800 objects/s, and a
    /// 50/s limit made 1,000 ConfigMaps take 18 s. `maxConnections` bounds the load instead, and
    /// the server's 429 + Retry-After (API Priority and Fairness) is honoured by the retry loop.
    public var qps: Double = 0
    public var burst = 100
    /// Time limit of one request (all of it, not a watch); connect time limit.
    public var requestTimeout: Duration = .seconds(60)
    public var connectTimeout: Duration = .seconds(10)
    /// Retries of a request answered 429/5xx or hit by a connection error (see `Transport`).
    public var maxRetries = 5
    /// First backoff step; doubles per retry with ±50 % jitter, up to `maxBackoff`.
    public var initialBackoff: Duration = .milliseconds(200)
    public var maxBackoff: Duration = .seconds(10)
    /// A server's `Retry-After` is honoured up to this long.
    public var maxRetryAfter: Duration = .seconds(60)
    /// Parallel HTTP/1.1 connections to the server (HTTP/2 multiplexes on one).
    public var maxConnections = 16
    /// Where discovery is cached: `DIR/HOST_PORT/resources.json`. nil: `$XDG_CACHE_HOME/tarsctl/discovery`
    /// (else `~/.cache/tarsctl/discovery`). An empty string disables the disk cache.
    public var discoveryCacheDirectory: String?
    /// How long a discovery cache stays fresh (kubectl: 6 hours).
    public var discoveryTTL: Duration = .seconds(6 * 3600)
    /// Debug log (`-v`/`--debug`): one line per request, attempt, retry and wait; credentials
    /// are never written. nil: no logging.
    public var debugLog: (@Sendable (String) -> Void)?
    /// Also log request headers and request/response bodies (kubectl `-v=8`): the Authorization
    /// header is written as `Bearer <redacted>`, Secret `data`/`stringData` values as
    /// `<redacted N bytes>`, and bodies are cut at 4 KiB.
    public var debugBodies = false
    /// Warnings for the user (insecure TLS); defaults to standard error.
    public var warn: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
    /// The environment exec plugins inherit (plus their own `env` and `KUBERNETES_EXEC_INFO`).
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init() {}
}

/// The kind of a `patch`.
public enum PatchType: String, Sendable {
    /// RFC 7386 JSON merge patch.
    case merge = "application/merge-patch+json"
    /// RFC 6902 JSON patch (the body is an array of operations).
    case json = "application/json-patch+json"
    /// Kubernetes strategic merge patch (built-in kinds only).
    case strategicMerge = "application/strategic-merge-patch+json"
}

/// What happens to dependents of a deleted object.
public enum DeletePropagation: String, Sendable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

/// One page, or all pages, of a list.
public struct ObjectList: Sendable, Equatable {
    public var items: [JSON]
    /// The list's resourceVersion: start a watch from here to see later changes.
    public var resourceVersion: String
    /// Set when more pages follow (`listPage`).
    public var continueToken: String?
}

/// A change seen by `watch`.
public struct WatchEvent: Sendable, Equatable {
    public enum EventType: String, Sendable {
        case added = "ADDED", modified = "MODIFIED", deleted = "DELETED"
    }

    public var type: EventType
    /// The object after the change (for DELETED: its last state).
    public var object: JSON

    public init(type: EventType, object: JSON) {
        self.type = type
        self.object = object
    }
}

/// The result of a server-side apply: the object as stored, and whether the apply created it.
public struct ApplyResult: Sendable, Equatable {
    public var object: JSON
    public var created: Bool
}

/// A client of one cluster as one user (one kubeconfig context). Verbs work on dynamic objects
/// (`JSON`), addressed by apiVersion + kind (mapped to a resource through discovery).
///
/// One `KubeClient` holds one connection pool: create it once, share it, and call `shutdown()`
/// when done. It is safe to use from many tasks at once.
public final class KubeClient: Sendable {
    public let config: Kubeconfig.Resolved
    public let options: KubeClientOptions
    let transport: Transport
    let discovery: DiscoveryCache
    private let warmedUp = WarmUpCount()

    /// The namespace used when a namespaced object or call names none (`-n`, else the context's).
    public var defaultNamespace: String { config.namespace }

    /// Builds the transport (TLS, credentials, connection pool) for a resolved context. Fails
    /// when a certificate or key file cannot be read or parsed.
    public init(config: Kubeconfig.Resolved, options: KubeClientOptions = KubeClientOptions()) throws(KubeClientError) {
        self.config = config
        self.options = options
        self.transport = try Transport(config: config, options: options)
        self.discovery = DiscoveryCache(transport: transport, options: options)
    }

    /// Loads the kubeconfig as kubectl would and builds a client for a context. With no
    /// kubeconfig file at all (and no --kubeconfig/--kube-context) inside a pod, the pod's
    /// service account is used, as kubectl does.
    public convenience init(kubeconfig: String? = nil, context: String? = nil, namespace: String? = nil, options: KubeClientOptions = KubeClientOptions()) throws {
        let paths = Kubeconfig.paths(explicit: kubeconfig, environment: options.environment)
        if kubeconfig == nil, context == nil, !paths.contains(where: { FileManager.default.fileExists(atPath: $0) }),
            let inCluster = try Kubeconfig.inCluster(environment: options.environment, namespace: namespace)
        {
            try self.init(config: inCluster, options: options)
            return
        }
        let resolved = try Kubeconfig.load(explicit: kubeconfig, environment: options.environment).resolve(context: context, namespace: namespace)
        try self.init(config: resolved, options: options)
    }

    /// Closes the connections. Further calls fail.
    public func shutdown() async {
        await transport.shutdown()
    }

    // MARK: discovery

    /// `GET /version`.
    public func serverVersion() async throws -> JSON {
        try await transport.json(Call(method: .GET, path: "/version", verb: "get", resource: "version"))
    }

    /// `GET` of any server path as JSON (`kubectl get --raw PATH`), e.g. `/openapi/v3`.
    /// Retried like every read.
    public func getRaw(_ path: String) async throws -> JSON {
        let clean = path.hasPrefix("/") ? path : "/" + path
        let resource = clean.split(separator: "?").first.map(String.init) ?? clean
        return try await transport.json(Call(method: .GET, path: clean, verb: "get", resource: resource))
    }

    /// The cluster's OpenAPI v3 documents (`/openapi/v3/...`) of the given API versions (`v1`,
    /// `apps/v1`), as the API server publishes them: one per group-version, with every schema
    /// its kinds refer to. API versions the server does not publish are left out.
    public func openAPIV3(apiVersions: [String]) async throws -> [JSON] {
        let index = try await getRaw("/openapi/v3")
        let paths = index["paths"]?.objectValue ?? [:]
        var documents: [JSON] = []
        for apiVersion in Set(apiVersions).sorted() {
            let key = apiVersion.contains("/") ? "apis/" + apiVersion : "api/" + apiVersion
            guard let entry = paths[key] else { continue }
            let url = entry["serverRelativeURL"]?.stringValue ?? "/openapi/v3/" + key
            documents.append(try await getRaw(url))
        }
        return documents
    }

    /// Opens connections ahead of a burst of parallel requests by sending `connections` cheap
    /// `GET /version` at once: over HTTP/1.1 each needs a connection of its own (TCP and TLS
    /// handshakes), which the pool then keeps for the burst. Over HTTP/2 they share one. Errors
    /// are ignored (the real requests report them); cancel the task to stop its retries.
    public func warmUp(connections: Int) async {
        // A second warm-up (the CLI opens connections ahead, then the engine asks again) only
        // opens what the first did not ask for.
        let wanted = max(0, min(connections, options.maxConnections))
        var start = warmedUp.claim(upTo: wanted)
        guard start < wanted else { return }
        if start == 0 {
            // One request first: when it is answered over HTTP/2, its connection carries every
            // request to come, and opening more would only cost handshakes on both sides.
            let call = Call(method: .GET, path: "/version", verb: "get", resource: "version")
            guard let first = try? await transport.sendRaw(call), !first.multiplexed else { return }
            start = 1
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in start..<wanted {
                group.addTask { _ = try? await self.serverVersion() }
            }
        }
    }

    /// The resource serving `kind` in `apiVersion`; refreshes discovery once when the kind is unknown
    /// (a CRD created a moment ago).
    public func resource(apiVersion: String, kind: String) async throws -> APIResource {
        try await discovery.resource(apiVersion: apiVersion, kind: kind)
    }

    /// Every resource the server serves (from the discovery cache when fresh).
    public func serverResources(refresh: Bool = false) async throws -> [APIResource] {
        try await discovery.resources(refresh: refresh)
    }

    /// Resolves what a user typed (`deploy`, `deployments`, `deployment.apps`, `Deployment`).
    public func resource(named name: String) async throws -> APIResource {
        try await discovery.resource(named: name)
    }

    // MARK: verbs

    /// `GET` one object.
    public func get(apiVersion: String, kind: String, namespace: String? = nil, name: String) async throws -> JSON {
        let r = try await resource(apiVersion: apiVersion, kind: kind)
        return try await transport.json(call(.GET, r, namespace: namespace, name: name, verb: "get"))
    }

    /// `get`, answering nil when the object does not exist (404) instead of throwing.
    public func getIfExists(apiVersion: String, kind: String, namespace: String? = nil, name: String) async throws -> JSON? {
        do {
            return try await get(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
    }

    /// `GET` the `/status` subresource of one object.
    public func getStatus(apiVersion: String, kind: String, namespace: String? = nil, name: String) async throws -> JSON {
        let r = try await resource(apiVersion: apiVersion, kind: kind)
        return try await transport.json(call(.GET, r, namespace: namespace, name: name, subresource: "status", verb: "get"))
    }

    /// Lists every page (`limit` objects per request, following `continue`). `allNamespaces`
    /// lists a namespaced kind across the cluster.
    public func list(apiVersion: String, kind: String, namespace: String? = nil, allNamespaces: Bool = false, labelSelector: String? = nil,
                     fieldSelector: String? = nil, limit: Int = 500) async throws -> ObjectList {
        var all: [JSON] = []
        var token: String?
        var resourceVersion = ""
        repeat {
            let page = try await listPage(apiVersion: apiVersion, kind: kind, namespace: namespace, allNamespaces: allNamespaces, labelSelector: labelSelector,
                                          fieldSelector: fieldSelector, limit: limit, continueToken: token)
            all += page.items
            if resourceVersion.isEmpty { resourceVersion = page.resourceVersion }
            token = page.continueToken
        } while token != nil
        return ObjectList(items: all, resourceVersion: resourceVersion, continueToken: nil)
    }

    /// One page of a list.
    public func listPage(apiVersion: String, kind: String, namespace: String? = nil, allNamespaces: Bool = false, labelSelector: String? = nil,
                         fieldSelector: String? = nil, limit: Int? = 500, continueToken: String? = nil) async throws -> ObjectList {
        let r = try await resource(apiVersion: apiVersion, kind: kind)
        var query: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
        if let limit, limit > 0 { query.append(("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { query.append(("continue", continueToken)) }
        let ns: String? = r.namespaced && !allNamespaces ? (namespace ?? defaultNamespace) : nil
        let json = try await transport.json(Call(method: .GET, path: r.path(namespace: ns) + Self.query(query), verb: "list", resource: r.qualifiedResource, namespace: ns))
        let token = json[path: ["metadata", "continue"]]?.stringValue
        return ObjectList(items: json["items"]?.arrayValue ?? [], resourceVersion: json[path: ["metadata", "resourceVersion"]]?.stringValue ?? "",
                          continueToken: token?.isEmpty == false ? token : nil)
    }

    /// `POST` a new object (namespace from its metadata, else `namespace`, else the default).
    /// Not retried once it may have reached the server.
    public func create(_ object: JSON, namespace: String? = nil, fieldManager: String? = nil, dryRun: Bool = false) async throws -> JSON {
        let (r, ns, _) = try await target(of: object, namespace: namespace, needsName: false)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        if dryRun { query.append(("dryRun", "All")) }
        var c = Call(method: .POST, path: r.path(namespace: ns) + Self.query(query), verb: "create", resource: r.qualifiedResource, namespace: ns,
                     name: object[path: ["metadata", "name"]]?.stringValue)
        c.body = JSONWriter.bytes(object)
        c.contentType = "application/json"
        c.idempotent = false
        return try await transport.json(c)
    }

    /// Server-side apply (`PATCH` with `application/apply-patch+yaml`; JSON is valid YAML).
    /// `force` takes over fields other managers own. Idempotent, so retried.
    public func apply(_ object: JSON, fieldManager: String = "tarsctl", force: Bool = false, dryRun: Bool = false, namespace: String? = nil,
                      subresource: String? = nil) async throws -> JSON {
        try await applyReportingCreation(object, fieldManager: fieldManager, force: force, dryRun: dryRun, namespace: namespace, subresource: subresource).object
    }

    /// `apply`, also telling whether the object was created (201) or already existed (200).
    /// With `decode: false` the returned object is `.null` and the answer's body is not parsed
    /// (a caller that applies many objects and needs only the outcome saves that work).
    public func applyReportingCreation(_ object: JSON, fieldManager: String = "tarsctl", force: Bool = false, dryRun: Bool = false,
                                       namespace: String? = nil, subresource: String? = nil, decode: Bool = true) async throws -> ApplyResult {
        let (r, ns, name) = try await target(of: object, namespace: namespace, needsName: true)
        var query: [(String, String)] = [("fieldManager", fieldManager), ("force", force ? "true" : "false")]
        if dryRun { query.append(("dryRun", "All")) }
        var c = Call(method: .PATCH, path: r.path(namespace: ns, name: name, subresource: subresource) + Self.query(query), verb: "apply",
                     resource: r.qualifiedResource, namespace: ns, name: name)
        c.body = JSONWriter.bytes(object)
        c.contentType = "application/apply-patch+yaml"
        c.idempotent = true
        let response = try await transport.send(c)
        return ApplyResult(object: decode ? try Transport.decode(response, c) : .null, created: response.status == 201)
    }

    /// `PATCH` with a merge, JSON or strategic merge patch. Not retried once it may have reached the server.
    public func patch(apiVersion: String, kind: String, namespace: String? = nil, name: String, patch: JSON, type: PatchType = .merge,
                      fieldManager: String? = nil, dryRun: Bool = false, subresource: String? = nil) async throws -> JSON {
        let r = try await resource(apiVersion: apiVersion, kind: kind)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        if dryRun { query.append(("dryRun", "All")) }
        let ns = r.namespaced ? (namespace ?? defaultNamespace) : nil
        var c = Call(method: .PATCH, path: r.path(namespace: ns, name: name, subresource: subresource) + Self.query(query), verb: "patch",
                     resource: r.qualifiedResource, namespace: ns, name: name)
        c.body = JSONWriter.bytes(patch)
        c.contentType = type.rawValue
        c.idempotent = false
        return try await transport.json(c)
    }

    /// `PUT` an object (optimistic concurrency through its `metadata.resourceVersion`).
    public func replace(_ object: JSON, namespace: String? = nil, fieldManager: String? = nil, dryRun: Bool = false, subresource: String? = nil) async throws -> JSON {
        let (r, ns, name) = try await target(of: object, namespace: namespace, needsName: true)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        if dryRun { query.append(("dryRun", "All")) }
        var c = Call(method: .PUT, path: r.path(namespace: ns, name: name, subresource: subresource) + Self.query(query), verb: "update",
                     resource: r.qualifiedResource, namespace: ns, name: name)
        c.body = JSONWriter.bytes(object)
        c.contentType = "application/json"
        c.idempotent = true
        return try await transport.json(c)
    }

    /// `DELETE` one object; answers what the server returned (the object, or a Status).
    @discardableResult
    public func delete(apiVersion: String, kind: String, namespace: String? = nil, name: String, propagationPolicy: DeletePropagation? = .background,
                       gracePeriodSeconds: Int? = nil, dryRun: Bool = false) async throws -> JSON {
        let r = try await resource(apiVersion: apiVersion, kind: kind)
        let ns = r.namespaced ? (namespace ?? defaultNamespace) : nil
        var options: [String: JSON] = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if let propagationPolicy { options["propagationPolicy"] = .string(propagationPolicy.rawValue) }
        if let gracePeriodSeconds { options["gracePeriodSeconds"] = .int(Int64(gracePeriodSeconds)) }
        if dryRun { options["dryRun"] = ["All"] }
        var c = Call(method: .DELETE, path: r.path(namespace: ns, name: name) + (dryRun ? "?dryRun=All" : ""), verb: "delete",
                     resource: r.qualifiedResource, namespace: ns, name: name)
        c.body = JSONWriter.bytes(.object(options))
        c.contentType = "application/json"
        c.idempotent = true
        return try await transport.json(c)
    }

    /// Changes as an async sequence: without `resourceVersion`, the current objects first (ADDED),
    /// then every later change. A dropped connection resumes from the last resourceVersion seen;
    /// a `410 Gone` relists and emits only the differences, so no change is missed or repeated.
    /// Ends when the consumer stops iterating; throws on errors that retrying cannot fix.
    public func watch(apiVersion: String, kind: String, namespace: String? = nil, allNamespaces: Bool = false, labelSelector: String? = nil,
                      fieldSelector: String? = nil, resourceVersion: String? = nil, timeoutSeconds: Int? = nil) -> AsyncThrowingStream<WatchEvent, Error> {
        Watcher(client: self, apiVersion: apiVersion, kind: kind, namespace: namespace, allNamespaces: allNamespaces, labelSelector: labelSelector,
                fieldSelector: fieldSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds).stream()
    }

    // MARK: helpers

    /// The resource, namespace and name an object body addresses.
    func target(of object: JSON, namespace: String?, needsName: Bool) async throws -> (APIResource, String?, String) {
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty, let kind = object["kind"]?.stringValue, !kind.isEmpty else {
            throw KubeClientError(.configuration, "the object \(Self.describe(object)) has no apiVersion or kind; every manifest needs both")
        }
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if needsName && name.isEmpty {
            throw KubeClientError(.configuration, "the \(kind) object has no metadata.name; give it a name")
        }
        let r = try await resource(apiVersion: apiVersion, kind: kind)
        let own = object[path: ["metadata", "namespace"]]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return (r, r.namespaced ? (own ?? namespace ?? defaultNamespace) : nil, name)
    }

    func call(_ method: HTTPVerb, _ r: APIResource, namespace: String?, name: String, subresource: String? = nil, verb: String) -> Call {
        let ns = r.namespaced ? (namespace ?? defaultNamespace) : nil
        return Call(method: method, path: r.path(namespace: ns, name: name, subresource: subresource), verb: verb, resource: r.qualifiedResource, namespace: ns, name: name)
    }

    static func describe(_ object: JSON) -> String {
        let kind = object["kind"]?.stringValue ?? "?"
        let name = object[path: ["metadata", "name"]]?.stringValue ?? "?"
        return "\(kind)/\(name)"
    }

    private static let queryAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? s }

    static func query(_ items: [(String, String)]) -> String {
        items.isEmpty ? "" : "?" + items.map { "\($0.0)=\(escape($0.1))" }.joined(separator: "&")
    }
}

/// How many connections warm-ups have asked for so far.
private final class WarmUpCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Raises the count to `wanted` and returns where it was (the first connection still to open).
    func claim(upTo wanted: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let before = count
        count = max(count, wanted)
        return min(before, wanted)
    }
}
