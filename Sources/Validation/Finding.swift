/// Where a finding points: a source file as the user named it (repo-relative when possible) and
/// the 1-based lines of the object or field in it. `line == 0` means the position is unknown.
public struct SourceLocation: Sendable, Codable, Hashable {
    public var file: String
    public var line: Int
    public var column: Int
    /// Last line of the object (for SARIF regions and JUnit); equals `line` for a single field.
    public var endLine: Int

    public init(file: String, line: Int = 0, column: Int = 0, endLine: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.endLine = endLine ?? line
    }
}

/// The object a finding is about, named the way kubectl names it (`Deployment/web`).
public struct ObjectRef: Sendable, Codable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var namespace: String?

    public init(apiVersion: String, kind: String, name: String, namespace: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    public var display: String { "\(kind)/\(name)" }
}

/// One result of a check: a schema violation, a lint rule, a security rule.
/// Every report format (text, JSON, JUnit, SARIF) is built from a list of these.
public struct Finding: Sendable, Codable, Hashable {
    /// Stable id of the rule that produced it: kubesec ids (`RunAsNonRoot`), kube-linter check
    /// names (`latest-tag`), `schema`, `yaml`, `chart-metadata`, ...
    public var ruleID: String
    public var severity: Severity
    public var message: String
    public var location: SourceLocation
    public var object: ObjectRef?
    /// JSON path inside the object, e.g. `spec.template.spec.containers[0].image`.
    public var path: String?

    public init(ruleID: String, severity: Severity, message: String, location: SourceLocation,
                object: ObjectRef? = nil, path: String? = nil) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = message
        self.location = location
        self.object = object
        self.path = path
    }
}

/// What a report format needs to describe a rule (SARIF `tool.driver.rules`).
public struct RuleDescription: Sendable, Codable, Hashable {
    public var id: String
    public var shortDescription: String
    public var fullDescription: String
    public var help: String
    public var defaultSeverity: Severity

    public init(id: String, shortDescription: String, fullDescription: String, help: String,
                defaultSeverity: Severity) {
        self.id = id
        self.shortDescription = shortDescription
        self.fullDescription = fullDescription
        self.help = help
        self.defaultSeverity = defaultSeverity
    }
}
