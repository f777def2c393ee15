import KubeClient

/// How a diff is shown.
public struct DiffOptions: Sendable {
    /// Show Secret `data`/`stringData` values instead of `<redacted>` markers.
    public var showSecrets: Bool
    /// ANSI colours (for a terminal).
    public var color: Bool
    public var context: Int
    /// How the two sides are named in headers: `--- Kind/name (live)`, `+++ Kind/name (revision 3)`.
    public var liveLabel: String
    public var desiredLabel: String

    public init(showSecrets: Bool = false, color: Bool = false, context: Int = 3, liveLabel: String = "live",
                desiredLabel: String) {
        self.showSecrets = showSecrets
        self.color = color
        self.context = context
        self.liveLabel = liveLabel
        self.desiredLabel = desiredLabel
    }
}

/// The change to one object.
public struct ObjectDiff: Sendable {
    public enum Change: String, Sendable { case added, removed, changed }
    public var key: ObjectKey
    public var change: Change
    /// Unified diff lines (headers, hunks), uncoloured.
    public var lines: [String]
}

/// Object-by-object differences between what is in the cluster and what a revision would apply.
public struct ReleaseDiff: Sendable {
    public var objects: [ObjectDiff]
    public var options: DiffOptions
    public var isEmpty: Bool { objects.isEmpty }

    /// The diff as text; `no changes` when nothing differs.
    public func render() -> String {
        guard !objects.isEmpty else { return "no changes\n" }
        var out = ""
        for o in objects {
            for line in o.lines { out += paint(line) + "\n" }
        }
        return out
    }

    private func paint(_ line: String) -> String {
        guard options.color else { return line }
        let code: String
        if line.hasPrefix("---") || line.hasPrefix("+++") { code = "1" }
        else if line.hasPrefix("@@") { code = "36" }
        else if line.hasPrefix("-") { code = "31" }
        else if line.hasPrefix("+") { code = "32" }
        else { return line }
        return "\u{1B}[\(code)m\(line)\u{1B}[0m"
    }

    /// A one-line count, e.g. `2 changed, 1 added, 1 removed`.
    public var summary: String {
        guard !objects.isEmpty else { return "no changes" }
        return ObjectDiff.Change.allCases.compactMap { c in
            let n = objects.filter { $0.change == c }.count
            return n == 0 ? nil : "\(n) \(c.rawValue)"
        }.joined(separator: ", ")
    }
}

extension ObjectDiff.Change: CaseIterable {}

public enum ManifestDiff {
    /// Compares live objects with desired ones, matched by group, kind, namespace and name.
    /// For an exact picture pass, as `desired`, the objects a server-side dry-run apply returned
    /// (defaults filled in); both sides are normalised the same way. Objects only in `live` are
    /// the ones the revision would remove.
    public static func diff(live: [JSON], desired: [JSON], options: DiffOptions) -> ReleaseDiff {
        var liveByID: [String: JSON] = [:]
        for o in live { liveByID[ObjectKey(o).identity] = o }
        var results: [ObjectDiff] = []
        var seen = Set<String>()
        for d in desired {
            let key = ObjectKey(d)
            seen.insert(key.identity)
            if let diff = compare(key: key, live: liveByID[key.identity], desired: d, options: options) { results.append(diff) }
        }
        for l in live where !seen.contains(ObjectKey(l).identity) {
            let key = ObjectKey(l)
            seen.insert(key.identity)
            if let diff = compare(key: key, live: l, desired: nil, options: options) { results.append(diff) }
        }
        return ReleaseDiff(objects: results, options: options)
    }

    static func compare(key: ObjectKey, live: JSON?, desired: JSON?, options: DiffOptions) -> ObjectDiff? {
        var l = live.map(normalise), d = desired.map(normalise)
        if key.kind == "Secret" && key.group.isEmpty && !options.showSecrets { redactSecrets(&l, &d) }
        let a = l.map(DiffYAML.render) ?? [], b = d.map(DiffYAML.render) ?? []
        let hunks = LineDiff.hunks(a, b, context: options.context)
        guard !hunks.isEmpty else { return nil }
        let change: ObjectDiff.Change = live == nil ? .added : desired == nil ? .removed : .changed
        let liveHeader = live == nil ? "not in the cluster" : options.liveLabel
        let desiredHeader = desired == nil ? "removed in \(options.desiredLabel)" : options.desiredLabel
        return ObjectDiff(key: key, change: change,
                          lines: ["--- \(key) (\(liveHeader))", "+++ \(key) (\(desiredHeader))"] + hunks)
    }

    /// Fields the server owns, which differ between any live object and any manifest.
    static let serverMetadata = ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink",
                                 "deletionTimestamp", "deletionGracePeriodSeconds"]
    static let serverAnnotations = ["kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision"]

    static func normalise(_ object: JSON) -> JSON {
        guard var o = object.objectValue else { return object }
        o["status"] = nil
        if var meta = o["metadata"]?.objectValue {
            for f in serverMetadata { meta[f] = nil }
            if var ann = meta["annotations"]?.objectValue {
                // last-applied-configuration repeats the whole object, Secret values included.
                for a in serverAnnotations { ann[a] = nil }
                meta["annotations"] = ann.isEmpty ? nil : .object(ann)
            }
            if meta["labels"]?.objectValue?.isEmpty == true { meta["labels"] = nil }
            o["metadata"] = .object(meta)
        }
        // A Secret's stringData is write-only: the server merges it into data, so compare it there.
        if o["kind"]?.stringValue == "Secret", let stringData = o["stringData"]?.objectValue {
            var data = o["data"]?.objectValue ?? [:]
            for (k, v) in stringData { data[k] = .string(Base64.encode(Array((v.stringValue ?? "").utf8))) }
            o["data"] = .object(data)
            o["stringData"] = nil
        }
        return .object(o)
    }

    /// Replaces every value under `data` and `stringData` with a marker that still shows which
    /// keys were added, removed or changed.
    static func redactSecrets(_ live: inout JSON?, _ desired: inout JSON?) {
        for field in ["data", "stringData"] {
            let l = live?[field]?.objectValue ?? [:]
            if let value = live?[field] {
                live?[field] = value.objectValue.map { .object($0.mapValues { _ in JSON.string("<redacted>") }) } ?? "<redacted>"
            }
            if let value = desired?[field] {
                guard let d = value.objectValue else {
                    desired?[field] = "<redacted>"
                    continue
                }
                var out: [String: JSON] = [:]
                for (k, v) in d { out[k] = l[k] != nil && l[k] != v ? "<redacted, changed>" : "<redacted>" }
                desired?[field] = .object(out)
            }
        }
    }
}
