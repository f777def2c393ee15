import ChartRender
import KubeClient

extension SecurityScanner {
    /// Parses lint's rendered documents into scan input, each with the file and line span it
    /// came from. Documents that are not YAML mappings are left to lint, which reports them.
    public static func objects(from documents: [RenderedDocument]) -> [ScannedObject] {
        documents.compactMap { doc in
            guard let value = try? YAMLValues.parse(doc.text, file: doc.file) else { return nil }
            let json = JSON(yamlValue: value)
            guard json.objectValue != nil else { return nil }
            return ScannedObject(object: json, location: SourceLocation(file: doc.file, line: doc.startLine,
                                                                        column: 1, endLine: doc.endLine))
        }
    }

    /// The scan as a report the shared formats render: findings, every object with the rules
    /// that ran on it (JUnit testcases), the rule descriptions (SARIF), and the workload scores.
    public func validationReport(_ items: [ScannedObject]) -> ValidationReport {
        let result = scan(items)
        var checked: [CheckedObject] = []
        checked.reserveCapacity(items.count)
        // The checks that apply depend only on the kind: work them out once per kind.
        var idsByKind: [String: [String]] = [:]
        for item in items {
            let kind = item.ref.kind
            let ids: [String]
            if let known = idsByKind[kind] {
                ids = known
            } else {
                var fresh = (KubesecScorer.rulesByKind[kind] ?? []).map { KubesecRules.all[$0].id }
                fresh += KubeLinterChecks.all.filter { $0.scope.contains(kind) }.map(\.id)
                fresh = fresh.filter { !options.skip.contains($0) }
                if options.minScore != nil && KubesecScorer.rulesByKind[kind] != nil { fresh.append("min-score") }
                idsByKind[kind] = fresh
                ids = fresh
            }
            guard !ids.isEmpty else { continue }
            checked.append(CheckedObject(object: item.ref, location: item.location, checks: ids))
        }
        let scores = result.scores.map { s in
            ScoreEntry(object: s.object, location: s.location, score: s.score,
                       critical: s.critical.map(\.id), passed: s.passed.map(\.id), advise: s.advise.map(\.id),
                       minimum: options.minScore)
        }
        return ValidationReport(findings: result.findings, checked: checked,
                                rules: SecurityRuleCatalog.rules, scores: scores)
    }
}
