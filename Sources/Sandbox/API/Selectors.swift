import KubeClient
import Foundation

/// A parsed label selector (`app=web,tier!=db,env in (a,b),!legacy`).
public struct LabelSelector: Sendable {
    enum Requirement: Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case notExists(String)
    }

    var requirements: [Requirement] = []

    public init(parsing text: String) throws(APIError) {
        var rest = Substring(text)
        while !rest.isEmpty {
            rest = rest.drop(while: { $0 == " " || $0 == "," })
            guard !rest.isEmpty else { break }
            // A requirement ends at a comma that is not inside parentheses.
            var depth = 0
            var end = rest.endIndex
            for i in rest.indices {
                if rest[i] == "(" { depth += 1 } else if rest[i] == ")" { depth -= 1 } else if rest[i] == ",", depth == 0 { end = i; break }
            }
            let part = rest[rest.startIndex..<end].trimmingCharacters(in: .whitespaces)
            rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
            requirements.append(try Self.parseRequirement(part))
        }
    }

    private static func parseRequirement(_ part: String) throws(APIError) -> Requirement {
        if part.hasPrefix("!") { return .notExists(String(part.dropFirst()).trimmingCharacters(in: .whitespaces)) }
        if let r = part.range(of: "!=") {
            return .notEquals(String(part[..<r.lowerBound]).trimmingCharacters(in: .whitespaces), String(part[r.upperBound...]).trimmingCharacters(in: .whitespaces))
        }
        if let r = part.range(of: "==") ?? part.range(of: "=") {
            return .equals(String(part[..<r.lowerBound]).trimmingCharacters(in: .whitespaces), String(part[r.upperBound...]).trimmingCharacters(in: .whitespaces))
        }
        for (word, negated) in [(" notin ", true), (" in ", false)] {
            if let r = part.range(of: word) {
                let key = String(part[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)
                let list = String(part[r.upperBound...]).trimmingCharacters(in: .whitespaces)
                guard list.hasPrefix("("), list.hasSuffix(")") else {
                    throw APIError.badRequest("unable to parse requirement: found '\(list)', expected: '('")
                }
                let values = Set(list.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                return negated ? .notIn(key, values) : .isIn(key, values)
            }
        }
        guard !part.contains(" ") else { throw APIError.badRequest("unable to parse requirement: \(part)") }
        return .exists(part)
    }

    public func matches(_ labels: [String: JSON]) -> Bool {
        for requirement in requirements {
            switch requirement {
            case .equals(let k, let v): if labels[k]?.stringValue != v { return false }
            case .notEquals(let k, let v): if labels[k]?.stringValue == v { return false }
            case .isIn(let k, let vs): guard let v = labels[k]?.stringValue, vs.contains(v) else { return false }
            case .notIn(let k, let vs): if let v = labels[k]?.stringValue, vs.contains(v) { return false }
            case .exists(let k): if labels[k] == nil { return false }
            case .notExists(let k): if labels[k] != nil { return false }
            }
        }
        return true
    }

    /// The selector a `LabelSelector` object (`matchLabels`, `matchExpressions`) describes.
    public static func from(object: JSON?) -> LabelSelector {
        var selector = LabelSelector()
        for (k, v) in object?["matchLabels"]?.objectValue ?? [:] {
            if let s = v.stringValue { selector.requirements.append(.equals(k, s)) }
        }
        for expression in object?["matchExpressions"]?.arrayValue ?? [] {
            guard let key = expression["key"]?.stringValue else { continue }
            let values = Set((expression["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            switch expression["operator"]?.stringValue {
            case "In": selector.requirements.append(.isIn(key, values))
            case "NotIn": selector.requirements.append(.notIn(key, values))
            case "Exists": selector.requirements.append(.exists(key))
            case "DoesNotExist": selector.requirements.append(.notExists(key))
            default: break
            }
        }
        return selector
    }

    private init() {}
}

/// A field selector; the sandbox supports `metadata.name` and `metadata.namespace` with `=`, `==` and `!=`.
public struct FieldSelector: Sendable {
    var requirements: [(field: String, value: String, negated: Bool)] = []

    public init(parsing text: String) throws(APIError) {
        for part in text.split(separator: ",") {
            let negated = part.contains("!=")
            let pieces = part.replacingOccurrences(of: "!=", with: "=").replacingOccurrences(of: "==", with: "=").split(separator: "=", maxSplits: 1)
            guard pieces.count == 2 else { throw APIError.badRequest("invalid field selector: \(part)") }
            let field = String(pieces[0])
            guard field == "metadata.name" || field == "metadata.namespace" else {
                throw APIError.badRequest("field label not supported: \(field)")
            }
            requirements.append((field, String(pieces[1]), negated))
        }
    }

    /// The single name this selector pins, which a watch can use to filter cheaply.
    public var name: String? { requirements.first { $0.field == "metadata.name" && !$0.negated }?.value }

    public func matches(namespace: String, name: String) -> Bool {
        for r in requirements {
            let actual = r.field == "metadata.name" ? name : namespace
            if (actual == r.value) == r.negated { return false }
        }
        return true
    }
}

