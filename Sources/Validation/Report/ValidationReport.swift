/// Everything one `lint` or `validate` run produced, in the shape every report format reads.
///
/// Checks append to it; `ReportFormat.render` turns it into text, JSON, JUnit or SARIF.
public struct ValidationReport: Sendable, Codable, Hashable {
    /// Problems found, in the order the checks produced them (formats sort for display).
    public var findings: [Finding]
    /// Every object (or file) that was checked, including the clean ones, so JUnit can list
    /// passing testcases and text output can say how many objects were looked at.
    public var checked: [CheckedObject]
    /// Descriptions of the rules that ran (SARIF `tool.driver.rules`, JUnit testcase names).
    public var rules: [RuleDescription]
    /// Per-workload security scores (kubesec style), when a security scan ran.
    public var scores: [ScoreEntry]

    public init(findings: [Finding] = [], checked: [CheckedObject] = [], rules: [RuleDescription] = [],
                scores: [ScoreEntry] = []) {
        self.findings = findings
        self.checked = checked
        self.rules = rules
        self.scores = scores
    }

    /// Adds another check's results; rules already present (same id) are kept once and
    /// objects already listed gain the new check ids.
    public mutating func merge(_ other: ValidationReport) {
        // Taking the other's array when ours is empty shares its storage instead of copying.
        if findings.isEmpty { findings = other.findings } else { findings += other.findings }
        for r in other.rules where !rules.contains(where: { $0.id == r.id }) { rules.append(r) }
        guard !other.checked.isEmpty else { scores += other.scores; return }
        var index: [CheckedObject.Target: Int] = [:]
        index.reserveCapacity(checked.count)
        for (i, c) in checked.enumerated() where index[c.target] == nil { index[c.target] = i }
        for c in other.checked {
            if let i = index[c.target] {
                var have = Set(checked[i].checks)
                for id in c.checks where have.insert(id).inserted { checked[i].checks.append(id) }
            } else {
                index[c.target] = checked.count
                checked.append(c)
            }
        }
        scores += other.scores
    }

    /// Findings at or above `threshold`; `--strict` passes `.warning`, the default `.error`.
    public func problems(atLeast threshold: Severity) -> [Finding] {
        findings.filter { $0.severity >= threshold }
    }

    /// True when a CI gate should fail: an error, or a warning when `strict`.
    public func fails(strict: Bool) -> Bool {
        !problems(atLeast: strict ? .warning : .error).isEmpty
    }

    /// Returns a copy where warnings are errors (what `--strict` reports).
    public func promotingWarnings() -> ValidationReport {
        var copy = self
        for i in copy.findings.indices where copy.findings[i].severity == .warning {
            copy.findings[i].severity = .error
        }
        return copy
    }

    public func rule(_ id: String) -> RuleDescription? { rules.first { $0.id == id } }
}

/// One object or file that a check looked at.
public struct CheckedObject: Sendable, Codable, Hashable {
    /// The file as the user named it (repo-relative when possible); same as `location.file`.
    public var file: String { location.file }
    /// The object, or nil for a check on a whole file (Chart.yaml, a values file).
    public var object: ObjectRef?
    /// Where the object starts and ends in `file`.
    public var location: SourceLocation
    /// Ids of the rules that ran on it; each is a JUnit testcase.
    public var checks: [String]

    public init(object: ObjectRef?, location: SourceLocation, checks: [String]) {
        self.object = object
        self.location = location
        self.checks = checks
    }

    /// The JUnit/text label: `Deployment/web` or the file name for file-level checks.
    public var label: String { object?.display ?? location.file }

    /// What makes two entries the same object: the object and where it starts.
    struct Target: Hashable {
        var object: ObjectRef?
        var file: String
        var line: Int
    }

    var target: Target { Target(object: object, file: location.file, line: location.line) }

    func sameTarget(as other: CheckedObject) -> Bool { target == other.target }
}

/// A security score for one workload (kubesec: sum of the points of the rules that matched;
/// a critical rule makes the workload fail regardless of its score).
public struct ScoreEntry: Sendable, Codable, Hashable {
    public var object: ObjectRef
    public var location: SourceLocation
    public var score: Int
    /// Ids of critical rules that matched (kubesec "critical").
    public var critical: [String]
    /// Ids of rules that added points (kubesec "passed").
    public var passed: [String]
    /// Ids of rules that would add points (kubesec "advise").
    public var advise: [String]
    /// `--min-score` the workload was compared with, if any.
    public var minimum: Int?

    public init(object: ObjectRef, location: SourceLocation, score: Int, critical: [String] = [],
                passed: [String] = [], advise: [String] = [], minimum: Int? = nil) {
        self.object = object
        self.location = location
        self.score = score
        self.critical = critical
        self.passed = passed
        self.advise = advise
        self.minimum = minimum
    }

    /// Failed as kubesec says it (the score is negative), or under the `--min-score` minimum.
    /// A critical rule is reported as an error finding of its own either way.
    public var failed: Bool { score < 0 || (minimum.map { score < $0 } ?? false) }
}
