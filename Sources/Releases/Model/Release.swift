import KubeClient

/// One revision of a release, as Helm 3/4 store it (`pkg/release/v1.Release`). Fields tarsctl does
/// not interpret (a chart's `metadata` and `lock`, values, fields a newer Helm adds) are kept as
/// JSON so a record Helm wrote survives being read and written back.
public struct Release: Sendable, Equatable {
    public var name: String
    public var namespace: String
    /// The revision number, 1-based.
    public var version: Int
    public var info: ReleaseInfo?
    public var chart: ChartRecord?
    /// The user-supplied values (`--values`, `--set`), a JSON object.
    public var config: [String: JSON]
    /// The rendered manifests, as `---\n# Source: PATH\nBODY\n` documents.
    public var manifest: String
    public var hooks: [Hook]
    /// `ssa` or `csa`; empty means client-side apply, as Helm reads an unset field.
    public var applyMethod: String
    /// User labels (`--labels`); stored as Secret labels, not in the JSON.
    public var labels: [String: String]
    /// Top-level fields this version does not know, written back unchanged.
    public var unknownFields: [String: JSON]
    /// The `metadata.resourceVersion` of the Secret this was read from or written to; an update
    /// sends it so a record someone else changed meanwhile is not overwritten. Not in the JSON.
    public var storageVersion: String?

    public init(name: String, namespace: String, version: Int, info: ReleaseInfo? = nil, chart: ChartRecord? = nil,
                config: [String: JSON] = [:], manifest: String = "", hooks: [Hook] = [], applyMethod: String = "",
                labels: [String: String] = [:], unknownFields: [String: JSON] = [:]) {
        self.name = name
        self.namespace = namespace
        self.version = version
        self.info = info
        self.chart = chart
        self.config = config
        self.manifest = manifest
        self.hooks = hooks
        self.applyMethod = applyMethod
        self.labels = labels
        self.unknownFields = unknownFields
    }

    /// The status, `unknown` when the record has no info.
    public var status: ReleaseStatus { info?.status ?? .unknown }
}

/// `pkg/release/v1.Info`.
public struct ReleaseInfo: Sendable, Equatable {
    public var firstDeployed: GoTime?
    public var lastDeployed: GoTime?
    public var deleted: GoTime?
    public var description: String
    public var status: ReleaseStatus
    /// The revision a rollback restored, 0 when not a rollback.
    public var rollbackRevision: Int
    public var notes: String
    public var unknownFields: [String: JSON]

    public init(firstDeployed: GoTime? = nil, lastDeployed: GoTime? = nil, deleted: GoTime? = nil, description: String = "",
                status: ReleaseStatus = .unknown, rollbackRevision: Int = 0, notes: String = "",
                unknownFields: [String: JSON] = [:]) {
        self.firstDeployed = firstDeployed
        self.lastDeployed = lastDeployed
        self.deleted = deleted
        self.description = description
        self.status = status
        self.rollbackRevision = rollbackRevision
        self.notes = notes
        self.unknownFields = unknownFields
    }
}

/// `pkg/chart/v2.Chart` as it is embedded in a release: Go writes every field, `null` when unset.
public struct ChartRecord: Sendable, Equatable {
    /// Chart.yaml as JSON (name, version, appVersion, ...), nil for `null`.
    public var metadata: JSON?
    /// Chart.lock as JSON, nil for `null`.
    public var lock: JSON?
    public var templates: [ChartFile]?
    /// The chart's default values, nil for `null`.
    public var values: JSON?
    /// values.schema.json bytes, nil for `null`.
    public var schema: [UInt8]?
    public var files: [ChartFile]?
    public var unknownFields: [String: JSON]

    public init(metadata: JSON? = nil, lock: JSON? = nil, templates: [ChartFile]? = nil, values: JSON? = nil,
                schema: [UInt8]? = nil, files: [ChartFile]? = nil, unknownFields: [String: JSON] = [:]) {
        self.metadata = metadata
        self.lock = lock
        self.templates = templates
        self.values = values
        self.schema = schema
        self.files = files
        self.unknownFields = unknownFields
    }

    public var name: String { metadata?["name"]?.stringValue ?? "" }
    public var version: String { metadata?["version"]?.stringValue ?? "" }
    public var appVersion: String { metadata?["appVersion"]?.stringValue ?? "" }
}

/// A file of a chart (`pkg/chart/common.File`); `data` is base64 in JSON.
public struct ChartFile: Sendable, Equatable {
    public var name: String
    public var data: [UInt8]
    public var unknownFields: [String: JSON]

    public init(name: String, data: [UInt8], unknownFields: [String: JSON] = [:]) {
        self.name = name
        self.data = data
        self.unknownFields = unknownFields
    }
}

/// `pkg/release/v1.Hook`.
public struct Hook: Sendable, Equatable {
    public var name: String
    public var kind: String
    /// Chart-relative template path.
    public var path: String
    public var manifest: String
    public var events: [HookEvent]
    public var lastRun: HookExecution
    public var weight: Int
    public var deletePolicies: [HookDeletePolicy]
    public var outputLogPolicies: [String]

    public init(name: String, kind: String, path: String, manifest: String, events: [HookEvent],
                lastRun: HookExecution = HookExecution(), weight: Int = 0, deletePolicies: [HookDeletePolicy] = [],
                outputLogPolicies: [String] = []) {
        self.name = name
        self.kind = kind
        self.path = path
        self.manifest = manifest
        self.events = events
        self.lastRun = lastRun
        self.weight = weight
        self.deletePolicies = deletePolicies
        self.outputLogPolicies = outputLogPolicies
    }
}

/// When a hook last ran and how it ended (`phase`: Unknown, Running, Succeeded, Failed, or empty).
public struct HookExecution: Sendable, Equatable {
    public var startedAt: GoTime?
    public var completedAt: GoTime?
    public var phase: String

    public init(startedAt: GoTime? = nil, completedAt: GoTime? = nil, phase: String = "") {
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.phase = phase
    }
}

/// A `helm.sh/hook` event. Unknown spellings are kept so a record round-trips; `HookPlan` rejects
/// them when it reads annotations.
public struct HookEvent: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let preInstall = HookEvent(rawValue: "pre-install")
    public static let postInstall = HookEvent(rawValue: "post-install")
    public static let preDelete = HookEvent(rawValue: "pre-delete")
    public static let postDelete = HookEvent(rawValue: "post-delete")
    public static let preUpgrade = HookEvent(rawValue: "pre-upgrade")
    public static let postUpgrade = HookEvent(rawValue: "post-upgrade")
    public static let preRollback = HookEvent(rawValue: "pre-rollback")
    public static let postRollback = HookEvent(rawValue: "post-rollback")
    public static let test = HookEvent(rawValue: "test")

    public static let known: [HookEvent] = [
        .preInstall, .postInstall, .preDelete, .postDelete, .preUpgrade, .postUpgrade, .preRollback, .postRollback, .test,
    ]
}

/// A `helm.sh/hook-delete-policy` value.
public struct HookDeletePolicy: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let hookSucceeded = HookDeletePolicy(rawValue: "hook-succeeded")
    public static let hookFailed = HookDeletePolicy(rawValue: "hook-failed")
    public static let beforeHookCreation = HookDeletePolicy(rawValue: "before-hook-creation")

    public static let known: [HookDeletePolicy] = [.hookSucceeded, .hookFailed, .beforeHookCreation]
}
