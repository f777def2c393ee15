/// The JSON report. Shape (stable; new keys may be added, existing ones keep their meaning):
///
///     { "tool": {"name": "tarsctl", "version": "…"},
///       "summary": {"errors": n, "warnings": n, "info": n, "objects": n, "files": n},
///       "findings": [{"rule", "severity", "message", "file", "line", "column", "endLine",
///                     "object": {"apiVersion", "kind", "name", "namespace"} | null, "path" | null}],
///       "checked": [{"file", "line", "endLine", "object" | null, "checks": [id]}],
///       "rules": [{"id", "shortDescription", "fullDescription", "help", "severity"}],
///       "scores": [{"file", "line", "object", "score", "minimum" | null, "failed",
///                   "critical": [id], "passed": [id], "advise": [id]}] }
///
/// Lines and columns are 1-based; 0 means unknown. Findings are sorted by file, line, column, rule.
enum JSONReport {
    static func render(_ report: ValidationReport, toolVersion: String) -> String {
        let c = report.counts
        let doc: JSONText = .object([
            ("tool", .object([("name", .string("tarsctl")), ("version", .string(toolVersion))])),
            ("summary", .object([
                ("errors", .int(c.errors)), ("warnings", .int(c.warnings)), ("info", .int(c.info)),
                ("objects", .int(report.checked.filter { $0.object != nil }.count)),
                ("files", .int(report.files.count)),
            ])),
            ("findings", .array(report.sortedFindings.map(finding))),
            ("checked", .array(report.checked.map { c in
                .object([
                    ("file", .string(c.file)), ("line", .int(c.location.line)), ("endLine", .int(c.location.endLine)),
                    ("object", c.object.map(object) ?? .null), ("checks", .array(c.checks.map { .string($0) })),
                ])
            })),
            ("rules", .array(report.rules.map { r in
                .object([
                    ("id", .string(r.id)), ("shortDescription", .string(r.shortDescription)),
                    ("fullDescription", .string(r.fullDescription)), ("help", .string(r.help)),
                    ("severity", .string(r.defaultSeverity.rawValue)),
                ])
            })),
            ("scores", .array(report.scores.map { s in
                .object([
                    ("file", .string(s.location.file)), ("line", .int(s.location.line)),
                    ("object", object(s.object)), ("score", .int(s.score)),
                    ("minimum", s.minimum.map { .int($0) } ?? .null), ("failed", .bool(s.failed)),
                    ("critical", .array(s.critical.map { .string($0) })),
                    ("passed", .array(s.passed.map { .string($0) })),
                    ("advise", .array(s.advise.map { .string($0) })),
                ])
            })),
        ])
        return doc.pretty()
    }

    static func finding(_ f: Finding) -> JSONText {
        .object([
            ("rule", .string(f.ruleID)), ("severity", .string(f.severity.rawValue)), ("message", .string(f.message)),
            ("file", .string(f.location.file)), ("line", .int(f.location.line)), ("column", .int(f.location.column)),
            ("endLine", .int(f.location.endLine)), ("object", f.object.map(object) ?? .null), ("path", .optional(f.path)),
        ])
    }

    static func object(_ o: ObjectRef) -> JSONText {
        .object([
            ("apiVersion", .string(o.apiVersion)), ("kind", .string(o.kind)), ("name", .string(o.name)),
            ("namespace", .optional(o.namespace)),
        ])
    }
}
