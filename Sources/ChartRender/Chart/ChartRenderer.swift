import Foundation

/// What a render needs besides the chart: release identity, cluster capabilities and the
/// user's values (already merged from `-f` files and `--set` flags).
public struct RenderOptions: Sendable {
    public var releaseName = "release-name"
    public var namespace = "default"
    public var isUpgrade = false
    public var revision = 1
    public var capabilities = Capabilities()
    public var userValues: [String: Value] = [:]
    public var lookup: LookupReader?

    public init() {}
}

/// A render error, worded as Helm words it (`parse error at (FILE:LINE): …`,
/// `execution error at (FILE:LINE:COL): …`, or the template error itself).
public struct RenderError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Renders a chart's templates as Helm's engine does.
public enum ChartRenderer {
    private static let errStart = "HELM_ERR_START"
    private static let errEnd = "HELM_ERR_END"

    /// One template with the data it renders with (its chart's scope).
    private struct Renderable {
        var name: String
        var text: String
        var data: [String: Value]
        var basePath: String
    }

    /// Template path (`CHART/templates/FILE`, `CHART/charts/SUB/templates/FILE`) → rendered text,
    /// for every non-partial template of the chart and its enabled subcharts.
    public static func render(_ input: Chart, options: RenderOptions) throws -> [String: String] {
        var chart = input
        Dependencies.process(&chart, userValues: options.userValues)
        let values = Dependencies.coalesce(chart, values: options.userValues)
        // The schemas are checked on another thread while the templates parse; their errors
        // still come first, as in Helm, which validates before it parses.
        let checked = chart
        let schemaCheck = LargeStack.onThread { validateSchemas(checked, values) }
        var functions = FunctionLibrary.standard(lookup: options.lookup)
        functions.add([
            TemplateFunction("required", [.string, .interface]) { args, _ in
                let val = args[1]
                if val.isNull || val.stringValue == "" { throw FunctionError(errStart + (args[0].stringValue ?? "") + errEnd) }
                return val
            },
            TemplateFunction("fail", [.string]) { args, _ in throw FunctionError(errStart + (args[0].stringValue ?? "") + errEnd) },
        ])
        let release: [String: Value] = [
            "Name": .string(options.releaseName), "Namespace": .string(options.namespace),
            "IsUpgrade": .bool(options.isUpgrade), "IsInstall": .bool(!options.isUpgrade),
            "Revision": .int(options.revision), "Service": .string("Helm"),
        ]
        let shared: [String: Value] = [
            "Release": .map(release),
            "Capabilities": .object(CapabilitiesObject(caps: options.capabilities)),
        ]
        var renderables: [Renderable] = []
        _ = collect(chart, parentPath: nil, parentValues: values, shared: shared, into: &renderables)

        var set = TemplateSet(functions: functions, missingKey: .zero)
        // Deeper paths first, then reverse alphabetical: the parent's definitions are parsed last and win.
        let order = renderables.sorted { a, b in
            let ca = a.name.filter { $0 == "/" }.count, cb = b.name.filter { $0 == "/" }.count
            return ca == cb ? a.name > b.name : ca > cb
        }
        let parseFailure = set.parseAll(order.map { ($0.name, $0.text) })
        let schemaErrors = schemaCheck()
        if !schemaErrors.isEmpty {
            throw RenderError(description: "values don't meet the specifications of the schema(s) in the following chart(s):\n" + schemaErrors)
        }
        if let parseFailure {
            throw RenderError(description: cleanupParseError(order[parseFailure.index].name, parseFailure.error))
        }
        // Each template executes on its own (a fresh session, the parsed set only read), so
        // they run on all cores; the first failure in name order is reported, as in Helm.
        let jobs = renderables.sorted(by: { $0.name < $1.name }).filter { r in
            let base = r.name.split(separator: "/").last.map(String.init) ?? r.name
            return !base.hasPrefix("_")
        }
        let parsed = set
        let results = LargeStack.forEach(jobs.count, workers: LargeStack.workers) { i -> Result<String, TemplateError> in
            let r = jobs[i]
            var data = r.data
            data["Template"] = .map(["Name": .string(r.name), "BasePath": .string(r.basePath)])
            do throws(TemplateError) {
                let text = try parsed.execute(r.name, data: .map(data))
                return .success(GoBytes.removingNoValue(text))
            } catch {
                return .failure(error)
            }
        }
        var out: [String: String] = [:]
        for (r, result) in zip(jobs, results) {
            switch result {
            case .success(let text): out[r.name] = text
            case .failure(let error): throw RenderError(description: cleanupExecError(r.name, error))
            }
        }
        return out
    }

    /// Helm's recAllTpls: each chart's templates with that chart's scope of values; returns the
    /// chart's data map so the parent can expose it as `.Subcharts.NAME`.
    private static func collect(_ c: Chart, parentPath: String?, parentValues: [String: Value],
                                shared: [String: Value], into out: inout [Renderable]) -> [String: Value] {
        let fullPath = parentPath.map { "\($0)/charts/\(c.name)" } ?? c.name
        var scoped: [String: Value] = [:]
        if parentPath == nil {
            scoped = parentValues
        } else if case .map(let m, _)? = parentValues[c.name] {
            scoped = m
        }
        var data = shared
        data["Values"] = .map(scoped)
        data["Chart"] = .object(ChartMetadataObject(metadata: c.metadata, isRoot: parentPath == nil))
        data["Files"] = .object(FilesObject(files: c.files))
        var subData: [String: Value] = [:]
        for sub in c.subcharts {
            subData[sub.name] = .map(collect(sub, parentPath: fullPath, parentValues: scoped, shared: shared, into: &out))
        }
        data["Subcharts"] = .map(subData)
        for t in c.templates {
            let base = t.path.split(separator: "/").last.map(String.init) ?? t.path
            if c.isLibrary && !base.hasPrefix("_") { continue }
            out.append(Renderable(name: fullPath + "/" + t.path, text: t.text, data: data, basePath: fullPath + "/templates"))
        }
        return data
    }

    /// Helm's ValidateAgainstSchema: each chart's schema against its own scope of values.
    private static func validateSchemas(_ c: Chart, _ values: [String: Value]) -> String {
        var report = ""
        if let schema = c.schema {
            let violations = JSONSchema(schema).validate(.map(values))
            if !violations.isEmpty {
                report += "\(c.name):\n" + violations.map(\.description).joined(separator: "\n") + "\n"
            }
        }
        for sub in c.subcharts {
            if case .map(let m, _)? = values[sub.name] { report += validateSchemas(sub, m) }
        }
        return report
    }

    static func cleanupParseError(_ file: String, _ err: TemplateError) -> String {
        let tokens = err.description.components(separatedBy: ": ")
        guard tokens.count > 1 else { return "parse error in (\(file)): \(err.description)" }
        return "parse error at (\(tokens[1])): \(tokens[tokens.count - 1])"
    }

    static func cleanupExecError(_ file: String, _ err: TemplateError) -> String {
        let text = err.description
        guard case .exec = err.kind else { return text }
        let tokens = text.components(separatedBy: ": ")
        guard tokens.count >= 3 else { return "execution error in (\(file)): \(text)" }
        if let s = text.range(of: errStart), let e = text.range(of: errEnd, range: s.upperBound..<text.endIndex) {
            return "execution error at (\(tokens[1])): \(text[s.upperBound..<e.lowerBound])"
        }
        if let r = text.range(of: "rendering template has a nested reference name: ") {
            // Helm prints the whole 1,000-deep chain; say once where it starts and what loops.
            let name = text[r.upperBound...].components(separatedBy: ": ").first ?? ""
            let via = tokens.count > 5 && tokens[4] == "template" ? tokens[5] : tokens[1]
            return "execution error at (\(tokens[1])): template \(GoQuote.quote(name)) includes itself more than "
                + "\(RenderSession.maxIncludeDepth) times (recursing at \(via)); break the cycle in its define"
        }
        return text
    }
}
