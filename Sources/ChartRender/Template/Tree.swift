/// The text a template was parsed from, shared by every tree defined in it, so errors can turn
/// byte offsets into `line:col` only when they are reported.
final class TemplateSource: Sendable {
    /// The name Go calls ParseName: the file the text came from.
    let name: String
    let bytes: [UInt8]

    init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    /// Go's ErrorContext location: `NAME:LINE:COL` with a 0-based byte column.
    func location(of pos: Int) -> String {
        let p = min(max(pos, 0), bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<p where bytes[i] == 10 {
            line += 1
            lineStart = i + 1
        }
        return "\(name):\(line):\(p - lineStart)"
    }
}

/// One named template: its body and the source it came from.
struct Tree: Sendable {
    var name: String
    var root: ListNode
    var source: TemplateSource

    /// Go's IsEmptyTree: only whitespace text and comments (definitions are taken out already).
    var isEmpty: Bool {
        root.nodes.allSatisfy { node in
            switch node {
            case .text(_, let t): return t.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            case .comment: return true
            default: return false
            }
        }
    }
}

/// A parse error, worded as Go's `template: NAME:LINE: MESSAGE`.
public struct TemplateParseError: Error, Sendable, CustomStringConvertible, Equatable {
    public let template: String
    public let line: Int
    public let message: String
    public var description: String { "template: \(template):\(line): \(message)" }
}
