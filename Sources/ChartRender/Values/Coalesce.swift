/// Helm's rules for combining values: user sources merge in order (later wins), then chart
/// defaults fill in what the user did not set, and a user `null` deletes a default key.
public enum Coalesce {
    /// Merges `src` into `dst` recursively; `src` wins on conflicts (Helm's mergeMaps).
    public static func merge(_ dst: [String: Value], _ src: [String: Value]) -> [String: Value] {
        var out = dst
        for (k, v) in src {
            if case .map(let sm, _) = v, case .map(let dm, _)? = out[k] {
                out[k] = .map(merge(dm, sm))
            } else {
                out[k] = v
            }
        }
        return out
    }

    /// Coalesces user values over chart defaults (Helm's CoalesceValues for one chart).
    public static func values(defaults: [String: Value], user: [String: Value]) -> [String: Value] {
        var out = user
        for (k, dv) in defaults {
            if let uv = out[k] {
                if case .null = uv {
                    out[k] = nil
                } else if case .map(let um, _) = uv, case .map(let dm, _) = dv {
                    out[k] = .map(values(defaults: dm, user: um))
                }
            } else {
                out[k] = dv
            }
        }
        return out
    }
}
