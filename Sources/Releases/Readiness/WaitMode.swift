import KubeClient

/// `--wait[=watcher|hookOnly|legacy]`. tarsctl waits for readiness by default (`watcher`);
/// `hookOnly` waits for hooks only, as Helm 4 does without the flag; `legacy` waits like
/// Helm 3's `--wait` (the same readiness rules here).
public enum WaitMode: String, Sendable, CaseIterable {
    case watcher
    case hookOnly
    case legacy

    /// The flag's value; a bare `--wait` means `watcher`.
    public init(flag value: String?) throws(WaitModeError) {
        guard let value, !value.isEmpty else {
            self = .watcher
            return
        }
        guard let mode = WaitMode(rawValue: value) else { throw WaitModeError(value: value) }
        self = mode
    }

    /// The applied objects to wait for: none with `hookOnly`; Jobs only with `--wait-for-jobs`.
    public func targets(_ objects: [JSON], waitForJobs: Bool) -> [JSON] {
        guard self != .hookOnly else { return [] }
        return objects.filter { o in
            let key = ObjectKey(o)
            return !(key.kind == "Job" && key.group == "batch") || waitForJobs
        }
    }
}

/// A `--wait` value that is not one of the modes (a usage error, exit code 2).
public struct WaitModeError: Error, Sendable, CustomStringConvertible {
    public var value: String
    public var description: String {
        "invalid value \"\(value)\" for --wait: use \(WaitMode.allCases.map(\.rawValue).joined(separator: ", ")) (a bare --wait means watcher)"
    }
}
