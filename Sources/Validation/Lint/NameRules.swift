/// Kubernetes object-name rules (k8s.io/apimachinery validation), chosen per kind the way
/// the API server validates them.
enum NameRule: Sendable {
    /// RFC 1123 subdomain: at most 253 characters of `[a-z0-9.-]`, alphanumeric at both ends
    /// of each dot-separated part.
    case subdomain(maxLength: Int)
    /// RFC 1123 label: at most 63 characters of `[a-z0-9-]`, alphanumeric at both ends.
    case label
    /// RFC 1035 label: a label that starts with a letter (Service names).
    case dns1035
    /// A path segment: anything but `.`, `..`, or text containing `/` or `%` (RBAC kinds).
    case pathSegment

    static func forKind(_ kind: String) -> NameRule {
        switch kind {
        case "Namespace": .label
        case "Service": .dns1035
        case "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding": .pathSegment
        case "CronJob": .subdomain(maxLength: 52)
        default: .subdomain(maxLength: 253)
        }
    }

    var name: String {
        switch self {
        case .subdomain: "DNS-1123 subdomain"
        case .label: "DNS-1123 label"
        case .dns1035: "DNS-1035 label"
        case .pathSegment: "path segment name"
        }
    }

    /// Nil when valid, otherwise what is wrong.
    func problem(_ name: String) -> String? {
        switch self {
        case .pathSegment:
            if name == "." || name == ".." { return "may not be '.' or '..'" }
            if name.contains("/") || name.contains("%") { return "may not contain '/' or '%'" }
            return nil
        case .subdomain(let max):
            if name.count > max { return "must be no more than \(max) characters (it has \(name.count))" }
            for part in name.split(separator: ".", omittingEmptySubsequences: false) {
                if let p = NameRule.labelProblem(part, firstMustBeLetter: false, allowEmptyMessage: "may not contain empty parts between dots") {
                    return p
                }
            }
            return nil
        case .label:
            if name.count > 63 { return "must be no more than 63 characters (it has \(name.count))" }
            return NameRule.labelProblem(Substring(name), firstMustBeLetter: false, allowEmptyMessage: "may not be empty")
        case .dns1035:
            if name.count > 63 { return "must be no more than 63 characters (it has \(name.count))" }
            return NameRule.labelProblem(Substring(name), firstMustBeLetter: true, allowEmptyMessage: "may not be empty")
        }
    }

    private static func labelProblem(_ s: Substring, firstMustBeLetter: Bool, allowEmptyMessage: String) -> String? {
        guard let first = s.first, let last = s.last else { return allowEmptyMessage }
        if let bad = s.first(where: { !(("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-") }) {
            return bad.isUppercase ? "must be lower case (found '\(bad)')" : "may not contain '\(bad)'"
        }
        if firstMustBeLetter && !("a"..."z").contains(first) { return "must start with a letter" }
        if first == "-" { return "must start with a letter or digit" }
        if last == "-" { return "must end with a letter or digit" }
        return nil
    }
}
