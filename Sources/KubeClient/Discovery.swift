import Foundation

/// One REST resource the server serves, as discovery describes it.
public struct APIResource: Sendable, Equatable, Hashable {
    public var group: String
    public var version: String
    /// The plural resource name used in URLs (`deployments`).
    public var resource: String
    public var singular: String
    public var kind: String
    public var namespaced: Bool
    public var verbs: [String]
    public var shortNames: [String]
    public var subresources: [String]

    public init(group: String, version: String, resource: String, singular: String = "", kind: String, namespaced: Bool,
                verbs: [String] = [], shortNames: [String] = [], subresources: [String] = []) {
        self.group = group
        self.version = version
        self.resource = resource
        self.singular = singular.isEmpty ? kind.lowercased() : singular
        self.kind = kind
        self.namespaced = namespaced
        self.verbs = verbs
        self.shortNames = shortNames
        self.subresources = subresources
    }

    /// `v1` or `apps/v1`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `configmaps` or `deployments.apps`, as the API server names it in messages.
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// `/api/v1/namespaces/NS/configmaps/NAME/SUB`.
    public func path(namespace: String? = nil, name: String? = nil, subresource: String? = nil) -> String {
        var p = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace, !namespace.isEmpty { p += "/namespaces/\(Self.segment(namespace))" }
        p += "/\(resource)"
        if let name { p += "/\(Self.segment(name))" }
        if let subresource, !subresource.isEmpty { p += "/\(subresource)" }
        return p
    }

    static func segment(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:@")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    var json: JSON {
        ["group": .string(group), "version": .string(version), "resource": .string(resource), "singular": .string(singular), "kind": .string(kind),
         "namespaced": .bool(namespaced), "verbs": .array(verbs.map(JSON.string)), "shortNames": .array(shortNames.map(JSON.string)),
         "subresources": .array(subresources.map(JSON.string))]
    }

    init?(json: JSON) {
        guard let group = json["group"]?.stringValue, let version = json["version"]?.stringValue, let resource = json["resource"]?.stringValue,
            let kind = json["kind"]?.stringValue, let namespaced = json["namespaced"]?.boolValue
        else { return nil }
        func strings(_ key: String) -> [String] { (json[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        self.init(group: group, version: version, resource: resource, singular: json["singular"]?.stringValue ?? "", kind: kind, namespaced: namespaced,
                  verbs: strings("verbs"), shortNames: strings("shortNames"), subresources: strings("subresources"))
    }
}

/// Discovery with an in-memory and an on-disk cache (per server, with a TTL like kubectl's):
/// aggregated discovery (`apidiscovery.k8s.io/v2`) first, the legacy per-group-version lists
/// when the server does not offer it.
final class DiscoveryCache: Sendable {
    static let aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"

    private struct State {
        var resources: [APIResource]?
        var fetched: Date?
        var pending: Task<[APIResource], Error>?
    }

    let transport: Transport
    let options: KubeClientOptions
    let cacheFile: String?
    private let state = LockedBox(State())

    init(transport: Transport, options: KubeClientOptions) {
        self.transport = transport
        self.options = options
        self.cacheFile = Self.cacheFile(server: transport.server, options: options)
    }

    /// `DIR/HOST_PORT/resources.json`, HOST_PORT with every character other than letters,
    /// digits and dots replaced by `_` (as kubectl names its cache directories).
    static func cacheFile(server: String, options: KubeClientOptions) -> String? {
        let dir: String
        if let explicit = options.discoveryCacheDirectory {
            if explicit.isEmpty { return nil }
            dir = explicit
        } else if let xdg = options.environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            dir = xdg + "/tarsctl/discovery"
        } else if let home = options.environment["HOME"], !home.isEmpty {
            dir = home + "/.cache/tarsctl/discovery"
        } else {
            return nil
        }
        var hostPort = server
        if let r = hostPort.range(of: "://") { hostPort = String(hostPort[r.upperBound...]) }
        let safe = String(hostPort.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "_" })
        return "\(dir)/\(safe)/resources.json"
    }

    var ttl: TimeInterval {
        Double(options.discoveryTTL.components.seconds) + Double(options.discoveryTTL.components.attoseconds) / 1e18
    }

    func resources(refresh: Bool = false) async throws -> [APIResource] {
        // The common case, every verb: a fresh in-memory copy, no task needed.
        if !refresh, let resources = state.withLock({ s -> [APIResource]? in
            guard let r = s.resources, let fetched = s.fetched, Date().timeIntervalSince(fetched) < ttl else { return nil }
            return r
        }) {
            return resources
        }
        let task: Task<[APIResource], Error> = state.withLock { s in
            if !refresh, let resources = s.resources, let fetched = s.fetched, Date().timeIntervalSince(fetched) < ttl {
                return Task { resources }
            }
            if let pending = s.pending { return pending }
            let task = Task { [self] in
                if !refresh, let (cached, fetched) = loadDisk(), Date().timeIntervalSince(fetched) < ttl {
                    transport.log("discovery: using the cache \(cacheFile ?? "") from \(Int(Date().timeIntervalSince(fetched)))s ago")
                    return (cached, fetched)
                }
                let fresh = try await fetch()
                saveDisk(fresh)
                return (fresh, Date())
            }
            let wrapped = Task { [state] () throws -> [APIResource] in
                do {
                    let (resources, fetched) = try await task.value
                    state.withLock { s in
                        s.resources = resources
                        s.fetched = fetched
                        s.pending = nil
                    }
                    return resources
                } catch {
                    state.withLock { $0.pending = nil }
                    throw error
                }
            }
            s.pending = wrapped
            return wrapped
        }
        return try await task.value
    }

    func resource(apiVersion: String, kind: String) async throws -> APIResource {
        let (group, version) = Self.split(apiVersion)
        func find(_ list: [APIResource]) -> APIResource? {
            list.first { $0.group == group && $0.version == version && $0.kind == kind }
        }
        if let found = find(try await resources()) { return found }
        // A kind the cache does not know: maybe its CRD was created a moment ago.
        transport.log("discovery: kind \(kind) in \(apiVersion) is not in the cache; refreshing")
        let fresh = try await resources(refresh: true)
        if let found = find(fresh) { return found }
        let servedVersions = Set(fresh.filter { $0.group == group && $0.kind == kind }.map(\.version)).sorted()
        var hint = "check apiVersion and kind, or install the CustomResourceDefinition that defines it"
        if !servedVersions.isEmpty { hint = "the server serves \(kind) in \(servedVersions.map { group.isEmpty ? $0 : "\(group)/\($0)" }.joined(separator: ", ")); change apiVersion" }
        throw KubeClientError(.unknownKind, "no kind \"\(kind)\" is served for apiVersion \"\(apiVersion)\" by \(transport.server) (context \"\(transport.config.contextName)\"); \(hint)")
    }

    func resource(named name: String) async throws -> APIResource {
        let lower = name.lowercased()
        let parts = lower.split(separator: ".", maxSplits: 1).map(String.init)
        func match(_ list: [APIResource]) -> APIResource? {
            let candidates = list.filter { r in
                let names = [r.resource, r.singular, r.kind.lowercased()] + r.shortNames
                if parts.count == 2 { return names.contains(parts[0]) && (r.group == parts[1] || r.group.hasPrefix(parts[1] + ".")) }
                return names.contains(lower)
            }
            // Prefer the core group, then the first group alphabetically, as kubectl's priority roughly does.
            return candidates.sorted { ($0.group.isEmpty ? "" : $0.group) < ($1.group.isEmpty ? "" : $1.group) }.first
        }
        if let found = match(try await resources()) { return found }
        if let found = match(try await resources(refresh: true)) { return found }
        throw KubeClientError(.unknownKind, "the server \(transport.server) doesn't have a resource type \"\(name)\"; check the spelling, or install the CustomResourceDefinition that defines it")
    }

    static func split(_ apiVersion: String) -> (group: String, version: String) {
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : ("", apiVersion)
    }

    // MARK: fetching

    private func get(_ path: String, accept: String) async throws -> RawResponse {
        var call = Call(method: .GET, path: path, verb: "discover", resource: path)
        call.accept = accept
        return try await transport.send(call)
    }

    func fetch() async throws -> [APIResource] {
        let core = try await get("/api", accept: Self.aggregatedAccept)
        let groups = try await get("/apis", accept: Self.aggregatedAccept)
        if isAggregated(core), isAggregated(groups) {
            let resources = try parseAggregated(core) + parseAggregated(groups)
            transport.log("discovery: aggregated, \(resources.count) resources")
            return resources
        }
        // Legacy discovery: one request per group-version.
        var gvs: [String] = []
        let coreJSON = try JSONParser.parse(core.body)
        for v in coreJSON["versions"]?.arrayValue ?? [] { if let v = v.stringValue { gvs.append("/api/\(v)") } }
        let groupsJSON = try JSONParser.parse(groups.body)
        for g in groupsJSON["groups"]?.arrayValue ?? [] {
            for v in g["versions"]?.arrayValue ?? [] {
                if let gv = v["groupVersion"]?.stringValue { gvs.append("/apis/\(gv)") }
            }
        }
        var resources: [APIResource] = []
        try await withThrowingTaskGroup(of: [APIResource].self) { group in
            for path in gvs {
                group.addTask { [self] in
                    let response = try await get(path, accept: "application/json")
                    return parseLegacy(try JSONParser.parse(response.body))
                }
            }
            for try await list in group { resources += list }
        }
        transport.log("discovery: legacy, \(gvs.count) group-versions, \(resources.count) resources")
        return resources
    }

    private func isAggregated(_ response: RawResponse) -> Bool {
        (response.headers.first(name: "Content-Type") ?? "").replacingOccurrences(of: " ", with: "").contains("as=APIGroupDiscoveryList")
    }

    func parseAggregated(_ response: RawResponse) throws -> [APIResource] {
        let json = try JSONParser.parse(response.body)
        var out: [APIResource] = []
        for item in json["items"]?.arrayValue ?? [] {
            let group = item[path: ["metadata", "name"]]?.stringValue ?? ""
            for version in item["versions"]?.arrayValue ?? [] {
                guard let v = version["version"]?.stringValue else { continue }
                for r in version["resources"]?.arrayValue ?? [] {
                    guard let name = r["resource"]?.stringValue, let kind = r[path: ["responseKind", "kind"]]?.stringValue else { continue }
                    out.append(APIResource(
                        group: group, version: v, resource: name, singular: r["singularResource"]?.stringValue ?? "", kind: kind,
                        namespaced: r["scope"]?.stringValue == "Namespaced", verbs: (r["verbs"]?.arrayValue ?? []).compactMap(\.stringValue),
                        shortNames: (r["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue),
                        subresources: (r["subresources"]?.arrayValue ?? []).compactMap { $0["subresource"]?.stringValue }))
                }
            }
        }
        return out
    }

    func parseLegacy(_ list: JSON) -> [APIResource] {
        let (group, version) = Self.split(list["groupVersion"]?.stringValue ?? "")
        let entries = list["resources"]?.arrayValue ?? []
        var subresources: [String: [String]] = [:]
        for e in entries {
            guard let name = e["name"]?.stringValue, name.contains("/") else { continue }
            let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
            subresources[parts[0], default: []].append(parts[1])
        }
        return entries.compactMap { e in
            guard let name = e["name"]?.stringValue, !name.contains("/"), let kind = e["kind"]?.stringValue else { return nil }
            return APIResource(group: group, version: version, resource: name, singular: e["singularName"]?.stringValue ?? "", kind: kind,
                               namespaced: e["namespaced"]?.boolValue ?? false, verbs: (e["verbs"]?.arrayValue ?? []).compactMap(\.stringValue),
                               shortNames: (e["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue), subresources: subresources[name] ?? [])
        }
    }

    // MARK: disk cache

    func loadDisk() -> ([APIResource], Date)? {
        guard let cacheFile, let data = FileManager.default.contents(atPath: cacheFile), let json = try? JSONParser.parse(Array(data)),
            json["server"]?.stringValue == transport.server, let stamp = json["fetched"]?.intValue
        else { return nil }
        let resources = (json["resources"]?.arrayValue ?? []).compactMap(APIResource.init(json:))
        return resources.isEmpty ? nil : (resources, Date(timeIntervalSince1970: TimeInterval(stamp)))
    }

    func saveDisk(_ resources: [APIResource]) {
        guard let cacheFile else { return }
        let json: JSON = ["server": .string(transport.server), "fetched": .int(Int64(Date().timeIntervalSince1970)), "resources": .array(resources.map(\.json))]
        let dir = (cacheFile as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            // Written aside and renamed, so a concurrent reader never sees half a file.
            let temp = cacheFile + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
            try Data(JSONWriter.bytes(json)).write(to: URL(fileURLWithPath: temp))
            _ = try? FileManager.default.removeItem(atPath: cacheFile)
            try FileManager.default.moveItem(atPath: temp, toPath: cacheFile)
        } catch {
            transport.log("discovery: cannot write the cache \(cacheFile): \(error.localizedDescription)")
        }
    }
}
