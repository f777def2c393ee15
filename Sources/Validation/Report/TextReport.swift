/// Human-readable report: findings grouped per file, then per object, one line each
/// (`file:line:col  severity  rule  message`), scores, and a summary line.
enum TextReport {
    static func render(_ report: ValidationReport, color: Bool) -> String {
        let paint = Paint(enabled: color)
        var out = ""
        let sorted = report.sortedFindings
        var byFile: [String: [Finding]] = [:]
        for f in sorted { byFile[f.location.file, default: []].append(f) }
        let width = sorted.map(\.severity.rawValue.count).max() ?? 0
        for file in report.files {
            guard let findings = byFile[file] else { continue }
            out += paint.bold(file) + "\n"
            // File-level findings first, then objects in the order they appear in the file.
            var groups: [(String?, [Finding])] = []
            var groupIndex: [String?: Int] = [:]
            for f in findings {
                if let i = groupIndex[f.objectLabel] {
                    groups[i].1.append(f)
                } else {
                    groupIndex[f.objectLabel] = groups.count
                    groups.append((f.objectLabel, [f]))
                }
            }
            groups.sort { ($0.0 == nil ? 0 : 1) < ($1.0 == nil ? 0 : 1) }
            for (label, items) in groups {
                var indent = "  "
                if let label {
                    out += "  " + paint.bold(label) + "\n"
                    indent = "    "
                }
                for f in items {
                    let sev = f.severity.rawValue + String(repeating: " ", count: width - f.severity.rawValue.count)
                    var line = indent + f.position + "  " + paint.severity(f.severity, sev) + "  " + f.ruleID + "  " + f.message
                    if let p = f.path, !f.message.contains(p) { line += " (at \(p))" }
                    out += line + "\n"
                }
            }
            out += "\n"
        }
        if !report.scores.isEmpty {
            out += paint.bold("Scores") + "\n"
            for s in report.scores {
                var line = "  " + s.location.file + (s.location.line > 0 ? ":\(s.location.line)" : "") + "  "
                line += s.object.display + "  score " + String(s.score)
                if let m = s.minimum { line += " (minimum \(m))" }
                if !s.critical.isEmpty { line += "  critical: " + s.critical.joined(separator: ", ") }
                out += (s.failed ? paint.severity(.error, line) : line) + "\n"
            }
            out += "\n"
        }
        out += summary(report, paint: paint) + "\n"
        return out
    }

    static func summary(_ report: ValidationReport, paint: Paint) -> String {
        let c = report.counts
        let objects = report.checked.filter { $0.object != nil }.count
        let files = report.files.count
        let parts = [plural(c.errors, "error"), plural(c.warnings, "warning"), plural(c.info, "info", "info")]
        let text = parts.joined(separator: ", ") + " in " + plural(objects, "object") + " (" + plural(files, "file") + ")"
        if c.errors > 0 { return paint.severity(.error, text) }
        if c.warnings > 0 { return paint.severity(.warning, text) }
        return paint.green(text)
    }

    static func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) " + (n == 1 ? one : many ?? one + "s")
    }

    /// ANSI SGR colouring that is a no-op when disabled.
    struct Paint {
        let enabled: Bool
        func wrap(_ code: String, _ s: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func bold(_ s: String) -> String { wrap("1", s) }
        func green(_ s: String) -> String { wrap("32", s) }
        func severity(_ sev: Severity, _ s: String) -> String {
            switch sev {
            case .error: wrap("31", s)
            case .warning: wrap("33", s)
            case .info: wrap("36", s)
            }
        }
    }
}
