import KubeClient

/// Scores one object the way kubesec does: every rule whose kinds include the object's kind is
/// evaluated; matched rules add their points once; the score is the sum.
enum KubesecScorer {
    /// Each rule's report entry, built once.
    static let results: [KubesecRuleResult] = KubesecRules.all.map {
        KubesecRuleResult(id: $0.id, selector: $0.selector, reason: $0.reason, points: $0.points)
    }
    /// Rule indices in kubesec's listing order: most negative first for critical, largest gain
    /// first for passed and advise, table order among equal points.
    static let criticalOrder: [Int] = KubesecRules.all.indices.filter { KubesecRules.all[$0].points < 0 }
        .sorted { (KubesecRules.all[$0].points, $0) < (KubesecRules.all[$1].points, $1) }
    static let positiveOrder: [Int] = KubesecRules.all.indices.filter { KubesecRules.all[$0].points >= 0 }
        .sorted { (-KubesecRules.all[$0].points, $0) < (-KubesecRules.all[$1].points, $1) }

    /// Indices of the rules that apply to each scored kind.
    static let rulesByKind: [String: [Int]] = {
        var table: [String: [Int]] = [:]
        for (i, rule) in KubesecRules.all.enumerated() {
            for kind in rule.kinds { table[kind, default: []].append(i) }
        }
        return table
    }()

    private enum Outcome { case notApplied, matched, unmatched }

    /// nil when no kubesec rule applies to the object's kind (such objects have no score and are
    /// never "failed").
    static func score(_ item: ScannedObject, pod: PodSpecView?, skip: (String) -> Bool) -> WorkloadScore? {
        guard let applicable = rulesByKind[item.ref.kind] else { return nil }
        let rules = KubesecRules.all
        var outcome = [Outcome](repeating: .notApplied, count: rules.count)
        var score = 0
        var applied = 0
        for i in applicable where !skip(rules[i].id) {
            let rule = rules[i]
            applied += 1
            if rule.matches(item.object, pod) {
                outcome[i] = .matched
                score += rule.points
            } else {
                outcome[i] = .unmatched
            }
        }
        // Every applicable rule skipped: kubesec would call the kind unsupported.
        guard applied > 0 else { return nil }
        var critical: [KubesecRuleResult] = []
        var passed: [KubesecRuleResult] = []
        var advise: [KubesecRuleResult] = []
        for i in criticalOrder where outcome[i] == .matched { critical.append(results[i]) }
        for i in positiveOrder {
            switch outcome[i] {
            case .matched: passed.append(results[i])
            case .unmatched: advise.append(results[i])
            case .notApplied: break
            }
        }
        return WorkloadScore(object: item.ref, location: item.location, score: score,
                             critical: critical, passed: passed, advise: advise)
    }
}
