import Yams

/// One YAML document of a template's rendered output, with the lines it spans there.
///
/// Lines count within the rendered output of the template (what `tarsctl template
/// --show-only FILE` prints), since template source lines cannot be recovered after rendering.
public struct RenderedDocument: Sendable, Hashable {
    /// The template file as the user sees it (`charts/tars/Templates/backend.yaml`).
    public var file: String
    /// Helm's template name (`tars/templates/backend.yaml`), as in `# Source:` comments.
    public var template: String
    /// 1-based first and last line of the document's text in the rendered output.
    public var startLine: Int
    public var endLine: Int
    public var text: String

    public init(file: String, template: String, startLine: Int, endLine: Int, text: String) {
        self.file = file
        self.template = template
        self.startLine = startLine
        self.endLine = endLine
        self.text = text
    }

    /// Splits rendered output on `---` separator lines, keeping each document's line span;
    /// documents holding only blank lines and comments are dropped, as Helm drops them.
    public static func split(_ output: String, file: String, template: String) -> [RenderedDocument] {
        var docs: [RenderedDocument] = []
        var lines: [Substring] = []
        var start = 1
        func flush(_ next: Int) {
            let meaningful = lines.contains { l in
                let t = l.drop { $0 == " " || $0 == "\t" }
                return !t.isEmpty && !t.hasPrefix("#")
            }
            if meaningful {
                // Trim leading and trailing blank lines so the span covers the object only.
                var lo = 0, hi = lines.count
                while lo < hi && lines[lo].allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { lo += 1 }
                while hi > lo && lines[hi - 1].allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { hi -= 1 }
                docs.append(RenderedDocument(file: file, template: template, startLine: start + lo, endLine: start + hi - 1,
                                             text: lines[lo..<hi].joined(separator: "\n") + "\n"))
            }
            lines = []
            start = next
        }
        let all = output.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in all.enumerated() {
            if line.hasPrefix("---"), line.dropFirst(3).allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                flush(i + 2)
            } else {
                lines.append(line)
            }
        }
        flush(all.count + 1)
        return docs
    }
}

/// Source positions for nodes of a parsed document, relative to the rendered output.
struct NodeLocator {
    let file: String
    let lineOffset: Int

    func location(_ node: Node?, endLine: Int? = nil) -> SourceLocation {
        guard let m = node?.mark else { return SourceLocation(file: file, line: lineOffset + 1, column: 1, endLine: endLine) }
        let line = lineOffset + m.line
        return SourceLocation(file: file, line: line, column: m.column, endLine: max(endLine ?? line, line))
    }
}

extension Node {
    /// The string of a scalar node, nil for collections.
    var text: String? { scalar?.string }

    /// Follows a dotted path of mapping keys (`metadata.name`).
    func at(_ path: String) -> Node? {
        var node: Node? = self
        for key in path.split(separator: ".") { node = node?.mapping?[String(key)] }
        return node
    }

    /// The key node of `key` in this mapping (for positions of the key itself).
    func keyNode(_ key: String) -> Node? {
        mapping?.first { $0.key.text == key }?.key
    }
}
