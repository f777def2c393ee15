/// The chart lint rules: ids, what each flags, and what to do about it (SARIF `rules`,
/// JUnit testcase names, `-o json` `rules`).
public enum LintRule: String, Sendable, CaseIterable {
    case chartMetadata = "chart-metadata"
    case valuesYAML = "values-yaml"
    case valuesSchema = "values-schema"
    case templateRender = "template-render"
    case manifestYAML = "manifest-yaml"
    case manifestFields = "manifest-fields"
    case dnsName = "dns-1123-name"
    case deprecatedAPI = "deprecated-api"
    case placeholderSecret = "placeholder-secret"
    case containerProbes = "container-probes"
    case containerResources = "container-resources"

    public var id: String { rawValue }

    public var description: RuleDescription {
        switch self {
        case .chartMetadata:
            RuleDescription(id: id, shortDescription: "Chart.yaml has apiVersion, name and a SemVer version",
                            fullDescription: "Chart.yaml must parse and declare apiVersion v1 or v2, a name, and a version that is a SemVer 2 string, as Helm requires to package and install the chart.",
                            help: "Edit Chart.yaml: set `apiVersion: v2`, `name: CHART` and `version: MAJOR.MINOR.PATCH` (e.g. 0.1.0).",
                            defaultSeverity: .error)
        case .valuesYAML:
            RuleDescription(id: id, shortDescription: "Values files are YAML mappings",
                            fullDescription: "The chart's values.yaml and every -f values file must parse as YAML and hold a mapping at the top level.",
                            help: "Fix the YAML at the reported line (indentation, a missing ':' or an unclosed quote are the usual causes).",
                            defaultSeverity: .error)
        case .valuesSchema:
            RuleDescription(id: id, shortDescription: "Values satisfy values.schema.json",
                            fullDescription: "When the chart ships values.schema.json, the merged values (chart defaults, -f files, --set flags) must validate against it, as helm install checks.",
                            help: "Change the value at the reported path, or the schema if the value is intended.",
                            defaultSeverity: .error)
        case .templateRender:
            RuleDescription(id: id, shortDescription: "Every template renders",
                            fullDescription: "Each template must parse and execute with the given values; a `required` or `fail` call, an unknown function or a nil pointer stops the install.",
                            help: "Fix the template at the reported line, or pass the values it requires with -f or --set.",
                            defaultSeverity: .error)
        case .manifestYAML:
            RuleDescription(id: id, shortDescription: "Rendered documents are YAML mappings",
                            fullDescription: "Every document a template renders must be valid YAML holding one Kubernetes object (a mapping).",
                            help: "Check the template's indentation (nindent/indent) and quoting at the reported line of the rendered output (`tarsctl template` shows it).",
                            defaultSeverity: .error)
        case .manifestFields:
            RuleDescription(id: id, shortDescription: "Objects have apiVersion, kind and metadata.name",
                            fullDescription: "The Kubernetes API needs apiVersion, kind and metadata.name (or generateName) on every object.",
                            help: "Add the missing field to the template.",
                            defaultSeverity: .error)
        case .dnsName:
            RuleDescription(id: id, shortDescription: "Object names follow Kubernetes naming rules",
                            fullDescription: "Names must be DNS-1123 subdomains (most kinds), DNS-1123 labels (Namespace), DNS-1035 labels (Service), path segments (RBAC kinds), with the kind's length limit (CronJob 52).",
                            help: "Use lower-case letters, digits and '-', starting and ending with a letter or digit; truncate long names (e.g. `trunc 63 | trimSuffix \"-\"`).",
                            defaultSeverity: .error)
        case .deprecatedAPI:
            RuleDescription(id: id, shortDescription: "No APIs deprecated or removed in the target Kubernetes version",
                            fullDescription: "An apiVersion removed in the --kube-version cannot be installed there (error); one deprecated there will be removed in a later release (warning).",
                            help: "Switch the object to the replacement apiVersion named in the message and adjust its fields to that version.",
                            defaultSeverity: .error)
        case .placeholderSecret:
            RuleDescription(id: id, shortDescription: "No placeholder secrets",
                            fullDescription: "Secret data and secret-like values (passwords, tokens, keys) must not hold placeholders such as REPLACE_WITH_..., changeme, password or TODO.",
                            help: "Provide the real secret at install time (--set, a values file kept out of the repository) or reference an existing Secret.",
                            defaultSeverity: .error)
        case .containerProbes:
            RuleDescription(id: id, shortDescription: "Long-running containers have readiness and liveness probes",
                            fullDescription: "Without a readinessProbe traffic reaches a container before it is ready; without a livenessProbe a hung container is never restarted.",
                            help: "Add readinessProbe and livenessProbe (httpGet, tcpSocket, grpc or exec) to the container.",
                            defaultSeverity: .warning)
        case .containerResources:
            RuleDescription(id: id, shortDescription: "Containers set CPU and memory limits",
                            fullDescription: "A container without resources.limits can starve its node's other workloads.",
                            help: "Set resources.limits.cpu and resources.limits.memory (and matching requests) on the container.",
                            defaultSeverity: .warning)
        }
    }

    public static var descriptions: [RuleDescription] { allCases.map(\.description) }
}
