import KubeClient
/// One `metadata.managedFields` entry: which manager owns which fields, through which operation.
struct ManagedFieldsEntry: Equatable {
    var manager: String
    var operation: String
    var apiVersion: String
    var time: String
    var subresource: String
    var paths: Set<FieldPath>

    init(manager: String, operation: String, apiVersion: String, time: String, subresource: String, paths: Set<FieldPath>) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.subresource = subresource
        self.paths = paths
    }

    init?(json: JSON) {
        guard let manager = json["manager"]?.stringValue else { return nil }
        self.manager = manager
        operation = json["operation"]?.stringValue ?? "Update"
        apiVersion = json["apiVersion"]?.stringValue ?? ""
        time = json["time"]?.stringValue ?? ""
        subresource = json["subresource"]?.stringValue ?? ""
        paths = FieldPaths.paths(fromTree: json["fieldsV1"] ?? .object([:]))
    }

    var json: JSON {
        var fields: [String: JSON] = [
            "manager": .string(manager), "operation": .string(operation), "apiVersion": .string(apiVersion),
            "time": .string(time), "fieldsType": "FieldsV1", "fieldsV1": FieldPaths.tree(paths),
        ]
        if !subresource.isEmpty { fields["subresource"] = .string(subresource) }
        return .object(fields)
    }

    func sameOwner(_ other: ManagedFieldsEntry) -> Bool {
        manager == other.manager && operation == other.operation && subresource == other.subresource
    }
}

enum ManagedFields {
    static func read(_ object: JSON) -> [ManagedFieldsEntry] {
        (object[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap(ManagedFieldsEntry.init(json:))
    }

    static func write(_ entries: [ManagedFieldsEntry], into object: inout JSON) {
        let kept = entries.filter { !$0.paths.isEmpty }
        object[path: ["metadata", "managedFields"]] = kept.isEmpty ? nil : .array(kept.map(\.json))
    }

    /// Records a non-apply write: the manager takes every field whose value changed, other
    /// managers lose those fields, and removed fields leave every owner.
    static func recordUpdate(old: JSON?, new: inout JSON, manager: String, apiVersion: String, time: String, subresource: String, custom: Bool) {
        var entries = old.map(read) ?? []
        let statusOnly = subresource == "status"
        let newPaths = FieldPaths.paths(of: new, statusOnly: statusOnly, custom: custom)
        let oldPaths = old.map { FieldPaths.paths(of: $0, statusOnly: statusOnly, custom: custom) } ?? []
        var changed = Set<FieldPath>()
        for p in newPaths where !oldPaths.contains(p) || FieldPaths.value(at: p, in: old ?? .null) != FieldPaths.value(at: p, in: new) {
            changed.insert(p)
        }
        let removed = oldPaths.subtracting(newPaths)
        for i in entries.indices {
            entries[i].paths.subtract(removed)
            if entries[i].manager != manager || entries[i].operation != "Update" { entries[i].paths.subtract(changed) }
        }
        if !changed.isEmpty {
            if let i = entries.firstIndex(where: { $0.manager == manager && $0.operation == "Update" && $0.subresource == subresource }) {
                entries[i].paths.formUnion(changed)
                entries[i].time = time
            } else {
                entries.append(ManagedFieldsEntry(manager: manager, operation: "Update", apiVersion: apiVersion, time: time, subresource: subresource, paths: changed))
            }
        }
        write(entries, into: &new)
    }
}
