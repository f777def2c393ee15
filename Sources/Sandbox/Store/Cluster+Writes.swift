import KubeClient
import Foundation

extension Cluster {
    /// POST: creates an object; 201 with the stored object.
    public func create(_ type: ResourceType, namespace: String, body: JSON, options: WriteOptions) throws(APIError) -> JSON {
        try withLock { () throws(APIError) -> JSON in try lockedCreate(type, namespace: namespace, body: body, options: options, manager: options.fieldManager ?? "unknown", operation: "Update") }
    }

    func lockedCreate(_ type: ResourceType, namespace: String, body: JSON, options: WriteOptions, manager: String, operation: String) throws(APIError) -> JSON {
        guard case .object = body else { throw APIError.badRequest("the body of the request must be a JSON object") }
        try checkKind(type, body)
        var object = body
        var name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if name.isEmpty, let prefix = object[path: ["metadata", "generateName"]]?.stringValue, !prefix.isEmpty {
            name = prefix + String(uidSource().lazy.filter { $0 != "-" }.prefix(5))
            object[path: ["metadata", "name"]] = .string(name)
        }
        guard !name.isEmpty else {
            throw APIError.invalid(type, "", [.init(reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name")])
        }
        try Validation.validate(type, object, name: name)
        if type.namespaced {
            if let bodyNamespace = object[path: ["metadata", "namespace"]]?.stringValue, !bodyNamespace.isEmpty, bodyNamespace != namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let ns = lockedNamespaceExists(namespace) else { throw APIError.namespaceNotFound(namespace) }
            if ns[path: ["metadata", "deletionTimestamp"]] != nil {
                throw APIError.forbiddenTerminating(type, name, namespace: namespace)
            }
            object[path: ["metadata", "namespace"]] = .string(namespace)
        } else {
            object[path: ["metadata", "namespace"]] = nil
        }
        if lockedGet(type, namespace: type.namespaced ? namespace : "", name: name) != nil {
            throw APIError.alreadyExists(type, name)
        }
        let now = Cluster.timestamp()
        object[path: ["metadata", "uid"]] = .string(uidSource())
        object[path: ["metadata", "creationTimestamp"]] = .string(now)
        object[path: ["metadata", "generation"]] = type.isCustom || object["spec"] != nil ? 1 : nil
        object[path: ["metadata", "managedFields"]] = nil
        object[path: ["metadata", "deletionTimestamp"]] = nil
        object["apiVersion"] = .string(type.apiVersion)
        object["kind"] = .string(type.kind)
        if type.hasStatus && type.plural != "pods" { object["status"] = nil }
        lockedDefault(type, &object)
        if operation == "Update" {
            ManagedFields.recordUpdate(old: nil, new: &object, manager: manager, apiVersion: type.apiVersion, time: now, subresource: "", custom: type.isCustom)
        }
        if options.dryRun {
            object[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
            return object
        }
        return lockedCommit(type, namespace: type.namespaced ? namespace : "", name: name, object: object, event: "ADDED")
    }

    func checkKind(_ type: ResourceType, _ body: JSON) throws(APIError) {
        if let apiVersion = body["apiVersion"]?.stringValue, apiVersion != type.apiVersion {
            throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(type.apiVersion))")
        }
        if let kind = body["kind"]?.stringValue, kind != type.kind {
            throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(type.kind))")
        }
    }

    /// PUT: replaces an object; a stale `metadata.resourceVersion` is a 409 Conflict.
    public func update(_ type: ResourceType, namespace: String, name: String, body: JSON, options: WriteOptions) throws(APIError) -> JSON {
        try withLock { () throws(APIError) -> JSON in
            guard let old = lockedGet(type, namespace: namespace, name: name) else { throw APIError.notFound(type, name) }
            guard case .object = body else { throw APIError.badRequest("the body of the request must be a JSON object") }
            try checkKind(type, body)
            if let bodyName = body[path: ["metadata", "name"]]?.stringValue, bodyName != name {
                throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
            }
            if let rv = body[path: ["metadata", "resourceVersion"]]?.stringValue, !rv.isEmpty,
                rv != old[path: ["metadata", "resourceVersion"]]?.stringValue
            {
                throw APIError.conflict(type, name)
            }
            return try lockedReplace(type, namespace: namespace, name: name, old: old, new: body, options: options, managerOperation: "Update")
        }
    }

    /// Stores `new` in place of `old`, keeping what a write to this (sub)resource may not change.
    func lockedReplace(_ type: ResourceType, namespace: String, name: String, old: JSON, new: JSON, options: WriteOptions, managerOperation: String) throws(APIError) -> JSON {
        var object = new
        let isStatus = options.subresource == "status"
        if isStatus {
            var merged = old
            merged["status"] = new["status"]
            merged[path: ["metadata", "managedFields"]] = new[path: ["metadata", "managedFields"]]
            object = merged
        } else if type.hasStatus {
            object["status"] = old["status"]
        }
        // Immutable and server-owned metadata.
        for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
            object[path: ["metadata", field]] = old[path: ["metadata", field]]
        }
        object[path: ["metadata", "name"]] = .string(name)
        if type.namespaced { object[path: ["metadata", "namespace"]] = .string(namespace) }
        object["apiVersion"] = .string(type.apiVersion)
        object["kind"] = .string(type.kind)
        if !isStatus {
            try Validation.validate(type, object, name: name)
            lockedDefault(type, &object)
            if old[path: ["metadata", "generation"]] != nil, Self.specChanged(old, object) {
                object[path: ["metadata", "generation"]] = .int((old[path: ["metadata", "generation"]]?.intValue ?? 1) + 1)
            }
        }
        if managerOperation == "Update" {
            if options.subresource.isEmpty || isStatus {
                object[path: ["metadata", "managedFields"]] = old[path: ["metadata", "managedFields"]]
            }
            ManagedFields.recordUpdate(old: old, new: &object, manager: options.fieldManager ?? "unknown", apiVersion: type.apiVersion, time: Cluster.timestamp(), subresource: options.subresource, custom: type.isCustom)
        }
        object[path: ["metadata", "resourceVersion"]] = old[path: ["metadata", "resourceVersion"]]
        if Self.equalIgnoringTimes(object, old) { return old }
        let finalizers = object[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        let deleting = object[path: ["metadata", "deletionTimestamp"]] != nil
        if options.dryRun { return object }
        if deleting && finalizers.isEmpty && type.plural != "namespaces" {
            return lockedCommit(type, namespace: namespace, name: name, object: object, event: "DELETED")
        }
        return lockedCommit(type, namespace: namespace, name: name, object: object, event: "MODIFIED")
    }

    static func specChanged(_ a: JSON, _ b: JSON) -> Bool {
        var x = a.objectValue ?? [:]
        var y = b.objectValue ?? [:]
        for k in ["metadata", "status", "apiVersion", "kind"] { x[k] = nil; y[k] = nil }
        return x != y
    }

    /// Equal apart from managedFields timestamps: a no-op write must not bump the resourceVersion.
    static func equalIgnoringTimes(_ a: JSON, _ b: JSON) -> Bool {
        func strip(_ o: JSON) -> JSON {
            var o = o
            if let entries = o[path: ["metadata", "managedFields"]]?.arrayValue {
                o[path: ["metadata", "managedFields"]] = .array(entries.map { var e = $0; e["time"] = nil; return e })
            }
            return o
        }
        return strip(a) == strip(b)
    }

    /// PATCH in any of the four patch types. Returns the object and whether an apply created it.
    public func patch(_ type: ResourceType, namespace: String, name: String, contentType: String, body: [UInt8], options: WriteOptions) throws(APIError) -> (JSON, created: Bool) {
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let patch: JSON
        do { patch = try JSONParser.parse(body) } catch {
            throw APIError.badRequest(media == "application/apply-patch+yaml"
                ? "error decoding YAML: the sandbox accepts apply configurations written as JSON: \(error)"
                : "error decoding patch: \(error)")
        }
        return try withLock { () throws(APIError) -> (JSON, created: Bool) in
            let old = lockedGet(type, namespace: namespace, name: name)
            switch media {
            case "application/apply-patch+yaml":
                return try lockedApply(type, namespace: namespace, name: name, applied: patch, live: old, options: options)
            case "application/merge-patch+json", "application/strategic-merge-patch+json", "application/json-patch+json":
                guard let old else { throw APIError.notFound(type, name) }
                let patched: JSON
                if media == "application/merge-patch+json" {
                    patched = MergePatch.apply(patch, to: old)
                } else if media == "application/json-patch+json" {
                    patched = try JSONPatch.apply(patch, to: old)
                } else {
                    guard !type.isCustom else { throw APIError.unsupportedMediaType(media) }
                    guard case .object = patch else { throw APIError.badRequest("strategic merge patch must be a JSON object") }
                    patched = StrategicMergePatch.apply(patch, to: old)
                }
                if let rv = patched[path: ["metadata", "resourceVersion"]]?.stringValue, !rv.isEmpty,
                    rv != old[path: ["metadata", "resourceVersion"]]?.stringValue
                {
                    throw APIError.conflict(type, name)
                }
                var new = patched
                // managedFields may be rewritten only by a patch that names them (kubectl's migration).
                let touchesManagedFields = patched[path: ["metadata", "managedFields"]] != old[path: ["metadata", "managedFields"]]
                if touchesManagedFields {
                    new[path: ["metadata", "resourceVersion"]] = old[path: ["metadata", "resourceVersion"]]
                    let result = try lockedReplace(type, namespace: namespace, name: name, old: old, new: new, options: options, managerOperation: "None")
                    return (result, false)
                }
                new[path: ["metadata", "resourceVersion"]] = old[path: ["metadata", "resourceVersion"]]
                return (try lockedReplace(type, namespace: namespace, name: name, old: old, new: new, options: options, managerOperation: "Update"), false)
            default:
                throw APIError.unsupportedMediaType(media)
            }
        }
    }

    func lockedApply(_ type: ResourceType, namespace: String, name: String, applied: JSON, live: JSON?, options: WriteOptions) throws(APIError) -> (JSON, created: Bool) {
        guard case .object = applied else { throw APIError.badRequest("apply configuration must be an object") }
        guard let manager = options.fieldManager, !manager.isEmpty else {
            throw APIError(code: 422, reason: "Invalid", message: "PATCH \(type.plural) \"\(name)\" is invalid: fieldManager: Required value: is required for apply patch")
        }
        if applied[path: ["metadata", "managedFields"]] != nil {
            throw APIError.badRequest("metadata.managedFields must be nil")
        }
        guard applied["apiVersion"]?.stringValue == type.apiVersion else {
            throw APIError.badRequest("the API version in the data (\(applied["apiVersion"]?.stringValue ?? "")) does not match the expected API version (\(type.apiVersion))")
        }
        guard applied["kind"]?.stringValue == type.kind else {
            throw APIError.badRequest("the kind in the data (\(applied["kind"]?.stringValue ?? "")) does not match the expected kind (\(type.kind))")
        }
        if let bodyName = applied[path: ["metadata", "name"]]?.stringValue, bodyName != name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        let ssa = ServerSideApply(manager: manager, force: options.force, apiVersion: type.apiVersion, time: Cluster.timestamp(), subresource: options.subresource, custom: type.isCustom)
        let outcome = ssa.apply(applied, to: live)
        if !outcome.conflicts.isEmpty { throw ServerSideApply.conflictError(outcome.conflicts, type: type, name: name) }
        if let live {
            if let rv = applied[path: ["metadata", "resourceVersion"]]?.stringValue, rv != live[path: ["metadata", "resourceVersion"]]?.stringValue {
                throw APIError.conflict(type, name)
            }
            return (try lockedReplace(type, namespace: namespace, name: name, old: live, new: outcome.object, options: options, managerOperation: "Apply"), false)
        }
        guard options.subresource.isEmpty else { throw APIError.notFound(type, name) }
        var object = outcome.object
        object[path: ["metadata", "name"]] = .string(name)
        let managed = object[path: ["metadata", "managedFields"]]
        object[path: ["metadata", "managedFields"]] = nil
        // Create, then put the apply ownership back (create drops client-sent managedFields).
        let created = try lockedCreateKeepingFields(type, namespace: namespace, body: object, managed: managed, options: options)
        return (created, true)
    }

    private func lockedCreateKeepingFields(_ type: ResourceType, namespace: String, body: JSON, managed: JSON?, options: WriteOptions) throws(APIError) -> JSON {
        var dry = options
        dry.dryRun = true
        var object = try lockedCreate(type, namespace: namespace, body: body, options: dry, manager: options.fieldManager ?? "", operation: "Apply")
        object[path: ["metadata", "managedFields"]] = managed
        if options.dryRun { return object }
        return lockedCommit(type, namespace: type.namespaced ? namespace : "", name: object[path: ["metadata", "name"]]?.stringValue ?? "", object: object, event: "ADDED")
    }

    /// DELETE: removes the object, or marks it with a deletionTimestamp while finalizers remain.
    public func delete(_ type: ResourceType, namespace: String, name: String, propagation: PropagationPolicy?, options: WriteOptions) throws(APIError) -> JSON {
        try withLock { () throws(APIError) -> JSON in
            try lockedDelete(type, namespace: namespace, name: name, propagation: propagation, dryRun: options.dryRun)
        }
    }

    func lockedDelete(_ type: ResourceType, namespace: String, name: String, propagation: PropagationPolicy?, dryRun: Bool) throws(APIError) -> JSON {
        guard var object = lockedGet(type, namespace: namespace, name: name) else { throw APIError.notFound(type, name) }
        if dryRun { return object }
        if propagation == .orphan, let uid = object[path: ["metadata", "uid"]]?.stringValue {
            lockedOrphanDependents(of: uid)
        }
        let finalizers = object[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        if type.plural == "namespaces" && type.group.isEmpty {
            guard object[path: ["metadata", "deletionTimestamp"]] == nil else { return object }
            object[path: ["metadata", "deletionTimestamp"]] = .string(Cluster.timestamp())
            object[path: ["status", "phase"]] = "Terminating"
            return lockedCommit(type, namespace: "", name: name, object: object, event: "MODIFIED")
        }
        if !finalizers.isEmpty {
            guard object[path: ["metadata", "deletionTimestamp"]] == nil else { return object }
            object[path: ["metadata", "deletionTimestamp"]] = .string(Cluster.timestamp())
            object[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
            return lockedCommit(type, namespace: namespace, name: name, object: object, event: "MODIFIED")
        }
        return lockedCommit(type, namespace: namespace, name: name, object: object, event: "DELETED")
    }

    func lockedOrphanDependents(of uid: String) {
        for (typeID, byKey) in objects {
            guard let type = types[typeID] else { continue }
            for (_, object) in byKey {
                guard let refs = object[path: ["metadata", "ownerReferences"]]?.arrayValue, refs.contains(where: { $0["uid"]?.stringValue == uid }) else { continue }
                var updated = object
                let remaining = refs.filter { $0["uid"]?.stringValue != uid }
                updated[path: ["metadata", "ownerReferences"]] = remaining.isEmpty ? nil : .array(remaining)
                lockedCommit(type, namespace: object[path: ["metadata", "namespace"]]?.stringValue ?? "", name: object[path: ["metadata", "name"]]?.stringValue ?? "", object: updated, event: "MODIFIED")
            }
        }
    }
}
