import ChartRender
import KubeClient

/// How an install, upgrade, rollback or uninstall behaves (Helm's flags, already parsed).
public struct ReleaseActionOptions: Sendable {
    /// Wait for every object to be ready before marking the revision deployed.
    public var wait = true
    /// Time for the whole operation: hooks, apply and wait (Helm's `--timeout`, default 5m).
    public var timeout: Duration = .seconds(300)
    /// On failure restore the previous revision (upgrade) or remove the release (install).
    public var rollbackOnFailure = false
    public var noHooks = false
    /// Revisions kept per release; 0 keeps all.
    public var historyMax = 10
    /// Render and check, change nothing.
    public var dryRun = false
    /// Record a new revision even when nothing changed.
    public var force = false
    /// Adopt objects that exist in the cluster without this release's ownership marks.
    public var takeOwnership = false
    public var createNamespace = false
    /// The revision's description (Helm's `--description`); a default is used when nil.
    public var description: String?
    /// User labels stored on the release records (`--labels`).
    public var labels: [String: String] = [:]
    /// Uninstall: keep the release records (status `uninstalled`).
    public var keepHistory = false
    /// Upgrade: merge the new values over the last revision's user values (`--reuse-values`,
    /// `--reset-then-reuse-values`; the chart's defaults always come from the new chart).
    public var reuseValues = false
    /// On failure, delete the objects this operation created (Helm's `--cleanup-on-fail`).
    public var cleanupOnFail = false
    /// Uninstall: how dependents of deleted objects go (`--cascade`).
    public var cascade: DeletePropagation = .background
    /// Objects applied or checked at once inside one kind group.
    public var parallelism = 8
    /// How often readiness is polled.
    public var pollInterval: Duration = .milliseconds(150)
    /// Server-side or client-side apply (Helm's `--server-side`).
    public var serverSide: ApplyMethodChoice = .auto

    public init() {}
}

/// Helm's `--server-side=true|false|auto`: how a revision's objects are written.
public enum ApplyMethodChoice: String, Sendable, CaseIterable {
    /// Server-side apply (`"ssa"` in the record).
    case serverSide = "true"
    /// Client-side apply: create, then three-way merge patches (`"csa"` in the record).
    case clientSide = "false"
    /// Install: server-side. Upgrade: the method of the release's newest revision. Rollback:
    /// the method of the revision rolled back to. A record without one (Helm 3) counts as
    /// client-side, as in Helm.
    case auto

    /// The record's `apply_method` for an operation whose reference revision recorded `recorded`
    /// (nil for an install).
    public func method(following recorded: String?) -> String {
        switch self {
        case .serverSide: return "ssa"
        case .clientSide: return "csa"
        case .auto:
            guard let recorded else { return "ssa" }
            return recorded == "ssa" ? "ssa" : "csa"
        }
    }
}

/// Why an operation did not complete, with the exit code DESIGN.md gives it.
public struct ReleaseActionError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Bad input: unknown release, revision, chart problem.
        case usage
        /// The operation failed (apply error, hook failure, conflict).
        case failed
        /// Objects did not become ready in time (exit code 4).
        case timeout
        /// Another operation is in progress or left a revision pending.
        case locked
        /// SIGINT/SIGTERM.
        case interrupted
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    public var exitCode: Int32 {
        switch kind {
        case .timeout: 4
        case .usage: 1
        default: 1
        }
    }
}

/// What `install`/`upgrade` apply: a chart rendered for one release revision.
public struct RenderedRelease: Sendable {
    public var chart: ChartRecord
    /// User values as stored in the record's `config`.
    public var config: [String: JSON]
    /// Non-hook manifests in install order, as Helm stores them (`---\n# Source: …`).
    public var manifest: String
    public var hooks: [Hook]
    public var notes: String
    /// CRDs from the chart's `crds/` directory, applied before everything else.
    public var crds: [JSON]
    public var warnings: [String]
    /// The objects of `manifest`, from the YAML parsed while sorting (nil when a document is not
    /// a mapping: `manifestObjects()` then parses `manifest` to name it).
    public var objects: [JSON]?

    /// The objects of `manifest`, in order, without parsing its YAML a second time.
    public func manifestObjects() throws -> [JSON] {
        if let objects { return objects }
        return try ManifestObjects.parse(manifest)
    }
}

extension ReleaseActionError {
    static func describe(_ error: Error) -> String {
        if let e = error as? ReleaseActionError { return e.description }
        return String(describing: error)
    }
}

extension ReleaseRenderer {
    /// A stored `config` (JSON) as chart values; numbers become float64 as Helm reads them.
    public static func values(fromConfig config: [String: JSON]) -> [String: Value] {
        func convert(_ j: JSON) -> Value {
            switch j {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .float(Double(i))
            case .double(let d): return .float(d)
            case .string(let s): return .string(s)
            case .array(let a): return .list(a.map(convert))
            case .object(let o): return .map(o.mapValues(convert))
            }
        }
        return config.mapValues(convert)
    }
}

/// Rendering a chart for a release, shared by install, upgrade, diff and the CLI.
public enum ReleaseRenderer {
    public static func render(chart: Chart, releaseName: String, namespace: String, values: [String: Value], revision: Int,
                              isUpgrade: Bool, capabilities: Capabilities? = nil, chartRecord: ChartRecord? = nil) throws -> RenderedRelease {
        var options = RenderOptions()
        options.releaseName = releaseName
        options.namespace = namespace
        options.isUpgrade = isUpgrade
        options.revision = revision
        options.userValues = values
        if let capabilities { options.capabilities = capabilities }
        let renderOptions = options
        let (files, manifests, hookManifests) = try LargeStack.run {
            let files = try ChartRenderer.render(chart, options: renderOptions)
            let (m, h) = try ManifestSorter.sort(files)
            return (files, m, h)
        }
        let manifest = ManifestSorter.helmTemplateOutput(manifests: manifests, hooks: [], includeHooks: false)
        let plan = HookPlan.hooks(from: hookManifests)
        let notesKey = "\(chart.name)/templates/NOTES.txt"
        var crds: [JSON] = []
        for path in chart.files.keys.sorted() where path.hasPrefix("crds/") && (path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json")) {
            crds += try ManifestObjects.parse(String(decoding: chart.files[path] ?? [], as: UTF8.self), source: path)
        }
        // The same objects `ManifestObjects.parse(manifest)` reads: documents that are null
        // (comments only) are skipped; a document that is not a mapping leaves it to that parse.
        var objects: [JSON]? = []
        for m in manifests where !m.value.isNull {
            let object = ManifestObjects.json(m.value)
            guard object.objectValue != nil else { objects = nil; break }
            objects?.append(object)
        }
        return RenderedRelease(chart: chartRecord ?? record(of: chart), config: ManifestObjects.json(.map(values)).objectValue ?? [:],
                               manifest: manifest, hooks: plan.hooks, notes: files[notesKey] ?? "", crds: crds, warnings: plan.warnings, objects: objects)
    }

    /// Files Helm keeps out of a chart's `files` because the record holds them in `metadata`,
    /// `values` and `schema` (in Helm's layout and in T.A.R.S.'s `Values/`), and a worktree's `.git` file.
    static let recordedElsewhere: Set<String> = ["Chart.yaml", "Chart.lock", "values.yaml", "values.schema.json", "Values/values.yaml",
                                                 "Values/values.schema.json", ".git"]

    /// The chart as Helm embeds it in a release record.
    public static func record(of chart: Chart) -> ChartRecord {
        let schema: [UInt8]? = chart.schema.map { JSONWriter.bytes(ManifestObjects.json($0)) }
        return ChartRecord(metadata: ManifestObjects.json(.map(chart.metadata)),
                           templates: chart.templates.map { ChartFile(name: $0.path, data: Array($0.text.utf8)) },
                           values: ManifestObjects.json(.map(chart.values)), schema: schema,
                           files: chart.files.keys.sorted().filter { !recordedElsewhere.contains($0) }.map { ChartFile(name: $0, data: chart.files[$0] ?? []) })
    }
}
