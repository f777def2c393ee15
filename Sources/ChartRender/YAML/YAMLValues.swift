import Yams

/// Loads YAML as Helm loads values files and `fromYaml` input (sigs.k8s.io/yaml: YAML 1.1
/// scalars through JSON, so every number is a float64 and keys are strings).
public enum YAMLValues {
    /// A malformed YAML document, with the position libyaml reported.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let column: Int
        public let problem: String
        /// A conversion error (not libyaml's), which Go prints without the `yaml: line N:` part.
        public var raw = false
        public var description: String { "\(file):\(line):\(column): \(goMessage)" }
        /// The wording of Go's sigs.k8s.io/yaml, without our file prefix.
        public var goMessage: String {
            raw ? "error converting YAML to JSON: \(problem)" : "error converting YAML to JSON: yaml: line \(line): \(problem)"
        }
    }

    /// Aliases may not expand a document beyond this many nodes (a "billion laughs" guard).
    static let maxNodes = 2_000_000

    /// Parses one YAML document; an empty document is null.
    public static func parse(_ text: String, file: String = "<input>") throws(ParseError) -> Value {
        // Well-formed input goes straight from libyaml's events to values; Yams' tree is built
        // only for what that road leaves (errors among it, so they keep Yams' wording).
        if let value = YAMLEvents.parse(text, maxNodes: maxNodes) { return value }
        return try parseComposed(text, file: file)
    }

    /// `parse` through Yams' node tree.
    static func parseComposed(_ text: String, file: String) throws(ParseError) -> Value {
        let node: Yams.Node?
        do {
            // Scalars are resolved here with YAML 1.1 rules; Yams' regex resolver would only cost time.
            // UTF-8 is Yams' default for native strings; naming it skips reading the environment.
            node = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let e as YamlError {
            throw convert(e, file: file)
        } catch {
            throw ParseError(file: file, line: 0, column: 0, problem: "\(error)")
        }
        guard let node else { return .null }
        var budget = maxNodes
        return try value(node, file: file, budget: &budget)
    }

    static func convert(_ e: YamlError, file: String) -> ParseError {
        switch e {
        case .scanner(let ctx, let problem, let mark, _), .parser(let ctx, let problem, let mark, _),
             .composer(let ctx, let problem, let mark, _):
            let line = ctx?.mark.line ?? mark.line
            return ParseError(file: file, line: line, column: mark.column, problem: problem)
        case .reader(let problem, let offset, _, _):
            return ParseError(file: file, line: 0, column: offset ?? 0, problem: problem)
        default:
            return ParseError(file: file, line: 0, column: 0, problem: "\(e)")
        }
    }

    private static func value(_ node: Yams.Node, file: String, budget: inout Int) throws(ParseError) -> Value {
        budget -= 1
        if budget < 0 {
            let m = node.mark
            throw ParseError(file: file, line: m?.line ?? 0, column: m?.column ?? 0,
                             problem: "document contains excessive aliasing (expands to more than \(maxNodes) nodes)")
        }
        switch node {
        case .scalar(let s):
            return scalar(s)
        case .sequence(let seq):
            var items: [Value] = []
            items.reserveCapacity(seq.count)
            for n in seq { items.append(try value(n, file: file, budget: &budget)) }
            return .list(items)
        case .mapping(let m):
            var dict: [String: Value] = [:]
            var merged: [String: Value] = [:]
            for (k, v) in m {
                if case .scalar(let ks) = k, ks.style == .plain || ks.style == .any, ks.string == "<<" {
                    let mv = try value(v, file: file, budget: &budget)
                    switch mv {
                    case .map(let mm, _): for (a, b) in mm where merged[a] == nil { merged[a] = b }
                    case .list(let maps, _):
                        for case .map(let mm, _) in maps { for (a, b) in mm where merged[a] == nil { merged[a] = b } }
                    default: break
                    }
                    continue
                }
                let val = try value(v, file: file, budget: &budget)
                guard let key = keyString(k) else {
                    let m = k.mark
                    throw ParseError(file: file, line: m?.line ?? 0, column: m?.column ?? 0,
                                     problem: "Unsupported map key of type: %!s(<nil>), key: <nil>, value: \(GoQuote.quote(GoFmt.format(val)))",
                                     raw: true)
                }
                dict[key] = val
            }
            for (a, b) in merged where dict[a] == nil { dict[a] = b }
            return .map(dict)
        case .alias:
            return .null
        }
    }

    private static func scalar(_ s: Yams.Node.Scalar) -> Value {
        if s.style != .plain && s.style != .any { return .string(s.string) }
        let tag = s.tag.rawValue
        if tag == "tag:yaml.org,2002:str" { return .string(s.string) }
        return resolvedScalar(s.string)
    }

    /// The value of a plain, untagged scalar (YAML 1.1 rules, numbers as float64 as after Helm's
    /// JSON round trip).
    static func resolvedScalar(_ string: String) -> Value {
        switch YAMLResolver.resolve(string) {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .float(Double(i))
        case .uint(let u): return .float(Double(u))
        case .float(let f): return .float(f)
        case .string, .merge: return .string(string)
        }
    }

    /// The JSON key sigs.k8s.io/yaml makes of a YAML key; nil for a null key, which it rejects.
    private static func keyString(_ k: Yams.Node) -> String? {
        guard case .scalar(let s) = k else { return "\(k)" }
        if s.style != .plain && s.style != .any { return s.string }
        return resolvedKey(s.string)
    }

    /// `keyString` of a plain scalar key.
    static func resolvedKey(_ string: String) -> String? {
        switch YAMLResolver.resolve(string) {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .float(let f): return FloatFormat.shortestG(f)
        case .string, .merge: return string
        }
    }
}
