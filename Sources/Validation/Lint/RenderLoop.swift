import ChartRender
import Foundation
import Yams

/// Renders the chart, turning each render error into a finding and rendering again without the
/// failing template, so one run reports every broken template instead of the first.
enum RenderLoop {
    struct TemplateName {
        var name: String
        var isPartial: Bool
        var inSubchart: Bool
    }

    /// Helm template names of the chart and its subcharts.
    static func templateNames(_ chart: Chart, prefix: String? = nil) -> [TemplateName] {
        let base = prefix.map { "\($0)/charts/\(chart.name)" } ?? chart.name
        var out = chart.templates.map { t in
            TemplateName(name: base + "/" + t.path, isPartial: (t.path.split(separator: "/").last ?? "").hasPrefix("_"), inSubchart: prefix != nil)
        }
        for sub in chart.subcharts { out += templateNames(sub, prefix: base) }
        return out
    }

    static let maxAttempts = 40

    static func render(_ chart: inout Chart, options: RenderOptions, paths: ChartPaths,
                       valueTrees: [(file: String, node: Node, prefix: [String])],
                       into report: inout ValidationReport) -> [String: String] {
        var removed: Set<String> = []
        for _ in 0..<maxAttempts {
            let attempt = chart
            let result: Result<[String: String], Error> = Result {
                try LargeStack.run { try ChartRenderer.render(attempt, options: options) }
            }
            switch result {
            case .success(let files):
                return files
            case .failure(let error):
                let message = "\(error)"
                if message.hasPrefix("values don't meet the specifications") {
                    schemaFindings(message, paths: paths, valueTrees: valueTrees, into: &report)
                    stripSchemas(&chart)
                    continue
                }
                let names = templateNames(chart).map(\.name)
                let mentions = mentioned(names, in: message)
                guard let innermost = mentions.last else {
                    report.findings.append(Finding(ruleID: LintRule.templateRender.id, severity: .error,
                                                   message: "the chart does not render: \(message)", location: SourceLocation(file: paths.display("Chart.yaml"))))
                    return [:]
                }
                report.findings.append(Finding(
                    ruleID: LintRule.templateRender.id, severity: .error,
                    message: "template \(mentions.first?.name ?? innermost.name) does not render: \(message); fix the template at this line or pass the values it needs with -f/--set",
                    location: SourceLocation(file: paths.templateFile(innermost.name, chartName: chart.name), line: innermost.line, column: innermost.column)))
                // Drop the outermost non-partial template named (the one being executed) and retry.
                let victim = mentions.first { !(($0.name.split(separator: "/").last ?? "").hasPrefix("_")) }?.name ?? innermost.name
                guard removed.insert(victim).inserted else { return [:] }
                blank(victim, in: &chart, prefix: nil)
            }
        }
        return [:]
    }

    struct Mention { var name: String; var line: Int; var column: Int }

    /// Template names in an error message, in order, with the `:LINE[:COL]` after each.
    static func mentioned(_ names: [String], in message: String) -> [Mention] {
        var out: [Mention] = []
        var search = message.startIndex
        while search < message.endIndex {
            var best: (Range<String.Index>, String)?
            for n in names {
                guard let r = message.range(of: n, range: search..<message.endIndex) else { continue }
                if let (br, bn) = best, br.lowerBound < r.lowerBound || (br.lowerBound == r.lowerBound && bn.count >= n.count) {
                    continue
                }
                best = (r, n)
            }
            guard let (r, n) = best else { break }
            var rest = message[r.upperBound...]
            var nums: [Int] = []
            while nums.count < 2, rest.first == ":", let d = Int(rest.dropFirst().prefix { $0.isNumber }) {
                nums.append(d)
                rest = rest.dropFirst(1 + String(d).count)
            }
            out.append(Mention(name: n, line: nums.first ?? 0, column: nums.count > 1 ? nums[1] : 0))
            search = r.upperBound
        }
        return out
    }

    static func blank(_ name: String, in chart: inout Chart, prefix: String?) {
        let base = prefix.map { "\($0)/charts/\(chart.name)" } ?? chart.name
        for i in chart.templates.indices where base + "/" + chart.templates[i].path == name {
            chart.templates[i].text = ""
        }
        for i in chart.subcharts.indices { blank(name, in: &chart.subcharts[i], prefix: base) }
    }

    static func stripSchemas(_ chart: inout Chart) {
        chart.schema = nil
        for i in chart.subcharts.indices { stripSchemas(&chart.subcharts[i]) }
    }

    /// Turns the renderer's schema report (`CHART:` lines, then `- PATH: MESSAGE`) into findings
    /// that point at the value in the last values file that sets it.
    static func schemaFindings(_ message: String, paths: ChartPaths,
                               valueTrees: [(file: String, node: Node, prefix: [String])],
                               into report: inout ValidationReport) {
        var chartName = ""
        var rootName: String?
        for line in message.split(separator: "\n").dropFirst() {
            if line.hasPrefix("- ") {
                let body = line.dropFirst(2)
                guard let colon = body.range(of: ": ") else { continue }
                let path = String(body[..<colon.lowerBound])
                let problem = String(body[colon.upperBound...])
                let full = chartName == rootName || rootName == nil ? path : (path == "(root)" ? chartName : chartName + "." + path)
                var location = SourceLocation(file: paths.schemaFile ?? paths.display("values.schema.json"))
                for tree in valueTrees.reversed() {
                    let relative = tree.prefix.isEmpty ? full : String(full.dropFirst(tree.prefix.joined(separator: ".").count + 1))
                    if !tree.prefix.isEmpty && !full.hasPrefix(tree.prefix.joined(separator: ".") + ".") { continue }
                    if let node = ChartFiles.node(at: relative, in: tree.node) {
                        location = NodeLocator(file: tree.file, lineOffset: 0).location(node)
                        break
                    }
                }
                report.findings.append(Finding(
                    ruleID: LintRule.valuesSchema.id, severity: .error,
                    message: "value \(full) does not match values.schema.json of chart \(chartName): \(problem); change the value (or the schema if the value is intended)",
                    location: location, path: full))
            } else if line.hasSuffix(":") {
                chartName = String(line.dropLast())
                if rootName == nil { rootName = chartName }
            }
        }
    }
}
