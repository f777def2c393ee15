import Foundation
import Yams

/// The lint rules that look at one rendered document: YAML shape, required fields, names,
/// deprecated APIs, placeholder secrets, probes and limits.
enum DocumentRules {
    /// Kinds whose containers run for a long time and so should have probes.
    static let longRunning: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"]
    /// Kinds with a pod template (or that are a pod), and where the pod spec sits.
    static let podSpecPaths: [String: String] = [
        "Pod": "spec", "Deployment": "spec.template.spec", "StatefulSet": "spec.template.spec",
        "DaemonSet": "spec.template.spec", "ReplicaSet": "spec.template.spec",
        "ReplicationController": "spec.template.spec", "Job": "spec.template.spec",
        "CronJob": "spec.jobTemplate.spec.template.spec",
    ]

    static func check(_ doc: RenderedDocument, kubeMinor: Int?, kubeVersion: String, into report: inout ValidationReport) {
        let at = NodeLocator(file: doc.file, lineOffset: doc.startLine - 1)
        let whole = SourceLocation(file: doc.file, line: doc.startLine, column: 1, endLine: doc.endLine)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: doc.text) else { return }
            root = node
        } catch let e as YamlError {
            let (line, column, problem) = describe(e)
            report.findings.append(Finding(
                ruleID: LintRule.manifestYAML.id, severity: .error,
                message: "rendered output of \(doc.template) is not valid YAML: \(problem); check the template's indentation and quoting near this line (`tarsctl template --show-only` prints the output)",
                location: SourceLocation(file: doc.file, line: doc.startLine - 1 + max(line, 1), column: column, endLine: doc.endLine)))
            report.checked.append(CheckedObject(object: nil, location: whole, checks: [LintRule.manifestYAML.id]))
            return
        } catch {
            return
        }
        guard root.mapping != nil else {
            let what = root.sequence != nil ? "a list" : "a scalar"
            report.findings.append(Finding(
                ruleID: LintRule.manifestYAML.id, severity: .error,
                message: "rendered document in \(doc.template) is \(what), not a Kubernetes object (a mapping with apiVersion, kind and metadata); render one object per `---` document",
                location: whole))
            report.checked.append(CheckedObject(object: nil, location: whole, checks: [LintRule.manifestYAML.id]))
            return
        }
        let apiVersion = root["apiVersion"]?.text ?? ""
        let kind = root["kind"]?.text ?? ""
        let nameNode = root.at("metadata.name")
        let name = nameNode?.text ?? root.at("metadata.generateName")?.text ?? ""
        let ref = ObjectRef(apiVersion: apiVersion, kind: kind.isEmpty ? "<no kind>" : kind,
                            name: name.isEmpty ? "<no name>" : name, namespace: root.at("metadata.namespace")?.text)
        var checks = [LintRule.manifestYAML.id, LintRule.manifestFields.id, LintRule.dnsName.id, LintRule.deprecatedAPI.id]
        func add(_ rule: LintRule, _ severity: Severity, _ message: String, _ node: Node?, path: String? = nil) {
            report.findings.append(Finding(ruleID: rule.id, severity: severity, message: message,
                                           location: node == nil ? whole : at.location(node, endLine: nil), object: ref, path: path))
        }

        // Required fields.
        var missing: [String] = []
        if apiVersion.isEmpty { missing.append("apiVersion") }
        if kind.isEmpty { missing.append("kind") }
        // kubectl-style `kind: List` (and `*List`) documents carry items, not a name.
        let isList = kind.hasSuffix("List") && root["items"]?.sequence != nil
        if !isList {
            if root["metadata"]?.mapping == nil { missing.append("metadata") }
            else if name.isEmpty { missing.append("metadata.name") }
        }
        for field in missing {
            add(.manifestFields, .error, "\(ref.display) in \(doc.template) has no \(field); every Kubernetes object needs apiVersion, kind and metadata.name — add \(field) to the template", nil, path: field)
        }

        // Names.
        if let nameNode, let n = nameNode.text, !kind.isEmpty {
            let rule = NameRule.forKind(kind)
            if let problem = rule.problem(n) {
                add(.dnsName, .error, "\(kind) name \"\(n)\" is not a valid \(rule.name): it \(problem); use lower-case letters, digits and '-' (e.g. `| lower | trunc 63 | trimSuffix \"-\"`)", nameNode, path: "metadata.name")
            }
        }

        if let nsNode = root.at("metadata.namespace"), let ns = nsNode.text, !ns.isEmpty, let problem = NameRule.label.problem(ns) {
            add(.dnsName, .error, "namespace \"\(ns)\" of \(ref.display) is not a valid DNS-1123 label: it \(problem); namespaces use lower-case letters, digits and '-', at most 63 characters", nsNode, path: "metadata.namespace")
        }

        // Deprecated and removed APIs.
        if let dep = DeprecatedAPI.lookup(apiVersion: apiVersion, kind: kind), let minor = kubeMinor, minor >= dep.deprecatedIn {
            let instead = dep.replacement.map { "use \($0) instead" } ?? "it has no replacement; remove the object"
            let node = root["apiVersion"]
            if minor >= dep.removedIn {
                add(.deprecatedAPI, .error, "\(apiVersion) \(kind) was removed in Kubernetes 1.\(dep.removedIn) and cannot be installed on \(kubeVersion); \(instead)", node, path: "apiVersion")
            } else {
                add(.deprecatedAPI, .warning, "\(apiVersion) \(kind) is deprecated since Kubernetes 1.\(dep.deprecatedIn) and removed in 1.\(dep.removedIn); \(instead)", node, path: "apiVersion")
            }
        }

        // Secrets with placeholder data.
        if kind == "Secret" {
            checks.append(LintRule.placeholderSecret.id)
            for field in ["data", "stringData"] {
                guard let map = root[field]?.mapping else { continue }
                for (k, v) in map {
                    guard let key = k.text, var value = v.text else { continue }
                    if field == "data" {
                        guard let d = Data(base64Encoded: value.filter { !$0.isWhitespace }),
                              let s = String(data: d, encoding: .utf8) else { continue }
                        value = s
                    }
                    if let p = Placeholder.match(value, key: key, keyMustLookSecret: false) {
                        add(.placeholderSecret, .error, "Secret \(name) key \(field).\(key) holds the placeholder \"\(p)\"; set the real value at install time (--set, a private values file) or use an existing Secret", v, path: "\(field).\(key)")
                    }
                }
            }
        }

        // Containers: probes and limits.
        if let specPath = podSpecPaths[kind], let spec = root.at(specPath) {
            checks.append(LintRule.containerResources.id)
            if longRunning.contains(kind) { checks.append(LintRule.containerProbes.id) }
            for list in ["initContainers", "containers"] {
                guard let containers = spec[list]?.sequence else { continue }
                for (i, c) in containers.enumerated() {
                    let cname = c["name"]?.text ?? "#\(i)"
                    let path = "\(specPath).\(list)[\(i)]"
                    if list == "containers" && longRunning.contains(kind) {
                        let absent = ["readinessProbe", "livenessProbe"].filter { c[$0] == nil }
                        if !absent.isEmpty {
                            add(.containerProbes, .warning, "container \"\(cname)\" of \(ref.display) has no \(absent.joined(separator: " or ")); add \(absent.count == 1 ? "it" : "them") so Kubernetes knows when the container is ready and alive", c["name"] ?? c, path: path)
                        }
                    }
                    let limits = c.at("resources.limits")
                    let absent = ["cpu", "memory"].filter { limits?[$0] == nil }
                    if !absent.isEmpty {
                        add(.containerResources, .warning, "container \"\(cname)\" of \(ref.display) sets no \(absent.map { "resources.limits.\($0)" }.joined(separator: " or ")); set \(absent.count == 1 ? "it" : "them") so one workload cannot starve the node", c["name"] ?? c, path: path + ".resources.limits")
                    }
                }
            }
        }
        report.checked.append(CheckedObject(object: ref, location: whole, checks: checks))
    }

    static func describe(_ e: YamlError) -> (line: Int, column: Int, problem: String) {
        switch e {
        case .scanner(let ctx, let problem, let mark, _), .parser(let ctx, let problem, let mark, _),
             .composer(let ctx, let problem, let mark, _):
            let context = ctx.map { "\($0.text) " } ?? ""
            return (mark.line, mark.column, context + problem)
        default:
            return (0, 0, "\(e)")
        }
    }
}

/// Values that are obviously not real secrets.
enum Placeholder {
    static let exact: Set<String> = [
        "changeme", "change-me", "change_me", "changeit", "password", "passw0rd", "secret", "todo", "fixme",
        "xxx", "xxxx", "xxxxxx", "placeholder", "dummy", "example", "replaceme", "replace-me", "<password>", "<secret>", "<token>",
    ]
    static let secretKey = ["password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "credential", "privatekey", "private_key"]

    /// The placeholder found in `value`, or nil. With `keyMustLookSecret`, only keys that name a
    /// secret count (values files hold many ordinary strings); `REPLACE_WITH_` always counts.
    static func match(_ value: String, key: String, keyMustLookSecret: Bool) -> String? {
        let v = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if v.uppercased().hasPrefix("REPLACE_WITH") || v.uppercased().hasPrefix("REPLACE-WITH") { return v }
        if keyMustLookSecret {
            let k = key.lowercased()
            guard secretKey.contains(where: { k.contains($0) }) else { return nil }
        }
        let lower = v.lowercased()
        // `passwordKey: password` names a key inside a Secret; it is not the secret itself.
        let k = key.lowercased()
        if ["key", "name", "ref", "path", "file"].contains(where: { k.hasSuffix($0) }) && (lower == "password" || lower == "secret" || lower == "token") {
            return nil
        }
        if exact.contains(lower) { return v }
        if lower.hasPrefix("todo:") || lower.hasPrefix("todo ") || lower.hasPrefix("fixme:") { return v }
        if lower.hasPrefix("changeme") || lower.hasPrefix("change_me") || lower.hasPrefix("change-me") { return v }
        return nil
    }
}
