import KubeClient
/// Just enough OpenAPI v3 for kubectl: one document per group-version whose PATCH operations
/// carry `x-kubernetes-group-version-kind` and a `fieldValidation` parameter, so kubectl trusts
/// the server to validate (`fieldValidation=Strict`) instead of needing full schemas. Custom
/// resources' schemas are published as the API server publishes them (named by the reversed
/// group, version and kind, with apiVersion, kind and metadata added), so clients that validate
/// against the cluster's OpenAPI (`tarsctl validate --from-cluster`) see the CRD's rules.
struct OpenAPI {
    let cluster: Cluster

    func handle(segments: [String], query: [String: String]) throws(APIError) -> APIResponse {
        guard segments.first == "v3" else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        let types = cluster.servedTypes
        var byGV: [String: [ResourceType]] = [:]
        for type in types { byGV[String(type.groupVersionPath.dropFirst()), default: []].append(type) }
        if segments.count == 1 {
            var paths: [String: JSON] = [:]
            for (gv, list) in byGV {
                paths[gv] = ["serverRelativeURL": .string("/openapi/v3/\(gv)?hash=\(Self.hash(list))")]
            }
            return .json(status: 200, body: ["paths": .object(paths)])
        }
        let gv = segments.dropFirst().joined(separator: "/")
        guard let list = byGV[gv] else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        return .json(status: 200, body: document(list))
    }

    static func hash(_ types: [ResourceType]) -> String {
        let text = types.map { "\($0.qualifiedPlural)/\($0.version)/\($0.kind)/\($0.namespaced)" }.sorted().joined(separator: ",")
        var h: UInt64 = 0xcbf29ce484222325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16, uppercase: true)
    }

    private func document(_ types: [ResourceType]) -> JSON {
        var paths: [String: JSON] = [:]
        var schemas: [String: JSON] = [:]
        let queryParameter = { (name: String) -> JSON in ["name": .string(name), "in": "query", "schema": ["type": "string"], "uniqueItems": true] }
        for type in types {
            let gvk: JSON = ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]
            let base = type.namespaced ? "\(type.groupVersionPath)/namespaces/{namespace}/\(type.plural)" : "\(type.groupVersionPath)/\(type.plural)"
            let patch: JSON = [
                "operationId": .string("patch\(type.kind)"),
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": gvk,
                "parameters": .array(["dryRun", "fieldManager", "fieldValidation", "force"].map(queryParameter)),
                "responses": ["200": ["description": "OK"], "201": ["description": "Created"]],
            ]
            let get: JSON = ["operationId": .string("read\(type.kind)"), "x-kubernetes-action": "get", "x-kubernetes-group-version-kind": gvk,
                             "responses": ["200": ["description": "OK"]]]
            paths["\(base)/{name}"] = ["get": get, "patch": patch]
            if case .object(var schema)? = cluster.customSchema(for: type) {
                var properties = schema["properties"]?.objectValue ?? [:]
                properties["apiVersion"] = properties["apiVersion"] ?? ["type": "string"]
                properties["kind"] = properties["kind"] ?? ["type": "string"]
                properties["metadata"] = properties["metadata"] ?? ["type": "object"]
                schema["properties"] = .object(properties)
                schema["x-kubernetes-group-version-kind"] = [gvk]
                schemas[Self.schemaName(type)] = .object(schema)
            }
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": .string(SandboxVersion.gitVersion)], "paths": .object(paths),
                "components": ["schemas": .object(schemas)]]
    }

    /// `stable.example.com`, `v1`, `CronTab` → `com.example.stable.v1.CronTab`, the API server's name.
    static func schemaName(_ type: ResourceType) -> String {
        (type.group.split(separator: ".").reversed().map(String.init) + [type.version, type.kind]).joined(separator: ".")
    }
}
