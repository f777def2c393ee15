import ChartRender
import Foundation

/// The `security:` section of `.tarsctl.yaml`:
///
///     security:
///       skip: [RunAsNonRoot, latest-tag]
///       minScore: 3
public struct SecurityConfig: Sendable, Equatable {
    public var skip: Set<String>
    public var minScore: Int?

    public init(skip: Set<String> = [], minScore: Int? = nil) {
        self.skip = skip
        self.minScore = minScore
    }

    public static let defaultFileName = ".tarsctl.yaml"

    /// A config file that cannot be used: what, where, what to do.
    public struct Error: Swift.Error, Sendable, CustomStringConvertible, Equatable {
        public let file: String
        public let line: Int
        public let column: Int
        public let message: String
        public var description: String {
            line > 0 ? "\(file):\(line):\(column): error: \(message)" : "\(file): error: \(message)"
        }
    }

    /// Reads `path`; throws when it is missing, not YAML, or the section is malformed.
    public static func load(path: String) throws(Error) -> SecurityConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Error(file: path, line: 0, column: 0,
                        message: "cannot read the config file; check the path given with --config")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Error(file: path, line: 0, column: 0, message: "the config file is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Reads `directory/.tarsctl.yaml` when it exists; an empty config otherwise.
    public static func loadIfPresent(directory: String) throws(Error) -> SecurityConfig {
        let path = directory.hasSuffix("/") ? directory + defaultFileName : directory + "/" + defaultFileName
        guard FileManager.default.fileExists(atPath: path) else { return SecurityConfig() }
        return try load(path: path)
    }

    public static func parse(_ text: String, file: String) throws(Error) -> SecurityConfig {
        let root: Value
        do {
            root = try YAMLValues.parse(text, file: file)
        } catch {
            throw Error(file: file, line: error.line, column: error.column,
                        message: "the config file is not valid YAML: \(error.problem)")
        }
        guard case .map(let top, _) = root else {
            if root.isNull { return SecurityConfig() }
            throw Error(file: file, line: 1, column: 1, message: "the config file must be a YAML mapping with a security: key")
        }
        guard let section = top["security"], !section.isNull else { return SecurityConfig() }
        guard case .map(let fields, _) = section else {
            throw Error(file: file, line: line(of: "security", in: text), column: 1,
                        message: "security must be a mapping with skip and minScore")
        }
        var config = SecurityConfig()
        for (key, value) in fields {
            switch key {
            case "skip":
                config.skip = try skipList(value, text: text, file: file)
            case "minScore":
                switch value {
                case .float(let d) where d == d.rounded() && abs(d) < 1e9: config.minScore = Int(d)
                case .int(let i): config.minScore = i
                case .null: config.minScore = nil
                default:
                    throw Error(file: file, line: line(of: "minScore", in: text), column: 1,
                                message: "security.minScore must be a whole number, e.g. minScore: 5")
                }
            default:
                var message = "unknown key security.\(key); expected skip or minScore"
                if let near = closest(key, among: ["skip", "minScore"]) { message += " (did you mean \(near)?)" }
                throw Error(file: file, line: line(of: key, in: text), column: 1, message: message)
            }
        }
        return config
    }

    private static func skipList(_ value: Value, text: String, file: String) throws(Error) -> Set<String> {
        let items: [Value]
        switch value {
        case .list(let l, _): items = l
        case .string(let s): items = s.split(separator: ",").map { .string($0.trimmingSpaces) }
        case .null: return []
        default:
            throw Error(file: file, line: line(of: "skip", in: text), column: 1,
                        message: "security.skip must be a list of rule ids, e.g. skip: [RunAsNonRoot, latest-tag]")
        }
        var ids: Set<String> = []
        for item in items {
            guard let id = item.stringValue, !id.isEmpty else {
                throw Error(file: file, line: line(of: "skip", in: text), column: 1,
                            message: "security.skip must contain rule ids as strings")
            }
            guard SecurityScanner.ruleIDs.contains(id) else {
                var message = "unknown rule id \"\(id)\" in security.skip"
                if let near = closestRuleID(to: id) { message += "; did you mean \"\(near)\"?" }
                message += " Rule ids are kubesec ids (RunAsNonRoot) and kube-linter check names (latest-tag)."
                throw Error(file: file, line: line(of: id, in: text), column: 1, message: message)
            }
            ids.insert(id)
        }
        return ids
    }

    /// 1-based line of the first line mentioning `needle` (YAMLValues keeps no positions).
    private static func line(of needle: String, in text: String) -> Int {
        var n = 0
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            if l.contains(needle) { return n }
        }
        return 0
    }

    static func closestRuleID(to id: String) -> String? {
        closest(id, among: Array(SecurityScanner.ruleIDs))
    }

    /// The candidate within a small edit distance (case-insensitive), if any.
    static func closest(_ word: String, among candidates: [String]) -> String? {
        let w = Array(word.lowercased())
        var best: (String, Int)?
        for c in candidates.sorted() {
            let d = editDistance(w, Array(c.lowercased()))
            if d <= max(2, w.count / 3), best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }

    /// Options for the scanner: this config, with command-line values taking precedence.
    public func options(minScore override: Int? = nil, extraSkip: Set<String> = []) -> SecurityOptions {
        SecurityOptions(skip: skip.union(extraSkip), minScore: override ?? minScore)
    }
}
