/// The state of a wait over many objects, and the lines a user sees: one per pending object
/// while waiting, and on timeout the list of what was not ready and why.
public struct WaitReport: Sendable {
    public struct Entry: Sendable {
        public var key: ObjectKey
        public var readiness: Readiness
        public init(key: ObjectKey, readiness: Readiness) {
            self.key = key
            self.readiness = readiness
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry]) { self.entries = entries }

    public var allReady: Bool { entries.allSatisfy(\.readiness.isReady) }
    public var failed: [Entry] { entries.filter { if case .failed = $0.readiness { true } else { false } } }
    public var pending: [Entry] { entries.filter { if case .inProgress = $0.readiness { true } else { false } } }

    /// `Deployment/web: 1 of 2 updated replicas available`, one line per object not ready.
    public var progressLines: [String] {
        entries.compactMap { e in
            switch e.readiness {
            case .ready: return nil
            case .inProgress(let why): return "\(e.key): \(why)"
            case .failed(let why): return "\(e.key): failed: \(why)"
            }
        }
    }

    /// The message for a wait that ran out of time (exit code 4).
    public func timeoutMessage(after seconds: Int) -> String {
        let notReady = entries.filter { !$0.readiness.isReady }
        var out = "timed out after \(Self.duration(seconds)) waiting for \(notReady.count) of \(entries.count) "
            + "object\(entries.count == 1 ? "" : "s") to become ready:"
        for line in progressLines { out += "\n  " + line }
        return out
    }

    /// The message for a wait that cannot succeed (a failed Job, a stuck rollout).
    public var failureMessage: String? {
        let f = failed
        guard !f.isEmpty else { return nil }
        return f.map { "\($0.key): \($0.readiness)" }.joined(separator: "\n")
    }

    /// Go's time.Duration text for whole seconds (`5m0s`, `1h2m3s`, `45s`).
    static func duration(_ s: Int) -> String {
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        return "\(s / 3600)h\(s % 3600 / 60)m\(s % 60)s"
    }
}
