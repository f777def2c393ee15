import ArgumentParser
import ChartRender
import Foundation
import Validation

/// `tarsctl lint CHART`: chart lint rules over the chart's files and every rendered object,
/// reported as text, JSON, JUnit or SARIF; exit 3 when problems were found.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a chart and its rendered objects (exit 3 on problems).",
        discussion: """
        Checks Chart.yaml, values files and values.schema.json, renders every template with the given \
        values, and checks each object: YAML shape, apiVersion/kind/metadata.name, DNS-1123 names, APIs \
        deprecated or removed in --kube-version, placeholder secrets, and (as warnings) missing probes \
        and resource limits. Positions inside rendered objects are lines of that template's rendered \
        output (what `tarsctl template --show-only FILE` prints). Exit codes: 0 clean, 3 problems found \
        (errors, or warnings with --strict), 1 the chart or a file could not be read, 2 usage error.
        """
    )

    @Argument(help: "The chart directory (the one holding Chart.yaml) or a packaged chart (.tgz).") var chart: String
    @OptionGroup var valuesOptions: ValuesOptions
    @Option(name: [.short, .long], help: "Namespace of the release.") var namespace = "default"
    @Flag(help: "Treat warnings as errors (they then fail the run).") var strict = false
    @Flag(name: .customLong("with-subcharts"), help: "Also lint the charts in charts/ and their rendered objects.") var withSubcharts = false
    @Option(name: .customLong("kube-version"), help: "Target Kubernetes version for removed/deprecated APIs, Chart.yaml kubeVersion and .Capabilities, e.g. 1.31 (default 1.32).")
    var kubeVersion: String?
    @Option(name: [.short, .customLong("api-versions")], help: "Kubernetes API versions for .Capabilities.APIVersions (repeatable).")
    var apiVersions: [String] = []
    @Option(name: [.short, .customLong("output")], help: "Report format: text, json, junit or sarif.") var output: ReportFormat = .text
    @OptionGroup var security: SecurityFlags

    func validate() throws {
        if let v = kubeVersion, v.range(of: #"^v?\d+\.\d+(\.\d+)?$"#, options: .regularExpression) == nil {
            throw ValidationError("--kube-version \(v): invalid kube version; use MAJOR.MINOR[.PATCH], e.g. 1.31.0")
        }
    }

    func run() throws {
        var options = LintOptions()
        options.namespace = namespace
        options.kubeVersion = kubeVersion
        options.apiVersions = apiVersions
        options.withSubcharts = withSubcharts
        options.valuesFiles = valuesOptions.values.map(Self.relativeToWorkingDirectory)
        let result: LintResult
        do {
            result = try ChartLinter.lint(chartPath: Self.relativeToWorkingDirectory(chart), options: options) {
                try valuesOptions.userValues()
            }
        } catch let e as ChartLinter.IOError {
            throw CLIInput.InputError(description: e.description)
        }
        var report = result.report
        let securityOptions = try security.options(configDirectory: chart)
        let documents = Self.manifestDocuments(result.documents)
        let schema = SchemaOptions(kubernetesVersion: kubeVersion, strict: false, ignoreMissingSchemas: true)
        do {
            var checks = try ManifestChecks.run(documents, schema: schema, security: securityOptions)
            // Scores are a validate report's business; lint lists them only when a minimum is set.
            if securityOptions?.minScore == nil { checks.scores = [] }
            report.merge(checks)
        } catch {
            throw CLIInput.InputError(description: error.description)
        }
        if strict { report = report.promotingWarnings() }
        try ReportOutput.write(report, format: output)
        if report.fails(strict: strict) { throw ExitCode(3) }
    }

    /// The rendered documents as parsed objects for the schema check and the security scan,
    /// keeping their lines in the rendered output (leading newlines shift the parser's count).
    static func manifestDocuments(_ rendered: [RenderedDocument]) -> [ManifestDocument] {
        rendered.flatMap { doc in
            ManifestLoader.load(text: String(repeating: "\n", count: max(doc.startLine - 1, 0)) + doc.text,
                                file: doc.file).documents
        }
    }

    /// Report paths relative to the working directory (the repository root in CI), so SARIF
    /// URIs resolve against `%SRCROOT%`; paths outside it stay absolute.
    static func relativeToWorkingDirectory(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let cwd = FileManager.default.currentDirectoryPath
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        if standardized == cwd { return "." }
        return standardized.hasPrefix(cwd + "/") ? String(standardized.dropFirst(cwd.count + 1)) : path
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// Prints a report to stdout, coloured only on a terminal without NO_COLOR.
enum ReportOutput {
    static func write(_ report: ValidationReport, format: ReportFormat) throws {
        let color = ReportFormat.shouldColor(isTerminal: isatty(STDOUT_FILENO) == 1,
                                             environment: ProcessInfo.processInfo.environment)
        let text = ReportFormat.render(report, format: format, color: color, toolVersion: ChartRender.version)
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
