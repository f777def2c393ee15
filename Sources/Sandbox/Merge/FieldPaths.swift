import KubeClient
/// A field path in the `fieldsV1` vocabulary: `f:<name>`, `k:<json key>`, `v:<json value>`, `.`.
typealias FieldPath = [String]

/// Conversions between objects, sets of owned leaf paths and the `fieldsV1` trees stored in
/// `metadata.managedFields`.
enum FieldPaths {
    static let systemMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
        "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
    ]

    /// Leaf paths set by `object`. `scope` picks the main resource (everything but status) or `/status`.
    static func paths(of object: JSON, statusOnly: Bool, custom: Bool) -> Set<FieldPath> {
        var out = Set<FieldPath>()
        guard let fields = object.objectValue else { return out }
        for (key, value) in fields {
            if key == "apiVersion" || key == "kind" { continue }
            if statusOnly != (key == "status") { continue }
            if key == "metadata" {
                for (mk, mv) in value.objectValue ?? [:] where !systemMetadata.contains(mk) {
                    collect(mv, prefix: ["f:metadata", "f:\(mk)"], field: mk, custom: custom, into: &out)
                }
                continue
            }
            collect(value, prefix: ["f:\(key)"], field: key, custom: custom, into: &out)
        }
        return out
    }

    private static func collect(_ value: JSON, prefix: FieldPath, field: String, custom: Bool, into out: inout Set<FieldPath>) {
        switch value {
        case .object(let fields):
            if fields.isEmpty { out.insert(prefix); return }
            for (k, v) in fields { collect(v, prefix: prefix + ["f:\(k)"], field: k, custom: custom, into: &out) }
        case .array(let items):
            switch ListSchema.kind(field: field, items: items, forApply: true, custom: custom) {
            case .atomic: out.insert(prefix)
            case .set:
                if items.isEmpty { out.insert(prefix) }
                for item in items { out.insert(prefix + ["v:" + JSONWriter.string(item)]) }
            case .keyed(let keys):
                if items.isEmpty { out.insert(prefix) }
                for item in items {
                    let itemPath = prefix + ["k:" + JSONWriter.string(ListSchema.keyObject(item, keys: keys))]
                    out.insert(itemPath + ["."])
                    for (k, v) in item.objectValue ?? [:] {
                        collect(v, prefix: itemPath + ["f:\(k)"], field: k, custom: custom, into: &out)
                    }
                }
            }
        default:
            out.insert(prefix)
        }
    }

    /// The value at `path` in `object`, or nil when absent. For `.` it is the list item itself.
    static func value(at path: FieldPath, in object: JSON) -> JSON? {
        var current: JSON? = object
        for element in path {
            guard let node = current else { return nil }
            if element == "." { continue }
            if element.hasPrefix("f:") {
                current = node[String(element.dropFirst(2))]
            } else if element.hasPrefix("k:") {
                guard let key = try? JSONParser.parse(String(element.dropFirst(2))), let items = node.arrayValue,
                    let keyFields = key.objectValue
                else { return nil }
                current = items.first { ListSchema.keyObject($0, keys: Array(keyFields.keys)) == key }
            } else if element.hasPrefix("v:") {
                guard let v = try? JSONParser.parse(String(element.dropFirst(2))), let items = node.arrayValue else { return nil }
                current = items.contains(v) ? v : nil
            } else {
                return nil
            }
        }
        return current
    }

    /// Removes the field at `path` from `object` (a whole list item for `k:` and `v:` paths).
    static func remove(_ path: FieldPath, from object: inout JSON) {
        var path = path
        if path.last == "." { path.removeLast() }
        guard let first = path.first else { return }
        if path.count == 1 {
            if first.hasPrefix("f:"), case .object(var fields) = object {
                object = .null
                fields[String(first.dropFirst(2))] = nil
                object = .object(fields)
            } else if first.hasPrefix("k:"), case .array(let items) = object,
                let key = try? JSONParser.parse(String(first.dropFirst(2))), let keyFields = key.objectValue
            {
                object = .array(items.filter { ListSchema.keyObject($0, keys: Array(keyFields.keys)) != key })
            } else if first.hasPrefix("v:"), case .array(let items) = object, let v = try? JSONParser.parse(String(first.dropFirst(2))) {
                object = .array(items.filter { $0 != v })
            }
            return
        }
        let rest = Array(path.dropFirst())
        if first.hasPrefix("f:"), case .object(var fields) = object {
            let name = String(first.dropFirst(2))
            guard fields[name] != nil else { return }
            object = .null  // the containers along the path are changed in place, not copied
            remove(rest, from: &fields[name]!)
            object = .object(fields)
        } else if first.hasPrefix("k:"), case .array(var items) = object,
            let key = try? JSONParser.parse(String(first.dropFirst(2))), let keyFields = key.objectValue
        {
            object = .null
            for i in items.indices where ListSchema.keyObject(items[i], keys: Array(keyFields.keys)) == key {
                remove(rest, from: &items[i])
            }
            object = .array(items)
        }
    }

    /// The `fieldsV1` tree for a set of paths.
    static func tree(_ paths: Set<FieldPath>) -> JSON {
        var root: JSON = .object([:])
        for path in paths {
            insert(path[...], into: &root)
        }
        return root
    }

    private static func insert(_ path: ArraySlice<String>, into node: inout JSON) {
        guard let first = path.first, case .object(var fields) = node else { return }
        node = .null  // `fields` unique: changed in place, not copied per path
        insert(path.dropFirst(), into: &fields[first, default: .object([:])])
        node = .object(fields)
    }

    /// The leaf paths of a `fieldsV1` tree.
    static func paths(fromTree tree: JSON) -> Set<FieldPath> {
        var out = Set<FieldPath>()
        func walk(_ node: JSON, _ prefix: FieldPath) {
            let fields = node.objectValue ?? [:]
            if fields.isEmpty {
                if !prefix.isEmpty { out.insert(prefix) }
                return
            }
            for (k, v) in fields { walk(v, prefix + [k]) }
        }
        walk(tree, [])
        return out
    }

    /// `.spec.template.spec.containers[name="nginx"].image`: how conflicts name a path.
    static func describe(_ path: FieldPath) -> String {
        var out = ""
        for element in path where element != "." {
            if element.hasPrefix("f:") {
                out += "." + element.dropFirst(2)
            } else if element.hasPrefix("k:"), let key = try? JSONParser.parse(String(element.dropFirst(2))), let fields = key.objectValue {
                out += "[" + fields.keys.sorted().map { "\($0)=\(JSONWriter.string(fields[$0] ?? .null))" }.joined(separator: ",") + "]"
            } else if element.hasPrefix("v:") {
                out += "[" + element.dropFirst(2) + "]"
            }
        }
        return out
    }
}
