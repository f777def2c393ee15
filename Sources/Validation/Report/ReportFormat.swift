/// The output formats shared by `tarsctl lint` and `tarsctl validate` (`-o`).
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    case text, json, junit, sarif

    /// Renders `report`. `color` adds ANSI colour to the text format only; the CLI passes true
    /// when stdout is a terminal and `NO_COLOR` is unset. `toolVersion` goes into SARIF/JSON.
    public func render(_ report: ValidationReport, format: ReportFormat? = nil, color: Bool = false,
                       toolVersion: String = "0.0.0") -> String {
        switch format ?? self {
        case .text: TextReport.render(report, color: color)
        case .json: JSONReport.render(report, toolVersion: toolVersion)
        case .junit: JUnitReport.render(report)
        case .sarif: SARIFReport.render(report, toolVersion: toolVersion)
        }
    }

    /// Convenience used by the CLI: `ReportFormat.render(report, format: .sarif, color: false)`.
    public static func render(_ report: ValidationReport, format: ReportFormat, color: Bool,
                              toolVersion: String = "0.0.0") -> String {
        format.render(report, color: color, toolVersion: toolVersion)
    }

    /// Whether to colour text for a stream: only a terminal, and only when `NO_COLOR` is unset
    /// or empty (https://no-color.org).
    public static func shouldColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        if let v = environment["NO_COLOR"], !v.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }
}
