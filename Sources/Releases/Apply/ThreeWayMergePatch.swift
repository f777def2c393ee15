import KubeClient

/// The three-way JSON merge patch (RFC 7386) client-side apply sends to update an object.
///
/// - `original`: the object as the previous revision's manifest set it (nil: no earlier record);
/// - `modified`: the object as the new manifest sets it;
/// - `current`: the live object.
///
/// The patch sets every field of `modified` whose live value differs, and removes (`null`)
/// every field `original` set that `modified` no longer sets. Fields only the live object has
/// (defaults, other writers' fields, status, metadata the server owns) are left alone.
///
/// As a JSON merge patch (`strategic: false`, for custom resources) lists are replaced whole. A
/// list is sent when the chart changed it between revisions or when the live list does not hold
/// it; so an unchanged list whose items the server filled with defaults is not rewritten.
///
/// As a strategic merge patch (`strategic: true`, for built-in kinds, as Helm and kubectl send)
/// the lists Kubernetes merges by key (containers and env by `name`, container ports by
/// `containerPort`, volume mounts by `mountPath`…) are patched item by item: items the chart
/// dropped get `$patch: delete`, changed items carry only their changed fields and their key,
/// and items only the live list has (added by another writer) stay. `finalizers` merge as a
/// set. Other lists are replaced whole as above.
public enum ThreeWayMergePatch {
    /// The patch object; empty when nothing needs to change.
    public static func make(original: JSON?, modified: JSON, current: JSON, strategic: Bool = false) -> JSON {
        .object(diff(original: original?.objectValue, modified: modified.objectValue ?? [:], current: current.objectValue ?? [:], strategic: strategic))
    }

    /// API groups of the kinds built into Kubernetes (the ones a strategic merge patch works
    /// for); everything else is served from a CRD or an aggregated API and gets a JSON merge patch.
    static let builtInGroups: Set<String> = [
        "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io",
        "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "admissionregistration.k8s.io",
        "apiextensions.k8s.io", "certificates.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io", "resource.k8s.io",
        "authentication.k8s.io", "authorization.k8s.io", "internal.apiserver.k8s.io", "storagemigration.k8s.io",
    ]

    /// Whether objects of `apiVersion` take a strategic merge patch.
    public static func isBuiltIn(apiVersion: String) -> Bool {
        let parts = apiVersion.split(separator: "/", maxSplits: 1)
        return builtInGroups.contains(parts.count == 2 ? String(parts[0]) : "")
    }

    /// How a strategic merge patch treats the list under `field` (by field name, as the
    /// Kubernetes types declare `patchMergeKey`/`patchStrategy`); nil: replaced whole.
    static func mergeKeys(field: String, items: [JSON]) -> [String]? {
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets": return ["name"]
        case "ports": return items.contains { $0["containerPort"] != nil } ? ["containerPort"] : ["port"]
        case "volumeMounts": return ["mountPath"]
        case "volumeDevices": return ["devicePath"]
        case "hostAliases": return ["ip"]
        case "topologySpreadConstraints": return ["topologyKey", "whenUnsatisfiable"]
        case "conditions": return ["type"]
        case "ownerReferences": return ["uid"]
        default: return nil
        }
    }

    static func diff(original: [String: JSON]?, modified: [String: JSON], current: [String: JSON], strategic: Bool = false) -> [String: JSON] {
        var patch: [String: JSON] = [:]
        // Removed from the chart: deleted live (when the live object still has it).
        for (key, _) in original ?? [:] where modified[key] == nil || modified[key]?.isNull == true {
            if let live = current[key], !live.isNull { patch[key] = .null }
        }
        for (key, want) in modified {
            if want.isNull { continue }
            let before = original?[key]
            guard let live = current[key], !live.isNull else {
                patch[key] = want
                continue
            }
            switch (want, live) {
            case (.object(let w), .object(let l)):
                let sub = diff(original: before?.objectValue, modified: w, current: l, strategic: strategic)
                if !sub.isEmpty { patch[key] = .object(sub) }
            case (.array(let w), .array(let l)) where strategic && key == "finalizers":
                // A set: add what is missing, delete what the chart dropped.
                let added = w.filter { !l.contains($0) }
                let dropped = (before?.arrayValue ?? []).filter { !w.contains($0) && l.contains($0) }
                if !added.isEmpty { patch[key] = .array(added) }
                if !dropped.isEmpty { patch["$deleteFromPrimitiveList/\(key)"] = .array(dropped) }
            case (.array(let w), .array(let l)) where strategic:
                if let keys = mergeKeys(field: key, items: w + l), let items = keyedListPatch(original: before?.arrayValue, modified: w, current: l, keys: keys) {
                    if !items.isEmpty { patch[key] = .array(items) }
                } else {
                    let changedInChart = before.map { !same($0, want) } ?? false
                    if changedInChart || !holds(live, want) { patch[key] = want }
                }
            case (.array, .array):
                let changedInChart = before.map { !same($0, want) } ?? false
                if changedInChart || !holds(live, want) { patch[key] = want }
            default:
                if !same(live, want) { patch[key] = want }
            }
        }
        return patch
    }

    /// The items of a strategic merge patch for a list merged by `keys`; nil when an item lacks
    /// its key (the list is then replaced whole).
    static func keyedListPatch(original: [JSON]?, modified: [JSON], current: [JSON], keys: [String]) -> [JSON]? {
        func key(_ item: JSON) -> [String: JSON]? {
            var k: [String: JSON] = [:]
            for name in keys {
                guard let v = item[name], !v.isNull else { return keys.count > 1 && !k.isEmpty ? k : nil }
                k[name] = v
            }
            return k
        }
        func sameKey(_ a: JSON, _ b: JSON) -> Bool {
            guard let x = key(a), let y = key(b) else { return false }
            return same(.object(x), .object(y))
        }
        guard modified.allSatisfy({ key($0) != nil }) else { return nil }
        var items: [JSON] = []
        for o in original ?? [] where key(o) != nil && !modified.contains(where: { sameKey($0, o) }) && current.contains(where: { sameKey($0, o) }) {
            var deletion = key(o)!
            deletion["$patch"] = "delete"
            items.append(.object(deletion))
        }
        for m in modified {
            guard let live = current.first(where: { sameKey($0, m) }) else {
                items.append(m)
                continue
            }
            let before = original?.first { sameKey($0, m) }
            var sub = diff(original: before?.objectValue, modified: m.objectValue ?? [:], current: live.objectValue ?? [:], strategic: true)
            if !sub.isEmpty {
                for (k, v) in key(m)! { sub[k] = v }
                items.append(.object(sub))
            }
        }
        return items
    }

    /// Equal values, an integer equal to a float counting as equal (YAML `1` vs JSON `1.0`).
    static func same(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { same(v, $0) } ?? false }
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default: return a == b
        }
    }

    /// Whether `live` has every field `want` sets with that value (extra live fields allowed:
    /// defaults the server added); lists element by element.
    static func holds(_ live: JSON, _ want: JSON) -> Bool {
        switch (live, want) {
        case (.object(let l), .object(let w)):
            return w.allSatisfy { k, v in v.isNull ? (l[k]?.isNull ?? true) : (l[k].map { holds($0, v) } ?? false) }
        case (.array(let l), .array(let w)):
            return l.count == w.count && zip(l, w).allSatisfy { holds($0, $1) }
        default:
            return same(live, want)
        }
    }
}
