import ChartRender
import KubeClient

/// How an upgrade chooses its values from the flags and the current release (Helm's
/// `reuseValues` in pkg/action/upgrade.go).
public enum ValuesReuse: Sendable, Equatable {
    /// No flag: the given values, or the current release's values when none are given.
    case automatic
    /// `--reuse-values`: the current values with the given ones merged over them, and the
    /// chart defaults the current release was rendered with.
    case reuse
    /// `--reset-values`: only the given values over the new chart's defaults.
    case reset
    /// `--reset-then-reuse-values`: the current values merged under the given ones, over the new
    /// chart's defaults.
    case resetThenReuse

    public struct Resolved: Sendable {
        /// The user values to render with and to record as the new revision's `config`.
        public var user: [String: Value]
        /// Replacement chart defaults (for `.reuse`), nil to keep the chart's own.
        public var chartDefaults: [String: Value]?
    }

    public func resolve(given: [String: Value], current: Release?) -> Resolved {
        guard let current else { return Resolved(user: given, chartDefaults: nil) }
        let old = ValuesJSON.values(current.config)
        switch self {
        case .automatic:
            return Resolved(user: given.isEmpty && !old.isEmpty ? old : given, chartDefaults: nil)
        case .reset:
            return Resolved(user: given, chartDefaults: nil)
        case .resetThenReuse:
            return Resolved(user: Coalesce.values(defaults: old, user: given), chartDefaults: nil)
        case .reuse:
            let oldChart = current.chart?.values?.objectValue.map(ValuesJSON.values) ?? [:]
            return Resolved(user: Coalesce.values(defaults: old, user: given),
                            chartDefaults: Coalesce.values(defaults: oldChart, user: old))
        }
    }
}

/// Values between a release record's JSON and the template engine's model.
public enum ValuesJSON {
    /// JSON as Helm reads it into values: every number a float64.
    public static func value(_ j: JSON) -> Value {
        switch j {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .float(Double(i))
        case .double(let d): return .float(d)
        case .string(let s): return .string(s)
        case .array(let a): return .list(a.map(value))
        case .object(let o): return .map(o.mapValues(value))
        }
    }

    public static func values(_ o: [String: JSON]) -> [String: Value] { o.mapValues(value) }

    public static func json(_ values: [String: Value]) -> [String: JSON] { values.mapValues(ManifestObjects.json) }
}
