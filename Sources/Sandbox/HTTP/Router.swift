import KubeClient
import Foundation

/// Maps an `APIRequest` to the cluster: discovery, OpenAPI, `/version` and the REST verbs.
public struct Router: Sendable {
    public let cluster: Cluster
    public let serverAddress: String

    public init(cluster: Cluster, serverAddress: String) {
        self.cluster = cluster
        self.serverAddress = serverAddress
    }

    /// A resource URL split into its parts.
    struct Target {
        var type: ResourceType
        var namespace: String?
        var name: String?
        var subresource: String
    }

    public func handle(_ request: APIRequest) -> APIResponse {
        do {
            return try route(request)
        } catch {
            return .json(status: error.code, body: error.statusObject, headers: error.retryAfterSeconds.map { [("Retry-After", String($0))] } ?? [])
        }
    }

    private func route(_ request: APIRequest) throws(APIError) -> APIResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        let discovery = Discovery(cluster: cluster, serverAddress: serverAddress)
        switch segments.first {
        case "version"?:
            return .json(status: 200, body: Discovery.version)
        case "healthz"?, "readyz"?, "livez"?:
            return .json(status: 200, body: "ok")
        case "openapi"?:
            return try OpenAPI(cluster: cluster).handle(segments: Array(segments.dropFirst()), query: request.query)
        case "api"?:
            if segments.count == 1 { return discovery.legacyRoot(accept: request.accept) }
            if segments.count == 2 { return try discovery.resourceList(group: "", version: segments[1]) }
            return try resource(request, group: "", version: segments[1], rest: Array(segments.dropFirst(2)))
        case "apis"?:
            if segments.count == 1 { return discovery.groupsRoot(accept: request.accept) }
            if segments.count == 2 { return try discovery.group(segments[1]) }
            if segments.count == 3 { return try discovery.resourceList(group: segments[1], version: segments[2]) }
            return try resource(request, group: segments[1], version: segments[2], rest: Array(segments.dropFirst(3)))
        default:
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
    }

    private func resolve(group: String, version: String, rest: [String]) throws(APIError) -> Target {
        let notFound = APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        if rest.count >= 3, rest[0] == "namespaces", let type = cluster.type(group: group, version: version, plural: rest[2]), type.namespaced {
            guard rest.count <= 5 else { throw notFound }
            return Target(type: type, namespace: rest[1], name: rest.count > 3 ? rest[3] : nil, subresource: rest.count > 4 ? rest[4] : "")
        }
        guard let first = rest.first, let type = cluster.type(group: group, version: version, plural: first), rest.count <= 3 else { throw notFound }
        if type.namespaced && rest.count > 1 { throw notFound }
        return Target(type: type, namespace: nil, name: rest.count > 1 ? rest[1] : nil, subresource: rest.count > 2 ? rest[2] : "")
    }

    private func resource(_ request: APIRequest, group: String, version: String, rest: [String]) throws(APIError) -> APIResponse {
        let target = try resolve(group: group, version: version, rest: rest)
        let type = target.type
        let namespace = target.namespace ?? ""
        let q = request.query
        var options = WriteOptions(fieldManager: q["fieldManager"], dryRun: q["dryRun"] == "All", force: q["force"] == "true", subresource: target.subresource)
        if let dryRun = q["dryRun"], !dryRun.isEmpty, dryRun != "All" {
            throw APIError.badRequest("Invalid value: \"\(dryRun)\": supported values: \"All\"")
        }
        if target.subresource == "log" && type.group.isEmpty && type.plural == "pods", let name = target.name {
            return try PodLogs.answer(request, pod: try cluster.get(type, namespace: namespace, name: name))
        }
        if !target.subresource.isEmpty {
            guard target.subresource == "status" && type.hasStatus || target.subresource == "scale" && ["deployments", "statefulsets", "replicasets"].contains(type.plural) else {
                throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
            }
        }
        guard let name = target.name else {
            switch request.method {
            case "GET":
                if q["watch"] == "true" || q["watch"] == "1" {
                    var watch = try watchRequest(type, namespace: target.namespace, q)
                    watch.table = TablePrinter.wants(request.accept) ? type : nil
                    return .watch(watch)
                }
                let list = try cluster.list(type, namespace: type.namespaced ? target.namespace : nil, options: try listOptions(q))
                if TablePrinter.wants(request.accept) {
                    return .json(status: 200, body: TablePrinter.table(type, items: list["items"]?.arrayValue ?? [], resourceVersion: list[path: ["metadata", "resourceVersion"]]?.stringValue ?? "",
                                                                        continueToken: list[path: ["metadata", "continue"]]?.stringValue))
                }
                return .json(status: 200, body: list)
            case "POST":
                options.fieldManager = options.fieldManager ?? "unknown"
                let body = try parseBody(request)
                let created = try cluster.create(type, namespace: namespace, body: body, options: options)
                return .json(status: 201, body: created)
            case "DELETE":
                let list = try cluster.list(type, namespace: type.namespaced ? target.namespace : nil, options: try listOptions(q))
                var deleted: [JSON] = []
                for item in list["items"]?.arrayValue ?? [] {
                    if let object = try? cluster.delete(type, namespace: item.namespace, name: item.name, propagation: .background, options: options) { deleted.append(object) }
                }
                var result = list
                result["items"] = .array(deleted)
                return .json(status: 200, body: result)
            default:
                throw APIError.methodNotAllowed()
            }
        }
        if target.subresource == "scale" { return try scale(request, type: type, namespace: namespace, name: name, options: options) }
        switch request.method {
        case "GET":
            let object = try cluster.get(type, namespace: namespace, name: name)
            if TablePrinter.wants(request.accept) {
                return .json(status: 200, body: TablePrinter.table(type, items: [object], resourceVersion: object[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""))
            }
            return .json(status: 200, body: object)
        case "PUT":
            options.fieldManager = options.fieldManager ?? "unknown"
            return .json(status: 200, body: try cluster.update(type, namespace: namespace, name: name, body: try parseBody(request), options: options))
        case "PATCH":
            if !request.contentType.hasPrefix("application/apply-patch") { options.fieldManager = options.fieldManager ?? "unknown" }
            let (object, created) = try cluster.patch(type, namespace: namespace, name: name, contentType: request.contentType, body: request.body, options: options)
            return .json(status: created ? 201 : 200, body: object)
        case "DELETE":
            var propagation: PropagationPolicy?
            if !request.body.isEmpty, let body = try? JSONParser.parse(request.body) {
                if let policy = body["propagationPolicy"]?.stringValue {
                    guard let parsed = PropagationPolicy(rawValue: policy) else {
                        throw APIError.badRequest("invalid propagationPolicy: \(policy)")
                    }
                    propagation = parsed
                }
                if body["dryRun"]?.arrayValue?.contains("All") == true { options.dryRun = true }
            }
            if let policy = q["propagationPolicy"] { propagation = PropagationPolicy(rawValue: policy) }
            return .json(status: 200, body: try cluster.delete(type, namespace: namespace, name: name, propagation: propagation, options: options))
        default:
            throw APIError.methodNotAllowed()
        }
    }

    /// The `autoscaling/v1` Scale view of a workload, as `kubectl scale` reads and patches it.
    private func scale(_ request: APIRequest, type: ResourceType, namespace: String, name: String, options: WriteOptions) throws(APIError) -> APIResponse {
        func view(_ object: JSON) -> JSON {
            let labels = object[path: ["spec", "selector", "matchLabels"]]?.objectValue ?? [:]
            return ["kind": "Scale", "apiVersion": "autoscaling/v1",
                    "metadata": ["name": .string(name), "namespace": .string(namespace), "uid": object[path: ["metadata", "uid"]] ?? "",
                                 "resourceVersion": object[path: ["metadata", "resourceVersion"]] ?? "", "creationTimestamp": object[path: ["metadata", "creationTimestamp"]] ?? ""],
                    "spec": ["replicas": object[path: ["spec", "replicas"]] ?? 1],
                    "status": ["replicas": object[path: ["status", "replicas"]] ?? 0,
                               "selector": .string(labels.keys.sorted().map { "\($0)=\(labels[$0]?.stringValue ?? "")" }.joined(separator: ","))]]
        }
        let current = try cluster.get(type, namespace: namespace, name: name)
        switch request.method {
        case "GET": return .json(status: 200, body: view(current))
        case "PUT", "PATCH":
            var scaleObject = view(current)
            let body = try parseBody(request)
            scaleObject = request.method == "PUT" ? body : (request.contentType.contains("json-patch") ? try JSONPatch.apply(body, to: scaleObject) : MergePatch.apply(body, to: scaleObject))
            guard let replicas = scaleObject[path: ["spec", "replicas"]]?.intValue else { throw APIError.badRequest("spec.replicas is required") }
            var mainOptions = options
            mainOptions.subresource = ""
            let patch = JSONWriter.bytes(["spec": ["replicas": .int(replicas)]])
            let (updated, _) = try cluster.patch(type, namespace: namespace, name: name, contentType: "application/merge-patch+json", body: patch, options: mainOptions)
            return .json(status: 200, body: view(updated))
        default: throw APIError.methodNotAllowed()
        }
    }

    private func parseBody(_ request: APIRequest) throws(APIError) -> JSON {
        let media = request.contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard media.isEmpty || media == "application/json" || media.hasSuffix("+json") else {
            throw APIError.unsupportedMediaType(media)
        }
        do { return try JSONParser.parse(request.body) } catch {
            throw APIError.badRequest("error decoding body: \(error)")
        }
    }

    private func listOptions(_ q: [String: String]) throws(APIError) -> ListOptions {
        var options = ListOptions()
        if let s = q["labelSelector"], !s.isEmpty { options.labelSelector = try LabelSelector(parsing: s) }
        if let s = q["fieldSelector"], !s.isEmpty { options.fieldSelector = try FieldSelector(parsing: s) }
        if let s = q["limit"] { options.limit = Int(s) }
        options.continueToken = q["continue"]
        return options
    }

    private func watchRequest(_ type: ResourceType, namespace: String?, _ q: [String: String]) throws(APIError) -> WatchRequest {
        let options = try listOptions(q)
        let initial = q["sendInitialEvents"] == "true"
        var rv: Int64?
        if let s = q["resourceVersion"], !s.isEmpty {
            guard let parsed = Int64(s) else { throw APIError.badRequest("invalid resource version: \(s)") }
            rv = parsed
        }
        // Clamped so a huge value cannot overflow the timer arithmetic.
        let timeout = min(q["timeoutSeconds"].flatMap { Int64($0) } ?? 1800, 86_400)
        return WatchRequest(typeID: type.qualifiedPlural, namespace: type.namespaced ? namespace : nil, fieldSelector: options.fieldSelector,
                            labelSelector: options.labelSelector, resourceVersion: rv, bookmarks: q["allowWatchBookmarks"] == "true",
                            initialEvents: initial, timeoutSeconds: max(1, timeout), table: nil)
    }
}
