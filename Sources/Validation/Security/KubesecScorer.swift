import KubeClient

/// Scores one object the way kubesec does: every rule whose kinds include the object's kind is
/// evaluated; matched rules add their points once; the score is the sum.
enum KubesecScorer {
    /// nil when no kubesec rule applies to the object's kind (such objects have no score and are
    /// never "failed").
    static func score(_ item: ScannedObject, pod: PodSpecView?, skip: (String) -> Bool) -> WorkloadScore? {
        let kind = item.ref.kind
        guard KubesecRules.scoredKinds.contains(kind) else { return nil }
        var score = 0
        var critical: [KubesecRuleResult] = []
        var passed: [KubesecRuleResult] = []
        var advise: [KubesecRuleResult] = []
        var applied = 0
        for rule in KubesecRules.all where rule.kinds.contains(kind) && !skip(rule.id) {
            applied += 1
            let matched = rule.matches(item.object, pod)
            let result = KubesecRuleResult(id: rule.id, selector: rule.selector, reason: rule.reason,
                                           points: rule.points)
            if matched {
                score += rule.points
                if rule.points < 0 { critical.append(result) } else { passed.append(result) }
            } else if rule.points >= 0 {
                advise.append(result)
            }
        }
        // Every applicable rule skipped: kubesec would call the kind unsupported.
        guard applied > 0 else { return nil }
        // kubesec lists the most negative criticals first and the largest gains first.
        let order = KubesecRules.order
        critical.sort { $0.points != $1.points ? $0.points < $1.points : order[$0.id]! < order[$1.id]! }
        passed.sort { $0.points != $1.points ? $0.points > $1.points : order[$0.id]! < order[$1.id]! }
        advise.sort { $0.points != $1.points ? $0.points > $1.points : order[$0.id]! < order[$1.id]! }
        return WorkloadScore(object: item.ref, location: item.location, score: score,
                             critical: critical, passed: passed, advise: advise)
    }
}
