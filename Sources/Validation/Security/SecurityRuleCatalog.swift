/// Descriptions of every security rule for report formats (SARIF `tool.driver.rules`).
public enum SecurityRuleCatalog {
    public static let rules: [RuleDescription] = kubesec + kubeLinter + own

    public static let byID: [String: RuleDescription] = Dictionary(uniqueKeysWithValues: rules.map { ($0.id, $0) })

    static let kubesec: [RuleDescription] = KubesecRules.all.map { rule in
        let kinds = rule.kinds.sorted().joined(separator: ", ")
        let effect = rule.points < 0
            ? "Critical: matching it costs \(-rule.points) points."
            : "Matching it earns \(rule.points) point\(rule.points == 1 ? "" : "s")."
        return RuleDescription(
            id: rule.id,
            shortDescription: "kubesec \(rule.id): \(rule.selector)",
            fullDescription: "\(rule.reason). kubesec selector: \(rule.selector). Applies to \(kinds). \(effect)"
                + (rule.pointsConfirmed ? "" : " (This newer kubesec rule's points could not be confirmed from a kubesec release; tarsctl uses \(rule.points).)"),
            help: help(for: rule),
            defaultSeverity: rule.points < 0 ? .error : .info)
    }

    static let kubeLinter: [RuleDescription] = KubeLinterChecks.all.map { check in
        RuleDescription(
            id: check.id,
            shortDescription: check.description,
            fullDescription: "kube-linter check \(check.id)\(check.enabledByDefaultInKubeLinter ? "" : " (not in kube-linter's default set)"): \(check.description)",
            help: check.remediation,
            defaultSeverity: .warning)
    }

    /// `fix(for:)` of every kubesec rule, by id.
    static let kubesecFixes: [String: String] = Dictionary(uniqueKeysWithValues: KubesecRules.all.map { ($0.id, fix(for: $0)) })

    static let own: [RuleDescription] = [
        RuleDescription(
            id: "min-score",
            shortDescription: "A workload's kubesec score is below the required minimum.",
            fullDescription: "The workload's kubesec score (the sum of the points of the rules it matches) is lower than security.minScore or --min-score.",
            help: "Remove the critical settings listed in the message and adopt the advised ones until the score reaches the minimum, or skip rules that do not apply with tarsctl.dev/skip.",
            defaultSeverity: .error),
        RuleDescription(
            id: "security-skip",
            shortDescription: "A tarsctl.dev/skip annotation names a rule that does not exist.",
            fullDescription: "The comma-separated rule ids in the tarsctl.dev/skip annotation must be kubesec rule ids or kube-linter check names.",
            help: "Correct the rule id (ids are case-sensitive, e.g. RunAsNonRoot, latest-tag) or remove it from the annotation.",
            defaultSeverity: .warning),
    ]

    private static func help(for rule: KubesecRule) -> String {
        fix(for: rule) + " To exempt one object, annotate it with tarsctl.dev/skip: \(rule.id)."
    }

    /// What to change so the rule stops costing (or starts earning) points.
    static func fix(for rule: KubesecRule) -> String {
        switch rule.id {
        case "HostNetwork", "HostPID", "HostIPC":
            "Remove \(rule.selector.split(separator: " ")[1].dropFirst()): true from the pod spec."
        case "Privileged": "Remove securityContext.privileged: true; add only the capabilities the container needs."
        case "CapSysAdmin": "Remove SYS_ADMIN from securityContext.capabilities.add."
        case "AllowPrivilegeEscalation": "Set securityContext.allowPrivilegeEscalation: false."
        case "DockerSock": "Remove the hostPath volume of /var/run/docker.sock."
        case "ProcMount": "Remove the hostPath volume of /proc."
        case "HostAliases": "Remove spec.hostAliases and publish the names through DNS."
        case "SeccompUnconfined": "Use seccompProfile type RuntimeDefault or Localhost instead of Unconfined."
        case "ApparmorUnconfined": "Use appArmorProfile type RuntimeDefault or Localhost instead of Unconfined."
        case "SecretsAsEnvironmentVariables": "Mount the Secret as a volume instead of env valueFrom.secretKeyRef or envFrom.secretRef."
        case "BindingsToSystemAnonymous": "Remove system:anonymous from the binding's subjects."
        default: "Set \(rule.selector) to earn the points."
        }
    }
}
