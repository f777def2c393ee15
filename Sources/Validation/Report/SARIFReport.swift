/// SARIF 2.1.0 as GitHub code scanning reads it: one run, `tool.driver.rules` for every rule
/// that ran or produced a finding, results with level, message, a repo-relative location
/// (`uriBaseId` `%SRCROOT%`), a region at the offending field with the whole object's lines as
/// its `contextRegion`, and a partial fingerprint that survives the object moving within its file.
enum SARIFReport {
    static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    static let informationURI = "https://github.com/tars-project/tarsctl"

    static func render(_ report: ValidationReport, toolVersion: String) -> String {
        let findings = report.sortedFindings
        var ruleIDs = report.rules.map(\.id)
        for f in findings where !ruleIDs.contains(f.ruleID) { ruleIDs.append(f.ruleID) }
        let rules = ruleIDs.map(report.describe)
        let indexOf = Dictionary(ruleIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let spans = ObjectSpans(report.checked)
        let doc: JSONText = .object([
            ("$schema", .string(schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", .object([
                    ("name", .string("tarsctl")),
                    ("version", .string(toolVersion)),
                    ("semanticVersion", .string(toolVersion)),
                    ("informationUri", .string(informationURI)),
                    ("rules", .array(rules.map(rule))),
                ]))])),
                ("results", .array(findings.map { result($0, ruleIndex: indexOf[$0.ruleID] ?? 0, enclosing: enclosingObject($0, in: spans)) })),
                ("columnKind", .string("unicodeCodePoints")),
            ])])),
        ])
        return doc.pretty()
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    static func rule(_ r: RuleDescription) -> JSONText {
        .object([
            ("id", .string(r.id)),
            ("name", .string(ruleName(r.id))),
            ("shortDescription", .object([("text", .string(r.shortDescription))])),
            ("fullDescription", .object([("text", .string(r.fullDescription))])),
            ("help", .object([("text", .string(r.help))])),
            ("defaultConfiguration", .object([("level", .string(level(r.defaultSeverity)))])),
        ])
    }

    /// SARIF `name` is an identifier-like form of the id: `dns-1123-name` → `Dns1123Name`.
    static func ruleName(_ id: String) -> String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The lines of the checked object a finding sits in, when they extend beyond the finding's
    /// own region (SARIF `contextRegion`: the whole object around the offending field).
    /// The checked objects' line spans, looked up by file and object.
    struct ObjectSpans {
        struct Key: Hashable {
            var file: String
            var object: ObjectRef
        }
        var spans: [Key: [SourceLocation]] = [:]

        init(_ checked: [CheckedObject]) {
            for c in checked {
                guard let o = c.object else { continue }
                spans[Key(file: c.file, object: o), default: []].append(c.location)
            }
        }
    }

    static func enclosingObject(_ f: Finding, in spans: ObjectSpans) -> SourceLocation? {
        guard let o = f.object, f.location.line > 0 else { return nil }
        let span = spans.spans[ObjectSpans.Key(file: f.location.file, object: o)]?.first { c in
            c.line <= f.location.line && f.location.line <= c.endLine
        }
        guard let span, span.line < f.location.line || span.endLine > f.location.endLine else { return nil }
        return span
    }

    static func result(_ f: Finding, ruleIndex: Int, enclosing: SourceLocation? = nil) -> JSONText {
        var text = f.message
        if let o = f.object, !text.contains(o.display) { text = "\(o.display): \(text)" }
        var physical: [(String, JSONText)] = [("artifactLocation", artifact(f.location.file))]
        if f.location.line > 0 {
            var region: [(String, JSONText)] = [
                ("startLine", .int(f.location.line)),
                ("endLine", .int(max(f.location.endLine, f.location.line))),
            ]
            if f.location.column > 0 { region.append(("startColumn", .int(f.location.column))) }
            physical.append(("region", .object(region)))
            if let span = enclosing {
                physical.append(("contextRegion", .object([("startLine", .int(span.line)), ("endLine", .int(max(span.endLine, span.line)))])))
            }
        }
        let objectKey = f.object.map { "\($0.kind)/\($0.namespace ?? "")/\($0.name)" } ?? ""
        let fingerprint = fnv1aHex([f.ruleID, objectKey, f.path ?? "", f.location.file].joined(separator: "\u{0}"))
        var members: [(String, JSONText)] = [
            ("ruleId", .string(f.ruleID)),
            ("ruleIndex", .int(ruleIndex)),
            ("level", .string(level(f.severity))),
            ("message", .object([("text", .string(text))])),
            ("locations", .array([.object([("physicalLocation", .object(physical))])])),
            ("partialFingerprints", .object([("tarsctl/v1", .string(fingerprint))])),
        ]
        if let o = f.object {
            var props: [(String, JSONText)] = [("apiVersion", .string(o.apiVersion)), ("kind", .string(o.kind)), ("name", .string(o.name))]
            if let ns = o.namespace { props.append(("namespace", .string(ns))) }
            if let p = f.path { props.append(("path", .string(p))) }
            members.append(("properties", .object(props)))
        }
        return .object(members)
    }

    /// Relative paths are given against `%SRCROOT%` (the repository root in CI); absolute
    /// paths become `file://` URIs. Path segments are percent-encoded per RFC 3986.
    static func artifact(_ path: String) -> JSONText {
        if path.hasPrefix("/") {
            return .object([("uri", .string("file://" + encode(path)))])
        }
        var rel = path
        while rel.hasPrefix("./") { rel.removeFirst(2) }
        return .object([("uri", .string(encode(rel))), ("uriBaseId", .string("%SRCROOT%"))])
    }

    static func encode(_ path: String) -> String {
        var out = ""
        for b in path.utf8 {
            let c = Character(UnicodeScalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~/".contains(c)) {
                out.append(c)
            } else {
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
