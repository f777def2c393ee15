import KubeClient
/// JSON merge patch (RFC 7386): objects merge, `null` deletes, everything else replaces.
enum MergePatch {
    static func apply(_ patch: JSON, to original: JSON) -> JSON {
        guard case .object(let patchFields) = patch else { return patch }
        var result = original.objectValue ?? [:]
        for (k, v) in patchFields {
            if v.isNull {
                result[k] = nil
            } else {
                result[k] = apply(v, to: result[k] ?? .null)
            }
        }
        return .object(result)
    }
}

/// Strategic merge patch as kubectl's client-side apply sends it: maps merge, `null` deletes, lists
/// with a merge key merge by key, and the `$patch`, `$setElementOrder`, `$retainKeys` and
/// `$deleteFromPrimitiveList` directives.
enum StrategicMergePatch {
    static func apply(_ patch: JSON, to original: JSON, field: String = "") -> JSON {
        guard case .object(let patchFields) = patch else { return stripDirectives(patch) }
        if patchFields["$patch"]?.stringValue == "replace" {
            var replaced = patchFields
            replaced["$patch"] = nil
            return stripDirectives(.object(replaced))
        }
        var result = original.objectValue ?? [:]
        if let retain = patchFields["$retainKeys"]?.arrayValue {
            let keep = Set(retain.compactMap(\.stringValue))
            result = result.filter { keep.contains($0.key) }
        }
        var orders: [String: [JSON]] = [:]
        for (k, v) in patchFields {
            if k == "$patch" || k == "$retainKeys" { continue }
            if k.hasPrefix("$setElementOrder/") {
                orders[String(k.dropFirst("$setElementOrder/".count))] = v.arrayValue ?? []
                continue
            }
            if k.hasPrefix("$deleteFromPrimitiveList/") {
                let name = String(k.dropFirst("$deleteFromPrimitiveList/".count))
                let remove = v.arrayValue ?? []
                if let items = result[name]?.arrayValue { result[name] = .array(items.filter { !remove.contains($0) }) }
                continue
            }
            if v.isNull {
                result[k] = nil
            } else if case .object = v, v["$patch"]?.stringValue == "delete" {
                result[k] = nil
            } else if case .object = v {
                result[k] = apply(v, to: result[k] ?? .object([:]), field: k)
            } else if case .array(let patchItems) = v {
                result[k] = mergeList(result[k]?.arrayValue ?? [], patchItems, field: k)
            } else {
                result[k] = stripDirectives(v)
            }
        }
        for (name, order) in orders {
            guard let items = result[name]?.arrayValue else { continue }
            result[name] = .array(reorder(items, by: order, field: name))
        }
        return .object(result)
    }

    private static func mergeList(_ original: [JSON], _ patch: [JSON], field: String) -> JSON {
        let all = original + patch
        switch ListSchema.kind(field: field, items: all, forApply: false, custom: false) {
        case .atomic:
            return .array(patch.map(stripDirectives))
        case .set:
            var out = original
            for item in patch where !out.contains(item) { out.append(item) }
            return .array(out)
        case .keyed(let keys):
            if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
                return .array(patch.filter { $0["$patch"] == nil }.map(stripDirectives))
            }
            var out = original
            for item in patch {
                let index = out.firstIndex { ListSchema.sameKey($0, item, keys: keys) }
                if item["$patch"]?.stringValue == "delete" {
                    out.removeAll { ListSchema.sameKey($0, item, keys: keys) }
                } else if let index {
                    out[index] = apply(item, to: out[index], field: field)
                } else {
                    out.append(stripDirectives(item))
                }
            }
            return .array(out)
        }
    }

    private static func reorder(_ items: [JSON], by order: [JSON], field: String) -> [JSON] {
        guard case .keyed(let keys) = ListSchema.kind(field: field, items: items + order, forApply: false, custom: false) else {
            let ordered = order.filter { items.contains($0) }
            return ordered + items.filter { !ordered.contains($0) }
        }
        var out: [JSON] = []
        for key in order { if let item = items.first(where: { ListSchema.sameKey($0, key, keys: keys) }) { out.append(item) } }
        for item in items where !out.contains(where: { ListSchema.sameKey($0, item, keys: keys) }) { out.append(item) }
        return out
    }

    static func stripDirectives(_ value: JSON) -> JSON {
        switch value {
        case .object(let fields):
            var out: [String: JSON] = [:]
            for (k, v) in fields where !k.hasPrefix("$") { out[k] = stripDirectives(v) }
            return .object(out)
        case .array(let items): return .array(items.map(stripDirectives))
        default: return value
        }
    }
}

/// JSON patch (RFC 6902) with `add`, `remove`, `replace`, `test`, `copy` and `move`.
enum JSONPatch {
    static func apply(_ patch: JSON, to original: JSON) throws(APIError) -> JSON {
        guard let operations = patch.arrayValue else { throw APIError.badRequest("json patch must be an array of operations") }
        var doc = original
        for operation in operations {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw APIError.badRequest("json patch operation needs op and path")
            }
            let pointer = try parsePointer(path)
            switch op {
            case "add": try set(&doc, pointer, operation["value"] ?? .null, insert: true)
            case "replace":
                guard get(doc, pointer) != nil else { throw APIError(code: 422, reason: "Invalid", message: "replace operation does not apply: doc is missing key: \(path)") }
                try set(&doc, pointer, operation["value"] ?? .null, insert: false)
            case "remove":
                guard get(doc, pointer) != nil else { throw APIError(code: 422, reason: "Invalid", message: "remove operation does not apply: doc is missing path: \(path)") }
                try removeAt(&doc, pointer)
            case "test":
                guard get(doc, pointer) == operation["value"] else { throw APIError(code: 422, reason: "Invalid", message: "testing value \(path) failed") }
            case "copy", "move":
                guard let from = operation["from"]?.stringValue, let value = get(doc, try parsePointer(from)) else {
                    throw APIError(code: 422, reason: "Invalid", message: "\(op) operation does not apply: missing from")
                }
                if op == "move" { try removeAt(&doc, try parsePointer(from)) }
                try set(&doc, pointer, value, insert: true)
            default: throw APIError.badRequest("unknown json patch operation \(op)")
            }
        }
        return doc
    }

    private static func parsePointer(_ path: String) throws(APIError) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw APIError.badRequest("json patch path must start with /: \(path)") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacingAll("~1", "/").replacingAll("~0", "~")
        }
    }

    private static func get(_ doc: JSON, _ pointer: [String]) -> JSON? {
        var current: JSON? = doc
        for token in pointer {
            switch current {
            case .object(let fields)?: current = fields[token]
            case .array(let items)?:
                guard let i = Int(token), items.indices.contains(i) else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }

    private static func set(_ doc: inout JSON, _ pointer: [String], _ value: JSON, insert: Bool) throws(APIError) {
        guard let first = pointer.first else { doc = value; return }
        let rest = Array(pointer.dropFirst())
        switch doc {
        case .object(var fields):
            if rest.isEmpty {
                fields[first] = value
            } else {
                guard var child = fields[first] else { throw APIError(code: 422, reason: "Invalid", message: "doc is missing path: /\(pointer.joined(separator: "/"))") }
                try set(&child, rest, value, insert: insert)
                fields[first] = child
            }
            doc = .object(fields)
        case .array(var items):
            if rest.isEmpty {
                if first == "-" { items.append(value) } else if let i = Int(first), i >= 0, i <= items.count {
                    if insert { items.insert(value, at: i) } else if i < items.count { items[i] = value }
                } else { throw APIError(code: 422, reason: "Invalid", message: "invalid array index \(first)") }
            } else {
                guard let i = Int(first), items.indices.contains(i) else { throw APIError(code: 422, reason: "Invalid", message: "invalid array index \(first)") }
                try set(&items[i], rest, value, insert: insert)
            }
            doc = .array(items)
        default:
            throw APIError(code: 422, reason: "Invalid", message: "cannot set a field inside a scalar")
        }
    }

    private static func removeAt(_ doc: inout JSON, _ pointer: [String]) throws(APIError) {
        guard let first = pointer.first else { return }
        let rest = Array(pointer.dropFirst())
        switch doc {
        case .object(var fields):
            if rest.isEmpty { fields[first] = nil } else if var child = fields[first] {
                try removeAt(&child, rest)
                fields[first] = child
            }
            doc = .object(fields)
        case .array(var items):
            guard let i = Int(first), items.indices.contains(i) else { return }
            if rest.isEmpty { items.remove(at: i) } else { try removeAt(&items[i], rest) }
            doc = .array(items)
        default: return
        }
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
