/// How serious a validation finding is; `--strict` promotes warnings to errors.
public enum Severity: String, Sendable, Codable, Comparable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}
