import KubeClient

/// The object-level checks that `validate` and `lint` share: schema validation against the
/// Kubernetes OpenAPI and the security scan (kubesec scoring, kube-linter checks), folded into
/// one `ValidationReport` so every output format sees schema and security results alike.
public enum ManifestChecks {
    /// Runs the schema check when `schema` is given and the security scan when `security` is
    /// given, over `documents`. `crds` are extra CustomResourceDefinitions (a chart's `crds/`).
    public static func run(_ documents: [ManifestDocument], crds: [ManifestDocument] = [],
                           schema: SchemaOptions?, security: SecurityOptions?) throws(SchemaError) -> ValidationReport {
        var report = ValidationReport()
        if let schema {
            report.findings += try SchemaCheck.validate(documents, crds: crds, options: schema)
            report.rules.append(SchemaCheck.rule)
        }
        var scanned: [ScannedObject] = []
        if security != nil { scanned.reserveCapacity(documents.count) }
        for d in documents {
            var location = d.location
            location.endLine = max(d.endLine, location.line)
            if let ref = d.ref {
                report.checked.append(CheckedObject(object: ref, location: location,
                                                    checks: schema == nil ? [] : [SchemaCheck.rule.id]))
                if security != nil { scanned.append(ScannedObject(ref: ref, object: d.object, location: location)) }
            }
        }
        if let security {
            var scan = SecurityScanner(options: security).validationReport(scanned)
            pointAtFields(&scan.findings, documents: documents)
            report.merge(scan)
        }
        return report
    }

    /// The scanner reports findings at the object's first line; where a finding names a field,
    /// move it to that field's line and column in the source (or its closest existing parent).
    /// Each document's text is read once for all of its findings, documents in parallel.
    static func pointAtFields(_ findings: inout [Finding], documents: [ManifestDocument]) {
        struct Start: Hashable {
            var file: String
            var line: Int
        }
        var byStart: [Start: Int] = [:]
        byStart.reserveCapacity(documents.count)
        for (i, d) in documents.enumerated() where d.ref != nil {
            byStart[Start(file: d.file, line: d.startLine)] = i
        }
        // Findings of one document are mostly adjacent and often name the same field: remember
        // the last document and path looked up.
        var indicesOf = [[Int]](repeating: [], count: documents.count)
        var pathsOf = [[JSONPath]](repeating: [], count: documents.count)
        var parsed: [String: JSONPath] = [:]
        var last: (file: String, line: Int, document: Int?)?
        var lastPath: (text: String, parsed: JSONPath)?
        for i in findings.indices {
            guard let path = findings[i].path, !path.isEmpty else { continue }
            let file = findings[i].location.file, line = findings[i].location.line
            let d: Int?
            if let l = last, l.line == line, l.file == file {
                d = l.document
            } else {
                d = byStart[Start(file: file, line: line)]
                last = (file, line, d)
            }
            guard let d else { continue }
            let jsonPath: JSONPath
            if let l = lastPath, l.text == path {
                jsonPath = l.parsed
            } else if let known = parsed[path] {
                jsonPath = known
                lastPath = (path, known)
            } else {
                jsonPath = JSONPath(parsing: path)
                parsed[path] = jsonPath
                lastPath = (path, jsonPath)
            }
            indicesOf[d].append(i)
            pathsOf[d].append(jsonPath)
        }
        let work = documents.indices.filter { !indicesOf[$0].isEmpty }.map { ($0, indicesOf[$0], pathsOf[$0]) }
        let located = ParallelMap.map(work) { d, indices, paths in
            (indices, documents[d].locations(of: paths))
        }
        for (indices, locations) in located {
            for (i, field) in zip(indices, locations) where field.line > 0 { findings[i].location = field }
        }
    }
}
