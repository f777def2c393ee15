/// Node.String() as Go prints it, used in error messages (`at <.Values.a.b>`).
extension PipeNode {
    var text: String {
        var s = ""
        if !decl.isEmpty {
            s = decl.map(\.name).joined(separator: ", ") + (isAssign ? " = " : " := ")
        }
        return s + cmds.map(\.text).joined(separator: " | ")
    }
}

extension CommandNode {
    var text: String {
        args.map { arg -> String in
            if case .pipe(let p) = arg { return "(" + p.text + ")" }
            return arg.text
        }.joined(separator: " ")
    }
}

extension Arg {
    var text: String {
        switch self {
        case .field(_, let idents): return idents.map { "." + $0 }.joined()
        case .chain(_, let node, let fields):
            var s: String
            if case .pipe(let p) = node { s = "(" + p.text + ")" } else { s = node.text }
            for f in fields { s += "." + f }
            return s
        case .identifier(_, let name): return name
        case .variable(_, let idents): return idents.joined(separator: ".")
        case .dot: return "."
        case .nil: return "nil"
        case .bool(_, let v): return v ? "true" : "false"
        case .number(let n): return n.text
        case .string(_, let quoted, _): return quoted
        case .pipe(let p): return p.text
        }
    }
}

extension Node {
    var text: String {
        switch self {
        case .list(let l): return l.nodes.map(\.text).joined()
        case .text(_, let t): return t
        case .action(_, _, let p): return "{{" + p.text + "}}"
        case .comment: return "{{/* */}}"
        case .if(let b): return branchText("if", b)
        case .range(let b): return branchText("range", b)
        case .with(let b): return branchText("with", b)
        case .template(_, _, let name, let pipe):
            let q = GoQuote.quote(name)
            if let p = pipe { return "{{template \(q) \(p.text)}}" }
            return "{{template \(q)}}"
        case .break: return "{{break}}"
        case .continue: return "{{continue}}"
        }
    }

    private func branchText(_ name: String, _ b: BranchNode) -> String {
        var s = "{{\(name) \(b.pipe.text)}}" + b.list.nodes.map(\.text).joined()
        if let e = b.elseList { s += "{{else}}" + e.nodes.map(\.text).joined() }
        return s + "{{end}}"
    }
}
