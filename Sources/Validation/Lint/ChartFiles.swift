import ChartRender
import Foundation
import Yams

/// Lint rules on the chart's own files: Chart.yaml and the values files.
enum ChartFiles {
    /// SemVer 2.0.0 (semver.org), with Helm's tolerated leading `v`.
    static let semver = #"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-((0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?$"#

    /// Checks Chart.yaml at `file` (display path) with contents `text` (nil: missing). Returns
    /// false when the chart cannot be loaded at all (no file, bad YAML, no name), so rendering is skipped.
    @discardableResult
    static func checkChartYAML(_ text: String?, file: String, kubeVersion: String, into report: inout ValidationReport) -> Bool {
        let rule = LintRule.chartMetadata.id
        report.checked.append(CheckedObject(object: nil, location: SourceLocation(file: file, line: 1), checks: [rule]))
        func add(_ message: String, _ node: Node?) {
            let loc = NodeLocator(file: file, lineOffset: 0).location(node)
            report.findings.append(Finding(ruleID: rule, severity: .error, message: message,
                                           location: node == nil ? SourceLocation(file: file, line: 1, column: 1) : loc))
        }
        guard let text else {
            report.findings.append(Finding(ruleID: rule, severity: .error,
                                           message: "\(file) is missing; a chart directory needs a Chart.yaml with apiVersion, name and version",
                                           location: SourceLocation(file: file)))
            return false
        }
        let root: Node
        do {
            guard let n = try Yams.compose(yaml: text) else {
                add("Chart.yaml is empty; add `apiVersion: v2`, `name:` and `version:`", nil)
                return false
            }
            root = n
        } catch let e as YamlError {
            let (line, column, problem) = DocumentRules.describe(e)
            report.findings.append(Finding(ruleID: rule, severity: .error, message: "Chart.yaml is not valid YAML: \(problem); fix the YAML at this line",
                                           location: SourceLocation(file: file, line: line, column: column)))
            return false
        } catch {
            add("Chart.yaml cannot be read: \(error)", nil)
            return false
        }
        guard root.mapping != nil else {
            add("Chart.yaml must be a mapping (key: value lines), not a list or a scalar", root)
            return false
        }
        var loadable = true
        switch root["apiVersion"]?.text {
        case nil, "": add("Chart.yaml has no apiVersion; add `apiVersion: v2` (Helm 3 charts)", nil)
        case "v1", "v2": break
        case let v?: add("Chart.yaml apiVersion \"\(v)\" is not v1 or v2; use `apiVersion: v2`", root["apiVersion"])
        }
        if let name = root["name"]?.text, !name.isEmpty {
            if name.contains("/") || name.contains("\\") || name.contains(" ") {
                add("chart name \"\(name)\" may not contain '/', '\\' or spaces; use letters, digits and '-'", root["name"])
            }
        } else {
            add("Chart.yaml has no name; add `name: CHART`", root["name"])
            loadable = false
        }
        if let version = root["version"]?.text, !version.isEmpty {
            if version.range(of: semver, options: .regularExpression) == nil {
                add("Chart.yaml version \"\(version)\" is not a SemVer 2 version; use MAJOR.MINOR.PATCH, e.g. 1.2.0 or 1.2.0-rc.1", root["version"])
            }
        } else {
            add("Chart.yaml has no version; add `version: 0.1.0` (SemVer)", root["version"])
        }
        if let type = root["type"]?.text, type != "application" && type != "library" {
            add("Chart.yaml type \"\(type)\" must be application or library", root["type"])
        }
        if let constraint = root["kubeVersion"]?.text, !constraint.isEmpty {
            switch kubeVersionSatisfies(constraint, kubeVersion) {
            case .some(false):
                add("the chart requires kubeVersion \(constraint), which is incompatible with Kubernetes \(kubeVersion) (the --kube-version target); helm install would refuse it — target a newer version or widen the constraint", root["kubeVersion"])
            case nil:
                add("Chart.yaml kubeVersion \"\(constraint)\" is not a valid SemVer constraint; use e.g. \">=1.29.0-0\"", root["kubeVersion"])
            default: break
            }
        }
        return loadable
    }

    /// values.schema.json must be JSON (Helm refuses the chart otherwise); false when it is not.
    static func checkSchemaFile(_ text: String?, file: String, into report: inout ValidationReport) -> Bool {
        guard let text else {
            report.findings.append(Finding(ruleID: LintRule.valuesSchema.id, severity: .error,
                                           message: "values.schema.json is not UTF-8 text; save it as UTF-8 JSON", location: SourceLocation(file: file)))
            return false
        }
        do {
            _ = try JSONValueParser.parse(text)
            return true
        } catch {
            // Line and column of the byte offset the parser stopped at.
            let prefix = text.utf8.prefix(error.offset)
            let line = prefix.filter { $0 == 0x0A }.count + 1
            let column = prefix.count - (prefix.lastIndex(of: 0x0A).map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
            report.findings.append(Finding(ruleID: LintRule.valuesSchema.id, severity: .error,
                                           message: "values.schema.json is not valid JSON: \(error.message); fix the JSON at this position",
                                           location: SourceLocation(file: file, line: line, column: column)))
            return false
        }
    }

    /// Helm's IsCompatibleRange, through the template engine's `semverCompare`; nil when the
    /// constraint does not parse.
    static func kubeVersionSatisfies(_ constraint: String, _ version: String) -> Bool? {
        var set = TemplateSet(functions: FunctionLibrary.standard(), missingKey: .zero)
        do {
            try set.parse(name: "kubeVersion", text: "{{ semverCompare .c .v }}")
            return try set.execute("kubeVersion", data: .map(["c": .string(constraint), "v": .string(version)])) == "true"
        } catch {
            return nil
        }
    }

    /// Parses a values file, reporting YAML errors and placeholder secrets; returns the parsed
    /// tree (nil when broken) so schema violations can point at the offending key.
    @discardableResult
    static func checkValuesFile(_ text: String, file: String, into report: inout ValidationReport) -> Node? {
        report.checked.append(CheckedObject(object: nil, location: SourceLocation(file: file, line: 1),
                                            checks: [LintRule.valuesYAML.id, LintRule.placeholderSecret.id]))
        let root: Node
        do {
            guard let n = try Yams.compose(yaml: text) else { return nil }
            root = n
        } catch let e as YamlError {
            let (line, column, problem) = DocumentRules.describe(e)
            report.findings.append(Finding(ruleID: LintRule.valuesYAML.id, severity: .error,
                                           message: "values file is not valid YAML: \(problem); fix the YAML at this line",
                                           location: SourceLocation(file: file, line: line, column: column)))
            return nil
        } catch {
            report.findings.append(Finding(ruleID: LintRule.valuesYAML.id, severity: .error,
                                           message: "values file cannot be parsed: \(error)", location: SourceLocation(file: file)))
            return nil
        }
        guard root.mapping != nil else {
            report.findings.append(Finding(ruleID: LintRule.valuesYAML.id, severity: .error,
                                           message: "a values file must be a YAML mapping (key: value), not a list or a scalar",
                                           location: NodeLocator(file: file, lineOffset: 0).location(root)))
            return nil
        }
        scanPlaceholders(root, path: [], file: file, into: &report)
        return root
    }

    private static func scanPlaceholders(_ node: Node, path: [String], file: String, into report: inout ValidationReport) {
        if let m = node.mapping {
            for (k, v) in m { scanPlaceholders(v, path: path + [k.text ?? "?"], file: file, into: &report) }
        } else if let s = node.sequence {
            for (i, v) in s.enumerated() { scanPlaceholders(v, path: path + [String(i)], file: file, into: &report) }
        } else if let value = node.text, let key = path.last {
            let secretLike = path.contains { k in Placeholder.secretKey.contains { k.lowercased().contains($0) } }
            guard secretLike || value.uppercased().hasPrefix("REPLACE_WITH") || value.uppercased().hasPrefix("REPLACE-WITH"),
                  let p = Placeholder.match(value, key: key, keyMustLookSecret: false) else { return }
            let dotted = path.joined(separator: ".")
            report.findings.append(Finding(
                ruleID: LintRule.placeholderSecret.id, severity: .warning,
                message: "value \(dotted) is the placeholder \"\(p)\"; pass the real secret at install time (--set \(dotted)=…) or point the chart at an existing Secret",
                location: NodeLocator(file: file, lineOffset: 0).location(node), path: dotted))
        }
    }

    /// The node at a schema violation path (`a.b.0.c`) in a values tree.
    static func node(at path: String, in root: Node) -> Node? {
        if path == "(root)" { return root }
        var node: Node? = root
        for part in path.split(separator: ".") {
            if let seq = node?.sequence, let i = Int(part) {
                node = i < seq.count ? seq[i] : nil
            } else {
                node = node?.mapping?[String(part)]
            }
        }
        return node
    }
}
