import ArgumentParser
import ChartRender
import Foundation

/// `tarsctl template [NAME] CHART`: render a chart locally, output byte-identical to `helm template`.
struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Render chart templates locally and print the manifests (like helm template)."
    )

    @Argument(help: "Release name (default: release-name), then the chart directory.")
    var arguments: [String]
    @OptionGroup var valuesOptions: ValuesOptions
    @Option(name: [.short, .long], help: "Namespace of the release.") var namespace = "default"
    @Option(name: [.short, .customLong("show-only")], help: "Only show manifests rendered from these templates (globs allowed).")
    var showOnly: [String] = []
    @Option(name: .customLong("output-dir"), help: "Write each template's output to a file in this directory.")
    var outputDir: String?
    @Flag(name: .customLong("skip-tests"), help: "Do not print test hooks.") var skipTests = false
    @Flag(name: .customLong("no-hooks"), help: "Do not print hooks.") var noHooks = false
    @Flag(name: .customLong("include-crds"), help: "Include CRDs from the chart's crds/ directory.") var includeCRDs = false
    @Flag(name: .customLong("is-upgrade"), help: "Set .Release.IsUpgrade instead of .Release.IsInstall.") var isUpgrade = false
    @Option(name: [.short, .customLong("api-versions")], help: "Kubernetes API versions for .Capabilities.APIVersions (repeatable).")
    var apiVersions: [String] = []
    @Option(name: .customLong("kube-version"), help: "Kubernetes version for .Capabilities.KubeVersion, e.g. 1.31.0.")
    var kubeVersion: String?

    func validate() throws {
        guard (1...2).contains(arguments.count) else {
            throw ValidationError("expected [NAME] CHART, got \(arguments.count) arguments")
        }
        if let v = kubeVersion, v.range(of: #"^v?\d+\.\d+(\.\d+)?$"#, options: .regularExpression) == nil {
            throw ValidationError("--kube-version \(v): invalid kube version; use MAJOR.MINOR[.PATCH], e.g. 1.31.0")
        }
    }

    func run() throws {
        let chartPath = arguments.last ?? "."
        var options = RenderOptions()
        options.releaseName = arguments.count == 2 ? arguments[0] : "release-name"
        options.namespace = namespace
        options.isUpgrade = isUpgrade
        var caps = Capabilities()
        if let kv = kubeVersion { caps = Capabilities(kubeVersion: kv.split(separator: ".").count == 2 ? kv + ".0" : kv) }
        caps.apiVersions.formUnion(apiVersions)
        options.capabilities = caps
        options.userValues = try valuesOptions.userValues()
        let chart = try Chart.load(path: chartPath)
        let renderOptions = options
        let (noHooks, skipTests) = (self.noHooks, self.skipTests)
        let output = try LargeStack.run {
            let files = try ChartRenderer.render(chart, options: renderOptions)
            let (manifests, hooks) = try ManifestSorter.sort(files)
            return ManifestSorter.helmTemplateOutput(manifests: manifests, hooks: hooks, includeHooks: !noHooks, skipTests: skipTests)
        }
        if let dir = outputDir {
            try writeOutputDir(output, dir)
        } else if showOnly.isEmpty {
            FileHandle.standardOutput.write(Data(output.utf8))
        } else {
            FileHandle.standardOutput.write(Data(try filterShowOnly(output).utf8))
        }
    }

    /// Helm's --show-only: documents whose `# Source: CHART/PATH` matches one of the globs.
    private func filterShowOnly(_ output: String) throws -> String {
        let docs = ManifestSorter.split(output)
        var out = ""
        for pattern in showOnly {
            var found = false
            for d in docs {
                guard let r = d.range(of: #"# Source: [^/]+/(.+)"#, options: .regularExpression) else { continue }
                let path = String(d[r].dropFirst("# Source: ".count).drop { $0 != "/" }.dropFirst())
                if fnmatch(pattern, path, FNM_PATHNAME) == 0 {
                    out += "---\n\(d)\n"
                    found = true
                }
            }
            if !found { throw CLIInput.InputError(description: "could not find template \(pattern) in chart") }
        }
        return out
    }

    private func writeOutputDir(_ output: String, _ dir: String) throws {
        var written: Set<String> = []
        for d in ManifestSorter.split(output) {
            guard let r = d.range(of: #"# Source: (.+)"#, options: .regularExpression) else { continue }
            let rel = String(d[r].dropFirst("# Source: ".count))
            let url = URL(fileURLWithPath: dir).appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let text = "---\n\(d)\n"
            if written.contains(rel), let h = try? FileHandle(forWritingTo: url) {
                h.seekToEndOfFile()
                h.write(Data(text.utf8))
                try h.close()
            } else {
                try Data(text.utf8).write(to: url)
                written.insert(rel)
            }
            print("wrote \(url.path)")
        }
    }
}
