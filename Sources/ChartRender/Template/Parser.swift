/// Builds parse trees from tokens, as Go's text/template/parse does: the file's own tree plus one
/// tree per `define`/`block`, with Go's checks (undefined variables and functions, `break`
/// outside `range`, empty pipelines) and Go's error texts.
struct Parser {
    private let tokens: [Token]
    private var i = 0
    private let source: TemplateSource
    private let hasFunction: (String) -> Bool
    private var vars: [String] = ["$"]
    private var rangeDepth = 0
    private var actionLine = 0
    private var lastLine = 1
    /// Trees defined by `define`/`block` in this text, in order.
    private(set) var definitions: [Tree] = []

    private enum ControlEnd { case end(Int), `else`(pos: Int, line: Int) }
    private enum Item { case node(Node), end(Int), `else`(pos: Int, line: Int) }

    init(source: TemplateSource, hasFunction: @escaping (String) -> Bool) {
        self.source = source
        self.tokens = Lexer.tokenize(source.bytes)
        self.hasFunction = hasFunction
    }

    /// Parses the whole text: the top-level tree (named `name`) plus definitions.
    static func parse(name: String, source: TemplateSource, hasFunction: @escaping (String) -> Bool) throws(TemplateParseError) -> (Tree, [Tree]) {
        var p = Parser(source: source, hasFunction: hasFunction)
        let root = try p.parseTop()
        return (Tree(name: name, root: root, source: source), p.definitions)
    }

    // MARK: token stream

    private mutating func next() -> Token {
        let t = tokens[min(i, tokens.count - 1)]
        if i < tokens.count { i += 1 }
        lastLine = t.line
        return t
    }

    private mutating func backup(_ n: Int = 1) { i -= n }

    private mutating func peek() -> Token {
        let t = tokens[min(i, tokens.count - 1)]
        lastLine = t.line
        return t
    }

    private mutating func nextNonSpace() -> Token {
        var t = next()
        while t.kind == .space { t = next() }
        return t
    }

    private mutating func peekNonSpace() -> Token {
        let t = nextNonSpace()
        backup()
        return t
    }

    private func fail(_ message: String) -> TemplateParseError {
        TemplateParseError(template: source.name, line: lastLine, message: message)
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "EOF"
        case .error: return t.value
        case .keyword, .dot, .nilKeyword: return "<\(t.value)>"
        default:
            let scalars = Array(t.value.unicodeScalars)
            if scalars.count > 10 {
                return GoQuote.quote(String(String.UnicodeScalarView(scalars.prefix(10)))) + "..."
            }
            return GoQuote.quote(t.value)
        }
    }

    private func unexpected(_ t: Token, _ context: String) -> TemplateParseError {
        if t.kind == .error {
            var extra = ""
            if actionLine != 0 && actionLine != t.line {
                extra = " in action started at \(source.name):\(actionLine)"
                if t.value.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
            }
            return fail(t.value + extra)
        }
        return fail("unexpected \(describe(t)) in \(context)")
    }

    // MARK: structure

    private mutating func parseTop() throws(TemplateParseError) -> ListNode {
        var root = ListNode(pos: peek().pos)
        while peek().kind != .eof {
            if peek().kind == .leftDelim {
                let save = i
                _ = next()
                if nextNonSpace().kind == .keyword(.define) {
                    try parseDefinition()
                    continue
                }
                i = save
            }
            switch try textOrAction() {
            case .node(let n): root.nodes.append(n)
            case .end: throw fail("unexpected {{end}}")
            case .else: throw fail("unexpected {{else}}")
            }
        }
        return root
    }

    private mutating func parseDefinition() throws(TemplateParseError) {
        let context = "define clause"
        let nameTok = nextNonSpace()
        guard nameTok.kind == .string || nameTok.kind == .rawString else { throw unexpected(nameTok, context) }
        let name = try unquote(nameTok)
        let close = nextNonSpace()
        guard close.kind == .rightDelim else { throw unexpected(close, context) }
        let savedVars = vars
        vars = ["$"]
        let (list, end) = try itemList()
        vars = savedVars
        guard case .end = end else { throw fail("unexpected {{else}} in \(context)") }
        try add(Tree(name: name, root: list, source: source))
    }

    private mutating func add(_ tree: Tree) throws(TemplateParseError) {
        if let idx = definitions.firstIndex(where: { $0.name == tree.name }) {
            if definitions[idx].isEmpty { definitions[idx] = tree; return }
            if !tree.isEmpty { throw fail("template: multiple definition of template \(GoQuote.quote(tree.name))") }
            return
        }
        definitions.append(tree)
    }

    private mutating func itemList() throws(TemplateParseError) -> (ListNode, ControlEnd) {
        var list = ListNode(pos: peekNonSpace().pos)
        while peekNonSpace().kind != .eof {
            switch try textOrAction() {
            case .node(let n): list.nodes.append(n)
            case .end(let p): return (list, .end(p))
            case .else(let p, let l): return (list, .else(pos: p, line: l))
            }
        }
        throw fail("unexpected EOF")
    }

    private mutating func textOrAction() throws(TemplateParseError) -> Item {
        let t = nextNonSpace()
        switch t.kind {
        case .text: return .node(.text(pos: t.pos, text: t.value))
        case .leftDelim:
            actionLine = t.line
            defer { actionLine = 0 }
            return try action()
        case .comment: return .node(.comment(pos: t.pos))
        default: throw unexpected(t, "input")
        }
    }

    private mutating func action() throws(TemplateParseError) -> Item {
        let t = nextNonSpace()
        switch t.kind {
        case .keyword(.block): return .node(try blockControl())
        case .keyword(.break): return .node(try loopControl(t, isBreak: true))
        case .keyword(.continue): return .node(try loopControl(t, isBreak: false))
        case .keyword(.else):
            let p = peekNonSpace()
            if p.kind == .keyword(.if) { return .else(pos: p.pos, line: p.line) }
            let close = nextNonSpace()
            guard close.kind == .rightDelim else { throw unexpected(close, "else") }
            return .else(pos: close.pos, line: close.line)
        case .keyword(.end):
            let close = nextNonSpace()
            guard close.kind == .rightDelim else { throw unexpected(close, "end") }
            return .end(close.pos)
        case .keyword(.if): return .node(.if(try parseControl(allowElseIf: true, context: "if")))
        case .keyword(.range): return .node(.range(try parseControl(allowElseIf: false, context: "range")))
        case .keyword(.with): return .node(.with(try parseControl(allowElseIf: false, context: "with")))
        case .keyword(.template): return .node(try templateControl())
        default:
            backup()
            let tok = peek()
            let pipe = try pipeline(context: "command", end: .rightDelim)
            return .node(.action(pos: tok.pos, line: tok.line, pipe: pipe))
        }
    }

    private mutating func loopControl(_ t: Token, isBreak: Bool) throws(TemplateParseError) -> Node {
        let name = isBreak ? "{{break}}" : "{{continue}}"
        let close = nextNonSpace()
        guard close.kind == .rightDelim else { throw unexpected(close, name) }
        if rangeDepth == 0 { throw fail("\(name) outside {{range}}") }
        return isBreak ? .break(pos: t.pos, line: t.line) : .continue(pos: t.pos, line: t.line)
    }

    private mutating func parseControl(allowElseIf: Bool, context: String) throws(TemplateParseError) -> BranchNode {
        let savedCount = vars.count
        defer { vars.removeLast(vars.count - savedCount) }
        let pipe = try pipeline(context: context, end: .rightDelim)
        if context == "range" { rangeDepth += 1 }
        let (list, ending) = try itemList()
        if context == "range" { rangeDepth -= 1 }
        var elseList: ListNode?
        if case .else(let pos, _) = ending {
            if allowElseIf && peek().kind == .keyword(.if) {
                _ = next()
                var l = ListNode(pos: pos)
                l.nodes.append(.if(try parseControl(allowElseIf: true, context: "if")))
                elseList = l
            } else {
                let (l, n2) = try itemList()
                guard case .end = n2 else { throw fail("expected end; found {{else}}") }
                elseList = l
            }
        }
        return BranchNode(pos: pipe.pos, line: pipe.line, pipe: pipe, list: list, elseList: elseList)
    }

    private mutating func blockControl() throws(TemplateParseError) -> Node {
        let context = "block clause"
        let tok = nextNonSpace()
        guard tok.kind == .string || tok.kind == .rawString else { throw unexpected(tok, context) }
        let name = try unquote(tok)
        let pipe = try pipeline(context: context, end: .rightDelim)
        let savedVars = vars
        vars = ["$"]
        let (list, end) = try itemList()
        vars = savedVars
        guard case .end = end else { throw fail("unexpected {{else}} in \(context)") }
        try add(Tree(name: name, root: list, source: source))
        return .template(pos: tok.pos, line: tok.line, name: name, pipe: pipe)
    }

    private mutating func templateControl() throws(TemplateParseError) -> Node {
        let context = "template clause"
        let tok = nextNonSpace()
        guard tok.kind == .string || tok.kind == .rawString else { throw unexpected(tok, context) }
        let name = try unquote(tok)
        var pipe: PipeNode?
        if nextNonSpace().kind != .rightDelim {
            backup()
            pipe = try pipeline(context: context, end: .rightDelim)
        }
        return .template(pos: tok.pos, line: tok.line, name: name, pipe: pipe)
    }

    // MARK: pipelines

    private mutating func pipeline(context: String, end: Token.Kind) throws(TemplateParseError) -> PipeNode {
        let first = peekNonSpace()
        var pipe = PipeNode(pos: first.pos, line: first.line)
        decls: while true {
            let v = peekNonSpace()
            guard v.kind == .variable else { break }
            let save = i
            _ = nextNonSpace()
            let afterVar = peek()
            let nxt = peekNonSpace()
            if nxt.kind == .assign || nxt.kind == .declare {
                pipe.isAssign = nxt.kind == .assign
                _ = nextNonSpace()
                pipe.decl.append(VariableRef(pos: v.pos, name: v.value))
                vars.append(v.value)
            } else if nxt.kind == .char && nxt.value == "," {
                _ = nextNonSpace()
                pipe.decl.append(VariableRef(pos: v.pos, name: v.value))
                vars.append(v.value)
                if context == "range" && pipe.decl.count < 2 {
                    let k = peekNonSpace().kind
                    if k == .variable || k == .rightDelim || k == .rightParen { continue decls }
                    throw fail("range can only initialize variables")
                }
                throw fail("too many declarations in \(context)")
            } else {
                _ = afterVar
                i = save
            }
            break
        }
        while true {
            let t = nextNonSpace()
            if t.kind == end {
                try checkPipeline(pipe, context: context)
                return pipe
            }
            switch t.kind {
            case .bool, .charConstant, .dot, .field, .identifier, .number, .nilKeyword, .rawString, .string,
                 .variable, .leftParen:
                backup()
                pipe.cmds.append(try command())
            default:
                throw unexpected(t, context)
            }
        }
    }

    private func checkPipeline(_ pipe: PipeNode, context: String) throws(TemplateParseError) {
        if pipe.cmds.isEmpty { throw fail("missing value for \(context)") }
        for (k, c) in pipe.cmds.enumerated().dropFirst() {
            switch c.args.first {
            case .bool, .dot, .nil, .number, .string:
                throw fail("non executable command in pipeline stage \(k + 1)")
            default: break
            }
        }
    }

    private mutating func command() throws(TemplateParseError) -> CommandNode {
        var cmd = CommandNode(pos: peekNonSpace().pos)
        loop: while true {
            _ = peekNonSpace()
            if let operand = try operand() { cmd.args.append(operand) }
            let t = next()
            switch t.kind {
            case .space: continue loop
            case .rightDelim, .rightParen: backup()
            case .pipe: break
            default: throw unexpected(t, "operand")
            }
            break
        }
        if cmd.args.isEmpty { throw fail("empty command") }
        return cmd
    }

    private mutating func operand() throws(TemplateParseError) -> Arg? {
        guard let node = try term() else { return nil }
        guard peek().kind == .field else { return node }
        let chainPos = peek().pos
        var fields: [String] = []
        while peek().kind == .field { fields.append(String(next().value.dropFirst())) }
        switch node {
        case .field(_, let idents): return .field(pos: chainPos, idents: idents + fields)
        case .variable(_, let idents): return .variable(pos: chainPos, idents: idents + fields)
        case .bool, .string, .number, .nil, .dot:
            throw fail("unexpected . after term \(GoQuote.quote(node.text))")
        default:
            return .chain(pos: chainPos, node: node, fields: fields)
        }
    }

    private mutating func term() throws(TemplateParseError) -> Arg? {
        let t = nextNonSpace()
        switch t.kind {
        case .identifier:
            if !hasFunction(t.value) { throw fail("function \(GoQuote.quote(t.value)) not defined") }
            return .identifier(pos: t.pos, name: t.value)
        case .dot: return .dot(pos: t.pos)
        case .nilKeyword: return .nil(pos: t.pos)
        case .variable:
            let idents = t.value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard vars.contains(idents[0]) else { throw fail("undefined variable \(GoQuote.quote(idents[0]))") }
            return .variable(pos: t.pos, idents: idents)
        case .field: return .field(pos: t.pos, idents: [String(t.value.dropFirst())])
        case .bool: return .bool(pos: t.pos, value: t.value == "true")
        case .charConstant, .number: return .number(try number(t))
        case .leftParen: return .pipe(try pipeline(context: "parenthesized pipeline", end: .rightParen))
        case .string, .rawString: return .string(pos: t.pos, quoted: t.value, text: try unquote(t))
        default:
            backup()
            return nil
        }
    }

    // MARK: literals

    private func unquote(_ t: Token) throws(TemplateParseError) -> String {
        do {
            return try GoLiteral.unquote(t.value)
        } catch {
            throw fail("invalid syntax")
        }
    }

    private func number(_ t: Token) throws(TemplateParseError) -> NumberNode {
        var n = NumberNode(pos: t.pos, text: t.value)
        if t.kind == .charConstant {
            guard let s = try? GoLiteral.unquote(t.value), let r = s.unicodeScalars.first, s.unicodeScalars.count == 1 else {
                throw fail("malformed character constant: \(t.value)")
            }
            n.isChar = true
            n.int = Int64(r.value); n.uint = UInt64(r.value); n.float = Double(r.value)
            return n
        }
        let text = t.value
        if text.hasSuffix("i") { throw fail("complex constants are not supported: \(GoQuote.quote(text))") }
        n.uint = GoLiteral.parseUInt(text)
        n.int = GoLiteral.parseInt(text)
        if let iv = n.int, iv == 0 { n.uint = 0 }
        if let iv = n.int {
            n.float = Double(iv)
        } else if let u = n.uint {
            n.float = Double(u)
        } else if let f = GoLiteral.parseFloat(text), f.isFinite {
            if !text.contains(where: { ".eEpP".contains($0) }) {
                throw fail("integer overflow: \(GoQuote.quote(text))")
            }
            n.float = f
            if f.rounded(.towardZero) == f, Swift.abs(f) < 9.2e18 { n.int = Int64(f) }
            if f >= 0, f.rounded(.towardZero) == f, f < 1.8e19 { n.uint = UInt64(f) }
        }
        if n.int == nil && n.uint == nil && n.float == nil {
            throw fail("illegal number syntax: \(GoQuote.quote(text))")
        }
        return n
    }
}
