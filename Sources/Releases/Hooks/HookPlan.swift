import Foundation
import ChartRender
import KubeClient

/// Turns rendered hook manifests into the release's hooks and orders them for one event, as
/// Helm does: by weight, then kind in install order, then name.
public enum HookPlan {
    public static let annotation = "helm.sh/hook"
    public static let weightAnnotation = "helm.sh/hook-weight"
    public static let deletePolicyAnnotation = "helm.sh/hook-delete-policy"
    public static let outputLogPolicyAnnotation = "helm.sh/hook-output-log-policy"

    /// The hooks and a warning for each annotation value that will be ignored (Helm ignores
    /// them silently, which hides typos like `pre-instal`).
    public struct Result: Sendable {
        public var hooks: [Hook]
        public var warnings: [String]
    }

    /// Hooks from the manifests ChartRender split out (`ManifestSorter.sort(...).hooks`).
    public static func hooks(from manifests: [Manifest]) -> Result {
        var result = Result(hooks: [], warnings: [])
        for m in manifests where m.isHook {
            let where_ = "\(m.source): \(m.kind)/\(m.name)"
            var events: [HookEvent] = []
            for raw in m.hookEvents {
                // Helm 2 spelled the test event `test-success`; Helm 3 still reads it as `test`.
                let event = raw == "test-success" ? HookEvent.test : HookEvent(rawValue: raw)
                if HookEvent.known.contains(event) {
                    if !events.contains(event) { events.append(event) }
                } else {
                    result.warnings.append("\(where_): unknown hook event \"\(raw)\" in \(annotation) is ignored "
                        + "(known: \(HookEvent.known.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            var policies: [HookDeletePolicy] = []
            for raw in m.hookDeletePolicies where !raw.isEmpty {
                let p = HookDeletePolicy(rawValue: raw)
                if HookDeletePolicy.known.contains(p) {
                    if !policies.contains(p) { policies.append(p) }
                } else {
                    result.warnings.append("\(where_): unknown delete policy \"\(raw)\" in \(deletePolicyAnnotation) is ignored "
                        + "(known: \(HookDeletePolicy.known.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            let annotations = annotationsOf(m)
            if let w = annotations[weightAnnotation], Int(w.trimmingCharacters(in: .whitespaces)) == nil {
                result.warnings.append("\(where_): \(weightAnnotation) \"\(w)\" is not an integer; weight 0 is used")
            }
            let logPolicies = (annotations[outputLogPolicyAnnotation] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            result.hooks.append(Hook(name: m.name, kind: m.kind, path: m.source, manifest: m.content, events: events,
                                     weight: m.hookWeight, deletePolicies: policies, outputLogPolicies: logPolicies))
        }
        return result
    }

    /// The hooks that run on `event`, in execution order.
    public static func ordered(_ hooks: [Hook], for event: HookEvent) -> [Hook] {
        hooks.filter { $0.events.contains(event) }.sorted(by: runsBefore)
    }

    /// Weight, then kind in Helm's install order (unknown kinds last, alphabetically), then name.
    public static func runsBefore(_ a: Hook, _ b: Hook) -> Bool {
        if a.weight != b.weight { return a.weight < b.weight }
        let ra = kindRank[a.kind], rb = kindRank[b.kind]
        switch (ra, rb) {
        case (let x?, let y?) where x != y: return x < y
        case (nil, .some): return false
        case (.some, nil): return true
        case (nil, nil) where a.kind != b.kind: return a.kind < b.kind
        default: return a.name < b.name
        }
    }

    /// Delete policy: whether the hook's object is removed after it ended this way. With no
    /// policy Helm deletes before the next creation (`before-hook-creation` is the default).
    public static func deleteAfter(_ hook: Hook, succeeded: Bool) -> Bool {
        hook.deletePolicies.contains(succeeded ? .hookSucceeded : .hookFailed)
    }

    public static func deleteBeforeCreation(_ hook: Hook) -> Bool {
        hook.deletePolicies.isEmpty || hook.deletePolicies.contains(.beforeHookCreation)
    }

    private static let kindRank: [String: Int] =
        Dictionary(uniqueKeysWithValues: ManifestSorter.installOrder.enumerated().map { ($1, $0) })

    private static func annotationsOf(_ m: Manifest) -> [String: String] {
        guard case .map(let head, _)? = try? YAMLValues.parse(m.content, file: m.source),
              case .map(let meta, _)? = head["metadata"], case .map(let ann, _)? = meta["annotations"] else { return [:] }
        return ann.compactMapValues(\.stringValue)
    }
}
