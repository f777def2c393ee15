import KubeClient
/// Legacy (`APIVersions`, `APIGroupList`, `APIResourceList`) and aggregated (`apidiscovery.k8s.io/v2`) discovery.
struct Discovery {
    let cluster: Cluster
    let serverAddress: String

    static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    static let allCategory: Set<String> = ["pods", "services", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs", "horizontalpodautoscalers"]

    static var version: JSON {
        ["major": .string(SandboxVersion.major), "minor": .string(SandboxVersion.minor), "gitVersion": .string(SandboxVersion.gitVersion),
         "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z",
         "goVersion": "go1.23.6", "compiler": "gc", "platform": "linux/amd64"]
    }

    private var groups: [(name: String, versions: [String: [ResourceType]])] {
        var byGroup: [String: [String: [ResourceType]]] = [:]
        for type in cluster.servedTypes { byGroup[type.group, default: [:]][type.version, default: []].append(type) }
        return byGroup.keys.sorted().map { ($0, byGroup[$0] ?? [:]) }
    }

    func legacyRoot(accept: String) -> APIResponse {
        if accept.contains("as=APIGroupDiscoveryList") {
            return .json(status: 200, body: aggregated(groups.filter { $0.name.isEmpty }), contentType: Self.aggregatedContentType)
        }
        return .json(status: 200, body: ["kind": "APIVersions", "versions": ["v1"],
                                         "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]]])
    }

    func groupsRoot(accept: String) -> APIResponse {
        let named = groups.filter { !$0.name.isEmpty }
        if accept.contains("as=APIGroupDiscoveryList") {
            return .json(status: 200, body: aggregated(named), contentType: Self.aggregatedContentType)
        }
        return .json(status: 200, body: ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(named.map { groupObject($0.name, Array($0.versions.keys)) })])
    }

    func group(_ name: String) throws(APIError) -> APIResponse {
        guard let group = groups.first(where: { $0.name == name && !name.isEmpty }) else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        var object = groupObject(name, Array(group.versions.keys))
        object["kind"] = "APIGroup"
        object["apiVersion"] = "v1"
        return .json(status: 200, body: object)
    }

    private func groupObject(_ name: String, _ versions: [String]) -> JSON {
        let sorted = versions.sorted()
        let list: [JSON] = sorted.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return ["name": .string(name), "versions": .array(list), "preferredVersion": list.last ?? .null]
    }

    func resourceList(group: String, version: String) throws(APIError) -> APIResponse {
        let types = cluster.servedTypes.filter { $0.group == group && $0.version == version }.sorted { $0.plural < $1.plural }
        guard !types.isEmpty else { throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource") }
        var resources: [JSON] = []
        for type in types {
            var entry: JSON = ["name": .string(type.plural), "singularName": .string(type.singular), "namespaced": .bool(type.namespaced),
                               "kind": .string(type.kind), "verbs": .array(type.verbs.map(JSON.string))]
            if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map(JSON.string)) }
            if Self.allCategory.contains(type.plural) && !type.isCustom { entry["categories"] = ["all"] }
            resources.append(entry)
            if type.hasStatus {
                resources.append(["name": .string("\(type.plural)/status"), "singularName": "", "namespaced": .bool(type.namespaced),
                                  "kind": .string(type.kind), "verbs": ["get", "patch", "update"]])
            }
            if ["deployments", "statefulsets", "replicasets"].contains(type.plural) && type.group == "apps" {
                resources.append(["name": .string("\(type.plural)/scale"), "singularName": "", "namespaced": true, "group": "autoscaling",
                                  "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]])
            }
        }
        return .json(status: 200, body: ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(types[0].apiVersion), "resources": .array(resources)])
    }

    private func aggregated(_ groups: [(name: String, versions: [String: [ResourceType]])]) -> JSON {
        let items: [JSON] = groups.map { group in
            let versions: [JSON] = group.versions.keys.sorted().reversed().map { version in
                let resources: [JSON] = (group.versions[version] ?? []).sorted { $0.plural < $1.plural }.map { type in
                    let responseKind: JSON = ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]
                    var entry: JSON = ["resource": .string(type.plural), "responseKind": responseKind, "scope": .string(type.namespaced ? "Namespaced" : "Cluster"),
                                       "singularResource": .string(type.singular), "verbs": .array(type.verbs.map(JSON.string))]
                    if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map(JSON.string)) }
                    if Self.allCategory.contains(type.plural) && !type.isCustom { entry["categories"] = ["all"] }
                    var subresources: [JSON] = []
                    if type.hasStatus { subresources.append(["subresource": "status", "responseKind": responseKind, "verbs": ["get", "patch", "update"]]) }
                    if ["deployments", "statefulsets", "replicasets"].contains(type.plural) && type.group == "apps" {
                        subresources.append(["subresource": "scale", "responseKind": ["group": "autoscaling", "version": "v1", "kind": "Scale"], "verbs": ["get", "patch", "update"]])
                    }
                    if !subresources.isEmpty { entry["subresources"] = .array(subresources) }
                    return entry
                }
                return ["version": .string(version), "resources": .array(resources), "freshness": "Current"]
            }
            return ["metadata": ["name": .string(group.name), "creationTimestamp": .null], "versions": .array(versions)]
        }
        return ["kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": .object([:]), "items": .array(items)]
    }
}
