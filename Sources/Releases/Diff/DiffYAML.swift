import Foundation
import KubeClient

/// A stable block-YAML rendering of an object for line diffs: keys sorted, one scalar per line,
/// multi-line strings as literal blocks so a changed line of a config file shows as one line.
enum DiffYAML {
    static func render(_ value: JSON) -> [String] {
        var lines: [String] = []
        switch value {
        case .object(let o) where !o.isEmpty: mapping(o, indent: "", into: &lines)
        case .array(let a) where !a.isEmpty: sequence(a, indent: "", into: &lines)
        default: lines.append(scalar(value))
        }
        return lines
    }

    private static func mapping(_ o: [String: JSON], indent: String, into lines: inout [String]) {
        for key in o.keys.sorted() {
            guard let v = o[key] else { continue }
            entry(indent + quoteIfNeeded(key) + ":", v, indent: indent, into: &lines)
        }
    }

    private static func sequence(_ a: [JSON], indent: String, into lines: inout [String]) {
        for item in a {
            if case .object(let o) = item, !o.isEmpty {
                // The first key shares the line with the dash, the rest align under it.
                var inner: [String] = []
                mapping(o, indent: indent + "  ", into: &inner)
                if let first = inner.first {
                    lines.append(indent + "- " + first.dropFirst(indent.count + 2))
                    lines.append(contentsOf: inner.dropFirst())
                }
            } else {
                entry(indent + "-", item, indent: indent, into: &lines)
            }
        }
    }

    /// `head` is `key:` or `-`; the value follows on the same line or below it.
    private static func entry(_ head: String, _ v: JSON, indent: String, into lines: inout [String]) {
        switch v {
        case .object(let o) where !o.isEmpty:
            lines.append(head)
            mapping(o, indent: indent + "  ", into: &lines)
        case .array(let a) where !a.isEmpty:
            lines.append(head)
            sequence(a, indent: head.hasSuffix(":") ? indent : indent + "  ", into: &lines)
        case .string(let s) where s.contains("\n"):
            let body = s.hasSuffix("\n") ? String(s.dropLast()) : s
            lines.append(head + (s.hasSuffix("\n") ? " |" : " |-"))
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(line.isEmpty ? "" : indent + "  " + line)
            }
        default:
            lines.append(head + " " + scalar(v))
        }
    }

    static func scalar(_ v: JSON) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return GoJSONWriter.goFloat(d)
        case .string(let s): return quoteIfNeeded(s)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    private static let reserved: Set<String> = ["", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False",
                                                "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off",
                                                "Off", "OFF", "y", "Y", "n", "N"]

    /// Plain when YAML would read it back as the same string, double-quoted otherwise.
    static func quoteIfNeeded(_ s: String) -> String {
        let looksNumeric = s.first.map { "0123456789+-.".contains($0) } ?? false
        let special = s.first.map { "!&*-?:,[]{}#|>@`\"'%= ".contains($0) } ?? true
        let unsafe = s.contains(": ") || s.contains(" #") || s.hasSuffix(":") || s.hasSuffix(" ")
            || s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        if !reserved.contains(s) && !looksNumeric && !special && !unsafe { return s }
        var w = GoJSONWriter()
        w.string(s)
        return String(decoding: w.bytes, as: UTF8.self)
            .replacingOccurrences(of: "\\u003c", with: "<").replacingOccurrences(of: "\\u003e", with: ">")
            .replacingOccurrences(of: "\\u0026", with: "&")
    }
}
