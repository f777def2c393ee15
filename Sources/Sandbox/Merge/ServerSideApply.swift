import KubeClient
/// Server-side apply: merges an applied configuration into the live object, tracking which
/// manager owns which field and refusing to overwrite another manager's value unless forced.
struct ServerSideApply {
    var manager: String
    var force: Bool
    var apiVersion: String
    var time: String
    var subresource: String
    var custom: Bool

    struct Conflict {
        var manager: String
        var apiVersion: String
        var path: FieldPath
    }

    struct Outcome {
        var object: JSON
        var conflicts: [Conflict]
    }

    func apply(_ applied: JSON, to live: JSON?) -> Outcome {
        let statusOnly = subresource == "status"
        let appliedPaths = FieldPaths.paths(of: applied, statusOnly: statusOnly, custom: custom)
        var entries = live.map(ManagedFields.read) ?? []
        let base = live ?? .object([:])

        var conflicts: [Conflict] = []
        var conflicted = Set<FieldPath>()
        for entry in entries where !(entry.manager == manager && entry.operation == "Apply") && entry.subresource == subresource {
            for p in entry.paths.intersection(appliedPaths) where p.last != "." {
                if FieldPaths.value(at: p, in: base) != FieldPaths.value(at: p, in: applied) {
                    conflicts.append(Conflict(manager: entry.manager, apiVersion: entry.apiVersion, path: p))
                    conflicted.insert(p)
                }
            }
        }
        if !conflicts.isEmpty && !force { return Outcome(object: base, conflicts: conflicts) }

        var merged = merge(base, applied, field: "")
        // Fields this manager applied before and dropped now go away unless someone else owns them.
        let previous = entries.first { $0.manager == manager && $0.operation == "Apply" && $0.subresource == subresource }?.paths ?? []
        let ownedByOthers = entries.filter { !($0.manager == manager && $0.operation == "Apply") }.reduce(into: Set<FieldPath>()) { $0.formUnion($1.paths) }
        for p in previous.subtracting(appliedPaths).subtracting(ownedByOthers).sorted(by: { $0.count > $1.count }) {
            FieldPaths.remove(p, from: &merged)
        }
        for i in entries.indices where !(entries[i].manager == manager && entries[i].operation == "Apply") {
            entries[i].paths.subtract(conflicted)
        }
        if let i = entries.firstIndex(where: { $0.manager == manager && $0.operation == "Apply" && $0.subresource == subresource }) {
            if entries[i].paths != appliedPaths { entries[i].time = time }
            entries[i].paths = appliedPaths
        } else {
            entries.append(ManagedFieldsEntry(manager: manager, operation: "Apply", apiVersion: apiVersion, time: time, subresource: subresource, paths: appliedPaths))
        }
        ManagedFields.write(entries, into: &merged)
        return Outcome(object: merged, conflicts: [])
    }

    /// Structural merge: maps field by field, keyed lists by key, sets by value, the rest replaced.
    private func merge(_ live: JSON, _ applied: JSON, field: String) -> JSON {
        switch (live, applied) {
        case (.object(var liveFields), .object(let appliedFields)):
            for (k, v) in appliedFields {
                if field == "" && k == "metadata" {
                    liveFields[k] = merge(liveFields[k] ?? .object([:]), v, field: k)
                } else if let existing = liveFields[k] {
                    liveFields[k] = merge(existing, v, field: k)
                } else {
                    liveFields[k] = v
                }
            }
            return .object(liveFields)
        case (.array(let liveItems), .array(let appliedItems)):
            switch ListSchema.kind(field: field, items: liveItems + appliedItems, forApply: true, custom: custom) {
            case .atomic: return applied
            case .set:
                var out = appliedItems
                for item in liveItems where !out.contains(item) { out.append(item) }
                return .array(out)
            case .keyed(let keys):
                var out: [JSON] = []
                for item in appliedItems {
                    if let existing = liveItems.first(where: { ListSchema.sameKey($0, item, keys: keys) }) {
                        out.append(merge(existing, item, field: field))
                    } else {
                        out.append(item)
                    }
                }
                for item in liveItems where !out.contains(where: { ListSchema.sameKey($0, item, keys: keys) }) { out.append(item) }
                return .array(out)
            }
        default:
            return applied
        }
    }

    /// `Apply failed with 1 conflict: conflict with "helm" using v1: .data.a`, as the API server words it.
    static func conflictError(_ conflicts: [Conflict], type: ResourceType, name: String) -> APIError {
        let count = conflicts.count
        let message: String
        if count == 1, let c = conflicts.first {
            message = "Apply failed with 1 conflict: conflict with \"\(c.manager)\" using \(c.apiVersion): \(FieldPaths.describe(c.path))"
        } else {
            let byManager = Dictionary(grouping: conflicts, by: \.manager)
            let parts = byManager.keys.sorted().map { m -> String in
                let list = (byManager[m] ?? []).map { "- \(FieldPaths.describe($0.path))" }.sorted().joined(separator: "\n")
                return "conflicts with \"\(m)\" using \(byManager[m]?.first?.apiVersion ?? ""):\n\(list)"
            }
            message = "Apply failed with \(count) conflicts: " + parts.joined(separator: "\n")
        }
        let causes = conflicts.map {
            APIError.Cause(reason: "FieldManagerConflict", message: "conflict with \"\($0.manager)\" using \($0.apiVersion)", field: FieldPaths.describe($0.path))
        }
        return APIError(code: 409, reason: "Conflict", message: message, name: name, group: type.group, kind: type.plural, causes: causes)
    }
}
