import ChartRender
import Foundation
import Yams

/// `tarsctl lint`: checks a chart's files, renders it with the given values and checks every
/// rendered object. Problems become findings; only I/O failures throw.
public enum ChartLinter {
    /// The chart or a values file could not be read at all (exit 1, not a lint finding).
    public struct IOError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Lints with the values of `options.valuesFiles` merged in order (no `--set` flags).
    public static func lint(chartPath: String, options: LintOptions) throws -> LintResult {
        try lint(chartPath: chartPath, options: options) {
            var merged: [String: Value] = [:]
            for file in options.valuesFiles {
                let text = String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
                if case .map(let m, _) = try YAMLValues.parse(text, file: file) { merged = Coalesce.merge(merged, m) }
            }
            return merged
        }
    }

    /// Lints the chart directory at `chartPath` (shown in findings as the user typed it).
    /// `userValues` merges the `-f`/`--set` sources; it is only called when every `-f` file parsed.
    public static func lint(chartPath: String, options: LintOptions,
                            userValues: () throws -> [String: Value]) throws -> LintResult {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: chartPath, isDirectory: &isDir) else {
            throw IOError(description: "\(chartPath): no such chart directory; pass the directory holding Chart.yaml")
        }
        guard isDir.boolValue else {
            return try lintArchive(chartPath, options: options, userValues: userValues)
        }
        return try lintDirectory(ChartPaths(root: chartPath), options: options, userValues: userValues)
    }

    /// A packaged chart (`.tgz`): unpacked into a temporary directory that is removed afterwards;
    /// findings name files as `ARCHIVE/CHART/PATH`.
    static func lintArchive(_ archive: String, options: LintOptions,
                            userValues: () throws -> [String: Value]) throws -> LintResult {
        let fm = FileManager.default
        let tmp = fm.temporaryDirectory.appendingPathComponent("tarsctl-lint-\(UUID().uuidString)")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: tmp) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xzf", archive, "-C", tmp.path, "--no-same-owner", "--no-same-permissions"]
        let err = Pipe()
        tar.standardError = err
        do { try tar.run() } catch {
            throw IOError(description: "\(archive): cannot run tar to unpack the chart archive (\(error)); unpack it and lint the directory")
        }
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else {
            throw IOError(description: "\(archive): not a chart directory or a valid chart archive (.tgz): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let dirs = ((try? fm.contentsOfDirectory(atPath: tmp.path)) ?? []).sorted()
        guard dirs.count == 1, let dir = dirs.first else {
            throw IOError(description: "\(archive): a chart archive must hold exactly one chart directory (found \(dirs.count) entries)")
        }
        let paths = ChartPaths(root: tmp.appendingPathComponent(dir).path, shown: "\(archive)/\(dir)")
        return try lintDirectory(paths, options: options, userValues: userValues)
    }

    static func lintDirectory(_ paths: ChartPaths, options: LintOptions,
                              userValues: () throws -> [String: Value]) throws -> LintResult {
        let fm = FileManager.default
        let chartPath = paths.root
        var report = ValidationReport(rules: LintRule.descriptions)

        // Chart.yaml and values files, of the chart and (with --with-subcharts) of its subcharts.
        var valueTrees: [(file: String, node: Node, prefix: [String])] = []
        var chartDirs: [(rel: String, prefix: [String])] = [("", [])]
        if options.withSubcharts { chartDirs += paths.subchartDirs().map { ($0.rel, [$0.name]) } }
        var loadable = true
        for (rel, prefix) in chartDirs {
            let chartFile = paths.display(rel + "Chart.yaml")
            if paths.exists(rel + "Chart.yaml") && paths.read(rel + "Chart.yaml") == nil {
                report.findings.append(Finding(ruleID: LintRule.chartMetadata.id, severity: .error,
                                               message: "Chart.yaml is not UTF-8 text; save it as UTF-8 YAML",
                                               location: SourceLocation(file: chartFile)))
                loadable = false
            } else {
                loadable = ChartFiles.checkChartYAML(paths.read(rel + "Chart.yaml"), file: chartFile,
                                                     kubeVersion: options.normalizedKubeVersion, into: &report) && loadable
            }
            for candidate in ["values.yaml", "Values/values.yaml"] {
                guard paths.exists(rel + candidate) else { continue }
                guard let text = paths.read(rel + candidate) else {
                    report.findings.append(Finding(ruleID: LintRule.valuesYAML.id, severity: .error,
                                                   message: "values file is not UTF-8 text; save it as UTF-8 YAML",
                                                   location: SourceLocation(file: paths.display(rel + candidate))))
                    loadable = false
                    break
                }
                if let node = ChartFiles.checkValuesFile(text, file: paths.display(rel + candidate), into: &report) {
                    valueTrees.append((paths.display(rel + candidate), node, prefix))
                } else if report.findings.contains(where: { $0.location.file == paths.display(rel + candidate) }) {
                    loadable = false
                }
                break
            }
        }
        for candidate in ["values.schema.json", "Values/values.schema.json"] where paths.exists(candidate) {
            if !ChartFiles.checkSchemaFile(paths.read(candidate), file: paths.display(candidate), into: &report) { loadable = false }
            break
        }
        var userFilesOK = true
        for file in options.valuesFiles where file != "-" {
            guard let data = fm.contents(atPath: file) else {
                throw IOError(description: "\(file): cannot read the values file (does it exist and is it readable?)")
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                report.findings.append(Finding(ruleID: LintRule.valuesYAML.id, severity: .error,
                                               message: "values file is not UTF-8 text; save it as UTF-8",
                                               location: SourceLocation(file: file)))
                userFilesOK = false
                continue
            }
            if let node = ChartFiles.checkValuesFile(text, file: file, into: &report) {
                valueTrees.append((file, node, []))
            } else {
                userFilesOK = false
            }
        }
        if !loadable || !userFilesOK {
            // Rendering a chart whose metadata or values do not parse would only repeat those errors.
            return LintResult(report: report, documents: [])
        }

        var chart: Chart
        do { chart = try Chart.load(directory: chartPath) } catch {
            report.findings.append(Finding(ruleID: LintRule.chartMetadata.id, severity: .error,
                                           message: "the chart cannot be loaded: \(error)", location: SourceLocation(file: paths.display("Chart.yaml"))))
            return LintResult(report: report, documents: [])
        }
        var render = RenderOptions()
        render.releaseName = options.releaseName
        render.namespace = options.namespace
        var caps = Capabilities(kubeVersion: options.normalizedKubeVersion)
        caps.apiVersions.formUnion(options.apiVersions)
        render.capabilities = caps
        render.userValues = try userValues()

        if chart.schema != nil {
            report.checked.append(CheckedObject(object: nil, location: SourceLocation(file: paths.schemaFile ?? paths.display("values.schema.json"), line: 1),
                                                checks: [LintRule.valuesSchema.id]))
        }
        let templates = RenderLoop.templateNames(chart)
        for t in templates where !t.isPartial && (options.withSubcharts || !t.inSubchart) {
            report.checked.append(CheckedObject(object: nil, location: SourceLocation(file: paths.templateFile(t.name, chartName: chart.name), line: 1),
                                                checks: [LintRule.templateRender.id]))
        }
        let files = RenderLoop.render(&chart, options: render, paths: paths, valueTrees: valueTrees, into: &report)

        var documents: [RenderedDocument] = []
        let minor = DeprecatedAPI.minor(of: options.normalizedKubeVersion)
        for name in files.keys.sorted() {
            guard let text = files[name], !name.hasSuffix("NOTES.txt") else { continue }
            if !options.withSubcharts && name.dropFirst(chart.name.count + 1).hasPrefix("charts/") { continue }
            let file = paths.templateFile(name, chartName: chart.name)
            for doc in RenderedDocument.split(text, file: file, template: name) {
                documents.append(doc)
                DocumentRules.check(doc, kubeMinor: minor, kubeVersion: options.normalizedKubeVersion, into: &report)
            }
        }
        return LintResult(report: report, documents: documents)
    }
}

/// Maps chart-relative paths and Helm template names to the paths the user sees.
struct ChartPaths {
    /// Where the chart is on disk.
    let root: String
    /// How to name `root` to the user (the archive for a packaged chart); `root` when nil.
    var shown: String?

    init(root: String, shown: String? = nil) {
        self.root = root
        self.shown = shown
    }

    func read(_ rel: String) -> String? {
        FileManager.default.contents(atPath: URL(fileURLWithPath: root).appendingPathComponent(rel).path)
            .flatMap { String(validating: $0, as: UTF8.self) }
    }

    func exists(_ rel: String) -> Bool {
        FileManager.default.fileExists(atPath: URL(fileURLWithPath: root).appendingPathComponent(rel).path)
    }

    /// `root/rel` as the user would type it: `rel` alone for `.`, no `./` prefix.
    func display(_ rel: String) -> String {
        var base = shown ?? root
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        var out = base == "." || base.isEmpty ? rel : base + "/" + rel
        while out.hasPrefix("./") { out.removeFirst(2) }
        return out
    }

    var schemaFile: String? {
        ["values.schema.json", "Values/values.schema.json"].first(where: exists).map(display)
    }

    /// Directories under charts/ holding a Chart.yaml, with their chart names.
    func subchartDirs() -> [(rel: String, name: String)] {
        let dir = URL(fileURLWithPath: root).appendingPathComponent("charts").path
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
        return entries.compactMap { e in
            guard exists("charts/\(e)/Chart.yaml") else { return nil }
            let name = read("charts/\(e)/Chart.yaml").flatMap { try? Yams.compose(yaml: $0) }?["name"]?.text ?? e
            return ("charts/\(e)/", name)
        }
    }

    /// `tars/templates/x.yaml` → `Templates/x.yaml` (the T.A.R.S. layout) or `templates/x.yaml`;
    /// `tars/charts/sub/templates/x.yaml` → `charts/sub/templates/x.yaml`.
    func templateFile(_ name: String, chartName: String) -> String {
        var rel = name.hasPrefix(chartName + "/") ? String(name.dropFirst(chartName.count + 1)) : name
        if !exists(rel), let r = rel.range(of: "templates/", options: .backwards) {
            let alt = rel.replacingCharacters(in: r, with: "Templates/")
            if exists(alt) { rel = alt }
        }
        return display(rel)
    }
}
