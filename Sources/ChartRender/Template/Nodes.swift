/// The parse tree of a template, mirroring Go's text/template/parse nodes. Every node keeps the
/// byte offset where it starts; line and column are computed only when an error is reported.
indirect enum Node: Sendable {
    case list(ListNode)
    case text(pos: Int, text: String)
    case action(pos: Int, line: Int, pipe: PipeNode)
    case comment(pos: Int)
    case `if`(BranchNode)
    case range(BranchNode)
    case with(BranchNode)
    case template(pos: Int, line: Int, name: String, pipe: PipeNode?)
    case `break`(pos: Int, line: Int)
    case `continue`(pos: Int, line: Int)

    var pos: Int {
        switch self {
        case .list(let l): l.pos
        case .text(let p, _), .action(let p, _, _), .comment(let p), .template(let p, _, _, _),
             .break(let p, _), .continue(let p, _): p
        case .if(let b), .range(let b), .with(let b): b.pos
        }
    }
}

struct ListNode: Sendable {
    var pos: Int
    var nodes: [Node] = []
}

struct BranchNode: Sendable {
    var pos: Int
    var line: Int
    var pipe: PipeNode
    var list: ListNode
    var elseList: ListNode?
}

/// A pipeline with optional variable declarations: `$x := a | b c`.
struct PipeNode: Sendable {
    var pos: Int
    var line: Int
    var isAssign = false
    var decl: [VariableRef] = []
    var cmds: [CommandNode] = []
}

struct VariableRef: Sendable {
    var pos: Int
    var name: String
}

struct CommandNode: Sendable {
    var pos: Int
    var args: [Arg] = []
}

/// An operand of a command.
indirect enum Arg: Sendable {
    case field(pos: Int, idents: [String])
    case chain(pos: Int, node: Arg, fields: [String])
    case identifier(pos: Int, name: String)
    case variable(pos: Int, idents: [String])
    case dot(pos: Int)
    case `nil`(pos: Int)
    case bool(pos: Int, value: Bool)
    case number(NumberNode)
    case string(pos: Int, quoted: String, text: String)
    case pipe(PipeNode)

    var pos: Int {
        switch self {
        case .field(let p, _), .chain(let p, _, _), .identifier(let p, _), .variable(let p, _), .dot(let p),
             .nil(let p), .bool(let p, _), .string(let p, _, _):
            return p
        case .number(let n): return n.pos
        case .pipe(let p): return p.pos
        }
    }
}

/// A numeric constant, with every interpretation Go allows for it.
struct NumberNode: Sendable {
    var pos: Int
    var text: String
    var int: Int64?
    var uint: UInt64?
    var float: Double?
    var isChar = false
}
