import KubeClient
import Foundation

/// Options of a LIST.
public struct ListOptions: Sendable {
    public var labelSelector: LabelSelector?
    public var fieldSelector: FieldSelector?
    public var limit: Int?
    public var continueToken: String?

    public init(labelSelector: LabelSelector? = nil, fieldSelector: FieldSelector? = nil, limit: Int? = nil, continueToken: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
    }
}

extension Cluster {
    public func get(_ type: ResourceType, namespace: String, name: String) throws(APIError) -> JSON {
        try withLock { () throws(APIError) -> JSON in
            guard let object = lockedGet(type, namespace: namespace, name: name) else { throw APIError.notFound(type, name) }
            return object
        }
    }

    /// LIST: `{kind: <Kind>List, metadata: {resourceVersion, continue?}, items}` sorted by namespace/name.
    /// `namespace` nil lists across all namespaces.
    public func list(_ type: ResourceType, namespace: String?, options: ListOptions) throws(APIError) -> JSON {
        try withLock { () throws(APIError) -> JSON in
            var after: String?
            if let token = options.continueToken, !token.isEmpty {
                guard let data = Data(base64Encoded: token), let decoded = String(data: data, encoding: .utf8) else {
                    throw APIError.badRequest("continue key is not valid: illegal base64 data")
                }
                after = decoded
            }
            let all = objects[type.qualifiedPlural] ?? [:]
            // Narrowed before sorting: a namespaced LIST (what clients send most) sorts only its
            // namespace's keys, not every object of the type in the cluster, under the lock.
            var keys = Array(all.keys)
            if let namespace {
                let prefix = namespace + "/"
                keys = keys.filter { $0.hasPrefix(prefix) }
            }
            if let after { keys = keys.filter { $0 > after } }
            keys.sort()
            var items: [JSON] = []
            var next: String?
            for key in keys {
                guard let object = all[key] else { continue }
                let ns = object[path: ["metadata", "namespace"]]?.stringValue ?? ""
                let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
                if let fs = options.fieldSelector, !fs.matches(namespace: ns, name: name) { continue }
                if let ls = options.labelSelector, !ls.matches(object[path: ["metadata", "labels"]]?.objectValue ?? [:]) { continue }
                if let limit = options.limit, limit > 0, items.count >= limit {
                    next = items.last?.nameKey
                    break
                }
                items.append(object)
            }
            var metadata: JSON = ["resourceVersion": .string(String(resourceVersion))]
            if let next { metadata["continue"] = .string(Data(next.utf8).base64EncodedString()) }
            return ["kind": .string(type.kind + "List"), "apiVersion": .string(type.apiVersion), "metadata": metadata, "items": .array(items)]
        }
    }

    public var currentResourceVersion: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return resourceVersion
    }
}
