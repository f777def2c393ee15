import ArgumentParser
import ChartRender
import Foundation
import KubeClient
import Validation

/// `tarsctl validate`: schema validation of manifests (files, directories, stdin) or of a
/// rendered chart, offline, against the bundled Kubernetes schemas, and the security scan
/// (kubesec score per workload, kube-linter checks).
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests or a rendered chart against the Kubernetes OpenAPI schemas and the security rules.",
        discussion: "Exit codes: 0 every object is valid, 3 problems were found, 1 a file could not be read, 2 usage error."
    )

    @Argument(help: "Manifest files or directories (*.yaml, *.yml, *.json); '-' reads stdin.")
    var paths: [String] = []
    @Option(name: .customLong("chart"), help: "Render this chart (directory or .tgz) and validate its manifests and crds/.")
    var chart: String?
    @OptionGroup var valuesOptions: ValuesOptions
    @Option(name: [.short, .long], help: "Namespace of the release (with --chart).") var namespace = "default"
    @Option(name: .customLong("release-name"), help: "Release name (with --chart).") var releaseName = "release-name"
    @Option(name: [.customLong("kubernetes-version"), .customLong("kube-version")],
            help: "Kubernetes version whose schemas apply, e.g. 1.32 (default: the newest bundled).")
    var kubernetesVersion: String?
    @Option(name: .customLong("schema-location"),
            help: "Schema directory, URL or path/URL template ({{ .NormalizedKubernetesVersion }}, {{ .ResourceKind }}, {{ .KindSuffix }}, {{ .ResourceAPIVersion }}, {{ .Group }}, {{ .StrictSuffix }}); repeatable; 'default' is the bundle.")
    var schemaLocations: [String] = []
    @Flag(name: .customLong("from-cluster"),
          help: "Take schemas from the connected cluster's /openapi/v3 (its custom resources included) before the bundle; the bundle version follows the cluster's unless --kubernetes-version is given.")
    var fromCluster = false
    @Option(help: "Kubeconfig for --from-cluster (default: $KUBECONFIG, else ~/.kube/config).") var kubeconfig: String?
    @Option(name: .customLong("kube-context"), help: "Kubeconfig context for --from-cluster.") var kubeContext: String?
    @Flag(name: .customLong("strict"), help: "Reject unknown fields.") var strict = false
    @Flag(name: .customLong("ignore-missing-schemas"), help: "Skip objects whose kind has no schema instead of failing.")
    var ignoreMissingSchemas = false
    @Option(name: [.short, .customLong("output")], help: "Report format: text, json, junit or sarif.") var output: ReportFormat = .text
    @OptionGroup var security: SecurityFlags

    func validate() throws {
        if paths.isEmpty && chart == nil { throw ValidationError("give manifest files, directories or '-', or --chart CHART") }
        if !paths.isEmpty && chart != nil { throw ValidationError("give either manifest files or --chart, not both") }
        if !fromCluster && (kubeconfig != nil || kubeContext != nil) {
            throw ValidationError("--kubeconfig and --kube-context choose the cluster for --from-cluster; add --from-cluster or drop them")
        }
        if let v = kubernetesVersion, KubernetesVersion(v) == nil {
            throw ValidationError("--kubernetes-version \(v): use MAJOR.MINOR[.PATCH], e.g. 1.32 or v1.32.3")
        }
    }

    func run() throws {
        var documents: [ManifestDocument] = []
        var crds: [ManifestDocument] = []
        var findings: [Finding] = []
        var files = 0
        if let chart {
            let input = try renderChart(chart)
            for (name, text) in input.rendered {
                let r = ManifestLoader.load(text: text, file: name)
                documents += r.documents
                findings += r.errors.map(Self.finding)
                files += 1
            }
            for (name, data) in input.crds {
                let r = ManifestLoader.load(data: data, file: name)
                crds += r.documents
                findings += r.errors.map(Self.finding)
            }
        } else {
            for loaded in ManifestLoader.load(paths: try expand(paths)) {
                let r: ManifestLoadResult
                switch loaded {
                case .success(let ok): r = ok
                case .failure(let error): throw CLIInput.InputError(description: "\(error.description); check the path")
                }
                documents += r.documents
                findings += r.errors.map(Self.finding)
                files += 1
            }
        }
        var options = SchemaOptions(kubernetesVersion: kubernetesVersion, strict: strict,
                                    ignoreMissingSchemas: ignoreMissingSchemas, schemaLocations: schemaLocations)
        if fromCluster {
            let apiVersions = documents.compactMap { $0.object["apiVersion"]?.stringValue }.filter { !$0.isEmpty }
            let cluster = try clusterSchemas(apiVersions: apiVersions)
            options.clusterOpenAPI = cluster.documents
            if options.kubernetesVersion == nil, let version = cluster.version.flatMap(KubernetesVersion.init),
               let names = try? SchemaBundle.shipped().versionNames, let oldest = names.first, let newest = names.last {
                // The bundle's closest version for kinds the cluster does not publish.
                options.kubernetesVersion = version > KubernetesVersion(newest)! ? newest
                    : version < KubernetesVersion(oldest)! ? oldest : cluster.version
            }
        }
        var report: ValidationReport
        do {
            report = try ManifestChecks.run(documents, crds: crds, schema: options,
                                            security: try security.options(configDirectory: chart))
        } catch let error as SchemaError {
            throw CLIInput.InputError(description: error.description)
        }
        report.findings += findings
        for f in findings where f.ruleID == "yaml" && !report.checked.contains(where: { $0.location.file == f.location.file }) {
            report.checked.append(CheckedObject(object: nil, location: SourceLocation(file: f.location.file), checks: ["yaml"]))
        }
        if !findings.isEmpty { report.rules.append(Self.yamlRule) }
        try ReportOutput.write(report, format: output)
        if report.fails(strict: false) { throw ExitCode(3) }
    }

    /// The cluster's OpenAPI v3 documents of the input's API versions and its Kubernetes version
    /// (`major.minor`, for the bundle), fetched over the kubeconfig's connection.
    private func clusterSchemas(apiVersions: [String]) throws -> (documents: [JSON], version: String?) {
        let client: KubeClient
        do {
            client = try KubeOptions.client(kubeconfig: kubeconfig, context: kubeContext)
        } catch {
            throw CLIInput.InputError(description: "--from-cluster: \(error); check --kubeconfig/--kube-context, or validate against the bundle without --from-cluster")
        }
        let result = ReleaseTaskBox<([JSON], String?)>()
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            do {
                let version = try await client.serverVersion()
                var minor: String?
                if let major = version["major"]?.stringValue, let m = version["minor"]?.stringValue {
                    minor = "\(major).\(m.filter(\.isNumber))"
                }
                result.result = .success((try await client.openAPIV3(apiVersions: apiVersions), minor))
            } catch {
                result.result = .failure(error)
            }
            await client.shutdown()
            semaphore.signal()
        }
        semaphore.wait()
        switch result.result {
        case .success(let (documents, version))?:
            return (documents, version)
        case .failure(let error)?:
            throw CLIInput.InputError(description: "--from-cluster: \(error); or validate against the bundle without --from-cluster")
        case nil:
            throw CLIInput.InputError(description: "--from-cluster: no answer from \(client.config.cluster.server)")
        }
    }

    static let yamlRule = RuleDescription(
        id: "yaml", shortDescription: "File is not readable YAML",
        fullDescription: "The file must be UTF-8 text holding YAML documents, each a mapping (a Kubernetes object).",
        help: "Fix the YAML at the line and column shown; a document must not be a list (use kind: List).",
        defaultSeverity: .error)

    static func finding(_ e: ManifestError) -> Finding {
        Finding(ruleID: "yaml", severity: .error, message: e.message, location: e.location)
    }

    /// Directories expand to their YAML and JSON files, sorted, recursively.
    private func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            if p != "-", FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                guard let e = FileManager.default.enumerator(atPath: p) else {
                    throw CLIInput.InputError(description: "\(p): cannot list the directory")
                }
                var found: [String] = []
                while let rel = e.nextObject() as? String {
                    if rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") || rel.hasSuffix(".json") {
                        found.append((p as NSString).appendingPathComponent(rel))
                    }
                }
                out += found.sorted()
            } else {
                out.append(p)
            }
        }
        return out
    }

    /// Renders the chart like `tarsctl template` and collects crds/ of the chart and its subcharts.
    private func renderChart(_ path: String) throws -> (rendered: [(String, String)], crds: [(String, Data)]) {
        var options = RenderOptions()
        options.releaseName = releaseName
        options.namespace = namespace
        if let kv = kubernetesVersion {
            let plain = kv.hasPrefix("v") ? String(kv.dropFirst()) : kv
            options.capabilities = Capabilities(kubeVersion: plain.split(separator: ".").count == 2 ? plain + ".0" : plain)
        }
        options.userValues = try valuesOptions.userValues()
        let loaded = try Chart.load(path: path)
        let renderOptions = options
        let files = try LargeStack.run { try ChartRenderer.render(loaded, options: renderOptions) }
        let rendered = files.filter { !$0.key.hasSuffix("NOTES.txt") && !$0.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var crds: [(String, Data)] = []
        func collect(_ c: Chart, prefix: String) {
            for (name, bytes) in c.files.sorted(by: { $0.key < $1.key }) where name.hasPrefix("crds/")
                && (name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")) {
                crds.append(("\(prefix)\(name)", Data(bytes)))
            }
            for sub in c.subcharts { collect(sub, prefix: "\(prefix)charts/\(sub.name)/") }
        }
        collect(loaded, prefix: "\(loaded.name)/")
        return (rendered, crds)
    }
}

