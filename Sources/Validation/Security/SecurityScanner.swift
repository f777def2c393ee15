import KubeClient

/// Runs kubesec's scoring and kube-linter's default checks over the objects of one run.
///
/// Findings: every matched critical kubesec rule is an error; every kube-linter check that fires
/// is a warning; `minScore` adds a `min-score` error for each scored object below it; unknown ids in
/// a `tarsctl.dev/skip` annotation are warnings (`security-skip`). Work per object is linear in its
/// size, and the cross-object checks use one index built up front.
public struct SecurityScanner: Sendable {
    public var options: SecurityOptions

    public init(options: SecurityOptions = SecurityOptions()) {
        self.options = options
    }

    /// Every rule id the scanner knows: kubesec ids, kube-linter check names, `min-score`,
    /// `security-skip`.
    public static let ruleIDs: Set<String> =
        Set(KubesecRules.all.map(\.id)).union(KubeLinterChecks.all.map(\.id)).union(["min-score", "security-skip"])

    public func scan(_ items: [ScannedObject]) -> SecurityReport {
        let index = ObjectIndex(items)
        // Each object is judged on its own against the shared, read-only index: chunks of
        // objects run on all cores and their results are joined in input order.
        let perObject = ParallelMap.map(Array(items.indices), serialBelow: 512) { i in
            scanObject(items[i], index: index)
        }
        var findings: [Finding] = []
        var scores: [WorkloadScore] = []
        findings.reserveCapacity(perObject.reduce(0) { $0 + $1.findings.count })
        for result in perObject {
            findings.append(contentsOf: result.findings)
            if let score = result.score { scores.append(score) }
        }
        return SecurityReport(findings: findings, scores: scores)
    }

    /// The findings and kubesec score of one object.
    private func scanObject(_ item: ScannedObject, index: ObjectIndex) -> (findings: [Finding], score: WorkloadScore?) {
        var findings: [Finding] = []
        var scored: WorkloadScore?
        let globalSkip = options.skip
        let objectSkips = objectSkipList(item, findings: &findings)
        let skip: (String) -> Bool
        switch (globalSkip.isEmpty, objectSkips) {
        case (true, nil): skip = { _ in false }
        case (false, nil): skip = { globalSkip.contains($0) }
        case (_, let own?): skip = { globalSkip.contains($0) || own.contains($0) }
        }
        let pod = PodSpecView(kind: item.ref.kind, object: item.object)
        if let score = KubesecScorer.score(item, pod: pod, skip: skip) {
            for rule in score.critical {
                findings.append(Finding(ruleID: rule.id, severity: .error,
                                        message: "\(item.ref.display): \(rule.reason) (\(rule.selector), \(rule.points) points). \(SecurityRuleCatalog.kubesecFixes[rule.id] ?? "")",
                                        location: item.location, object: item.ref))
            }
            if options.includeAdvice {
                for rule in score.advise {
                    findings.append(Finding(ruleID: rule.id, severity: .info,
                                            message: "\(item.ref.display): \(rule.reason) (\(rule.selector), +\(rule.points) points)",
                                            location: item.location, object: item.ref))
                }
            }
            if let min = options.minScore, score.score < min, !skip("min-score") {
                findings.append(minScoreFinding(score, min: min))
            }
            scored = score
        }
        var ctx = CheckContext(item: item, pod: pod, index: index, skip: skip)
        let deploymentLike = PodSpecView.isDeploymentLike(item.ref.kind)
        for check in KubeLinterChecks.all where check.scope.contains(item.ref.kind, deploymentLike: deploymentLike) && !skip(check.id) {
            check.run(&ctx)
        }
        findings.append(contentsOf: ctx.findings)
        return (findings, scored)
    }

    private func minScoreFinding(_ score: WorkloadScore, min: Int) -> Finding {
        var message = "\(score.object.display) has a kubesec score of \(score.score), below the required \(min)"
        if !score.critical.isEmpty {
            message += "; remove: " + score.critical.map { "\($0.id) (\($0.points))" }.joined(separator: ", ")
        }
        if !score.advise.isEmpty {
            message += "; to gain points: " + score.advise.map { "\($0.id) (+\($0.points))" }.joined(separator: ", ")
        }
        return Finding(ruleID: "min-score", severity: .error, message: message,
                       location: score.location, object: score.object)
    }

    /// Rule ids switched off for this object: its `tarsctl.dev/skip` list and kube-linter's
    /// `ignore-check.kube-linter.io/<check>` keys. Unknown ids in the list are reported.
    private func objectSkipList(_ item: ScannedObject, findings: inout [Finding]) -> Set<String>? {
        guard let annotations = item.annotations, !annotations.isEmpty else { return nil }
        var ids: Set<String>?
        for (key, value) in annotations {
            if key == securitySkipAnnotation, let raw = value.stringValue {
                for part in raw.split(separator: ",") {
                    let id = part.trimmingSpaces
                    guard !id.isEmpty else { continue }
                    if !Self.ruleIDs.contains(id) {
                        var message = "\(item.ref.display): unknown rule id \"\(id)\" in annotation \(securitySkipAnnotation)"
                        if let near = SecurityConfig.closestRuleID(to: id) { message += "; did you mean \"\(near)\"?" }
                        findings.append(Finding(ruleID: "security-skip", severity: .warning, message: message,
                                                location: item.location, object: item.ref,
                                                path: "metadata.annotations.\(securitySkipAnnotation)"))
                    }
                    ids = (ids ?? []).union([id])
                }
            } else if key == kubeLinterIgnoreAll {
                ids = (ids ?? []).union(KubeLinterChecks.all.map(\.id))
            } else if key.hasPrefix(kubeLinterIgnorePrefix) {
                ids = (ids ?? []).union([String(key.dropFirst(kubeLinterIgnorePrefix.count))])
            }
        }
        return ids
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
