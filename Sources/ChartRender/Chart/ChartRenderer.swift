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

    /// Template path (`CHART/templates/FILE`) → rendered text, for every non-partial template.
    public static func render(_ chart: Chart, options: RenderOptions) throws -> [String: String] {
        let values = Coalesce.values(defaults: chart.values, user: options.userValues)
        if let schema = chart.schema {
            let violations = JSONSchema(schema).validate(.map(values))
            if !violations.isEmpty {
                throw RenderError(description: "values don't meet the specifications of the schema(s) in the following chart(s):\n"
                    + "\(chart.name):\n" + violations.map(\.description).joined(separator: "\n"))
            }
        }
        var functions = FunctionLibrary.standard(lookup: options.lookup)
        functions.add([
            TemplateFunction("required", [.string, .interface]) { args, _ in
                let val = args[1]
                if val.isNull || val.stringValue == "" { throw FunctionError(errStart + (args[0].stringValue ?? "") + errEnd) }
                return val
            },
            TemplateFunction("fail", [.string]) { args, _ in throw FunctionError(errStart + (args[0].stringValue ?? "") + errEnd) },
        ])
        var set = TemplateSet(functions: functions, missingKey: .zero)
        let prefix = chart.name + "/"
        let named = chart.templates.map { (prefix + $0.path, $0.text) }
        // Deeper paths first, then reverse alphabetical: the parent's definitions are parsed last and win.
        let order = named.sorted { a, b in
            let ca = a.0.filter { $0 == "/" }.count, cb = b.0.filter { $0 == "/" }.count
            return ca == cb ? a.0 > b.0 : ca > cb
        }
        for (name, text) in order {
            do {
                try set.parse(name: name, text: text)
            } catch {
                throw RenderError(description: cleanupParseError(name, error))
            }
        }
        let release: [String: Value] = [
            "Name": .string(options.releaseName), "Namespace": .string(options.namespace),
            "IsUpgrade": .bool(options.isUpgrade), "IsInstall": .bool(!options.isUpgrade),
            "Revision": .int(options.revision), "Service": .string("Helm"),
        ]
        var top: [String: Value] = [
            "Values": .map(values),
            "Release": .map(release),
            "Chart": .object(ChartMetadataObject(metadata: chart.metadata)),
            "Capabilities": .object(CapabilitiesObject(caps: options.capabilities)),
            "Files": .object(FilesObject(files: chart.files)),
            "Subcharts": .map([:]),
        ]
        var out: [String: String] = [:]
        for (name, _) in named.sorted(by: { $0.0 < $1.0 }) {
            let base = name.split(separator: "/").last.map(String.init) ?? name
            if base.hasPrefix("_") { continue }
            top["Template"] = .map(["Name": .string(name), "BasePath": .string(prefix + "templates")])
            do {
                let text = try set.execute(name, data: .map(top))
                out[name] = text.replacingOccurrences(of: "<no value>", with: "")
            } catch {
                throw RenderError(description: cleanupExecError(name, error))
            }
        }
        return out
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
