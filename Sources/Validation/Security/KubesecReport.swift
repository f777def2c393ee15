import KubeClient

extension WorkloadScore {
    /// kubesec's name for the object: `Kind/name.namespace`, the namespace defaulting to `default`.
    public var kubesecObjectName: String {
        "\(object.kind)/\(object.name).\(object.namespace ?? "default")"
    }

    /// The object's entry in kubesec's JSON report (`kubesec scan` prints an array of these):
    /// object, valid, fileName, message, score, and scoring with critical / passed / advise lists,
    /// an empty list left out as kubesec leaves it out.
    public var kubesecJSON: JSON {
        func list(_ rules: [KubesecRuleResult]) -> JSON {
            .array(rules.map { ["id": .string($0.id), "selector": .string($0.selector),
                                "reason": .string($0.reason), "points": .int(Int64($0.points))] })
        }
        var scoring: [String: JSON] = [:]
        if !critical.isEmpty { scoring["critical"] = list(critical) }
        if !passed.isEmpty { scoring["passed"] = list(passed) }
        if !advise.isEmpty { scoring["advise"] = list(advise) }
        return ["object": .string(kubesecObjectName), "valid": true, "fileName": .string(location.file),
                "message": .string(message), "score": .int(Int64(score)), "scoring": .object(scoring)]
    }
}
