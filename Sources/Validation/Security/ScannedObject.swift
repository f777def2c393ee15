import KubeClient

/// One Kubernetes object handed to the security scanner: what it is, its content, and where it
/// came from (so every finding can point at the object's lines).
public struct ScannedObject: Sendable {
    public var ref: ObjectRef
    public var object: JSON
    public var location: SourceLocation

    public init(ref: ObjectRef, object: JSON, location: SourceLocation) {
        self.ref = ref
        self.object = object
        self.location = location
    }

    /// Builds the reference from the object's own apiVersion, kind and metadata.
    public init(object: JSON, location: SourceLocation) {
        let meta = object["metadata"]
        self.ref = ObjectRef(apiVersion: object["apiVersion"]?.stringValue ?? "",
                             kind: object["kind"]?.stringValue ?? "",
                             name: meta?["name"]?.stringValue ?? "",
                             namespace: meta?["namespace"]?.stringValue)
        self.object = object
        self.location = location
    }

    var annotations: [String: JSON]? { object["metadata"]?["annotations"]?.objectValue }
}

/// What the scanner should do beyond its defaults.
public struct SecurityOptions: Sendable {
    /// Rule ids (kubesec ids or kube-linter check names) never evaluated.
    public var skip: Set<String>
    /// A workload whose kubesec score is below this gets an error finding (`min-score`).
    public var minScore: Int?
    /// Also report each unmet positive kubesec rule ("advise") as an info finding.
    public var includeAdvice: Bool

    public init(skip: Set<String> = [], minScore: Int? = nil, includeAdvice: Bool = false) {
        self.skip = skip
        self.minScore = minScore
        self.includeAdvice = includeAdvice
    }
}

/// The annotation that switches rules off for one object: a comma-separated list of rule ids.
public let securitySkipAnnotation = "tarsctl.dev/skip"

/// kube-linter's own per-object opt-out, `ignore-check.kube-linter.io/<check>`, honoured too so
/// charts written for kube-linter keep their exemptions.
let kubeLinterIgnorePrefix = "ignore-check.kube-linter.io/"
/// kube-linter's annotation that exempts an object from all of its checks.
let kubeLinterIgnoreAll = "kube-linter.io/ignore-all"

/// A kubesec rule's outcome inside a workload's score.
public struct KubesecRuleResult: Sendable, Codable, Hashable {
    public var id: String
    public var selector: String
    public var reason: String
    public var points: Int

    public init(id: String, selector: String, reason: String, points: Int) {
        self.id = id
        self.selector = selector
        self.reason = reason
        self.points = points
    }
}

/// kubesec's verdict on one object of a kind it scores. The score is the plain sum of the points
/// of every matched rule; kubesec reports "Failed" exactly when that sum is negative.
public struct WorkloadScore: Sendable, Codable, Hashable {
    public var object: ObjectRef
    public var location: SourceLocation
    public var score: Int
    /// Matched rules with negative points, most negative first.
    public var critical: [KubesecRuleResult]
    /// Matched rules with positive points.
    public var passed: [KubesecRuleResult]
    /// Positive rules that did not match: points that could still be earned.
    public var advise: [KubesecRuleResult]

    public var failed: Bool { score < 0 }

    /// kubesec's summary line for the object.
    public var message: String {
        failed ? "Failed with a score of \(score) points" : "Passed with a score of \(score) points"
    }
}

/// Everything one scan produced.
public struct SecurityReport: Sendable {
    public var findings: [Finding]
    public var scores: [WorkloadScore]
}
