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
/// Lists are replaced whole, as a JSON merge patch can only do (Helm sends a strategic merge
/// patch for built-in kinds, which merges some lists by key instead). A list is sent when the
/// chart changed it between revisions or when the live list does not hold it; so an unchanged
/// list whose items the server filled with defaults is not rewritten.
public enum ThreeWayMergePatch {
    /// The patch object; empty when nothing needs to change.
    public static func make(original: JSON?, modified: JSON, current: JSON) -> JSON {
        .object(diff(original: original?.objectValue, modified: modified.objectValue ?? [:], current: current.objectValue ?? [:]))
    }

    static func diff(original: [String: JSON]?, modified: [String: JSON], current: [String: JSON]) -> [String: JSON] {
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
                let sub = diff(original: before?.objectValue, modified: w, current: l)
                if !sub.isEmpty { patch[key] = .object(sub) }
            case (.array, .array):
                let changedInChart = before.map { !same($0, want) } ?? false
                if changedInChart || !holds(live, want) { patch[key] = want }
            default:
                if !same(live, want) { patch[key] = want }
            }
        }
        return patch
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
