import Foundation

/// A value as the evaluator holds it: the value plus how Go's reflection would see the slot it
/// came from. `iface` slots have static type `interface {}` (map elements, list items);
/// `invalid` is Go's zero reflect.Value (`<no value>`).
struct Slot {
    enum Kind { case concrete, iface, invalid }
    var value: Value
    var kind: Kind

    static let invalid = Slot(value: .null, kind: .invalid)
    static func concrete(_ v: Value) -> Slot { v.isNull ? .invalid : Slot(value: v, kind: .concrete) }
    static func element(_ v: Value, of elem: GoType) -> Slot {
        elem == .interface ? Slot(value: v, kind: .iface) : Slot(value: v, kind: .concrete)
    }

    /// The static type Go names in messages.
    var staticType: String { kind == .iface ? "interface {}" : value.typeName }

    /// evalPipeline's unwrapping of interface values.
    var unwrapped: Slot { kind == .iface ? .concrete(value) : self }
}

extension GoType {
    /// The parameter type of builtins declared with reflect.Value: anything goes, nil included.
    static let reflectValue = GoType.named("reflect.Value", kind: "struct")

    var canBeNil: Bool {
        switch self {
        case .interface, .slice, .map: true
        case .named(_, let kind): kind == "ptr" || self == .reflectValue
        default: false
        }
    }
}

/// Executes trees, mirroring Go's exec.go `state`: the current template and node (for error
/// locations), the variable stack and the nesting depth.
final class Executor {
    /// Go allows 100,000 nested `template` calls (its stacks grow to 1 GB); we stop at 10,000 to keep
    /// memory bounded. Helm charts hit include's limit of 1,000 long before either.
    static let maxExecDepth = 10_000

    let set: TemplateSet
    let session: RenderSession
    private var out = ""
    private var tree: Tree
    private var nodePos = 0
    /// The node whose text an error quotes (`at <.Values.a>`); its text is built only on error.
    private var nodeContext = NodeContext.none
    private var vars: [(name: String, slot: Slot)] = []
    private var depth = 0
    /// The dot of each list being walked, and whether it is the same dot as the enclosing list's
    /// (if/else bodies) so a write-back reaches every list that shares it.
    private var dots: [(slot: Slot, inherits: Bool)] = []

    init(set: TemplateSet, session: RenderSession) {
        self.set = set
        self.session = session
        self.tree = Tree(name: "", root: ListNode(pos: 0), source: TemplateSource(name: "", bytes: []))
    }

    func run(_ tree: Tree, data: Value) throws(TemplateError) -> String {
        self.tree = tree
        vars = [("$", .concrete(data))]
        do {
            try walkList(tree.root, dot: .concrete(data), inherits: false)
        } catch let e as TemplateExecError {
            throw TemplateError(kind: .exec(e), partialOutput: out)
        } catch let e as TemplateError {
            var e = e
            e.partialOutput = out
            throw e
        } catch {
            throw TemplateError(kind: .other("\(error)"), partialOutput: out)
        }
        return out
    }

    // MARK: errors and position

    /// What an error message quotes, kept as the node itself so its text is built only on error.
    enum NodeContext {
        case none
        case node(Node)
        case range(BranchNode)
        case pipe(PipeNode)
        case command(CommandNode)
        case arg(Arg)
        case number(NumberNode)

        var text: String {
            switch self {
            case .none: ""
            case .node(let n): n.text
            case .range(let b): Node.range(b).text
            case .pipe(let p): p.text
            case .command(let c): c.text
            case .arg(let a): a.text
            case .number(let n): n.text
            }
        }
    }

    private func at(_ pos: Int, _ context: NodeContext) {
        nodePos = pos
        nodeContext = context
    }

    private func at(_ arg: Arg) { at(arg.pos, .arg(arg)) }

    func fail(_ message: String) -> TemplateExecError {
        TemplateExecError(location: tree.source.location(of: nodePos), template: tree.name,
                          context: nodeContext.text, message: message)
    }

    // MARK: variables

    private func varValue(_ name: String) throws -> Slot {
        for i in stride(from: vars.count - 1, through: 0, by: -1) where vars[i].name == name { return vars[i].slot }
        throw fail("undefined variable: \(name)")
    }

    private func setVar(_ name: String, _ slot: Slot) throws {
        for i in stride(from: vars.count - 1, through: 0, by: -1) where vars[i].name == name {
            vars[i].slot = slot
            return
        }
        throw fail("undefined variable: \(name)")
    }

    private func setTopVar(_ n: Int, _ slot: Slot) { vars[vars.count - n].slot = slot }

    // MARK: walking

    private func walk(_ dot: Slot, _ node: Node) throws {
        switch node {
        case .list(let l):
            try walkList(l, dot: dot, inherits: true)
        case .text(_, let t):
            out += t
        case .action(let pos, _, let pipe):
            let val = try evalPipeline(dot, pipe)
            if pipe.decl.isEmpty {
                at(pos, .node(node))
                out += val.kind == .invalid ? "<no value>" : GoFmt.format(val.value)
            }
        case .comment:
            break
        case .if(let b):
            try walkIfOrWith(isWith: false, dot, b)
        case .with(let b):
            try walkIfOrWith(isWith: true, dot, b)
        case .range(let b):
            try walkRange(dot, b)
        case .template(let pos, _, let name, let pipe):
            at(pos, .node(node))
            guard let t = set.tree(name) else { throw fail("template \(GoQuote.quote(name)) not defined") }
            if depth >= Executor.maxExecDepth { throw fail("exceeded maximum template depth (\(Executor.maxExecDepth))") }
            let newDot = try pipe.map { try evalPipeline(dot, $0) } ?? .invalid
            let saved = (tree, vars, depth)
            tree = t
            vars = [("$", newDot)]
            depth += 1
            defer { (tree, vars, depth) = saved }
            try walkList(t.root, dot: newDot, inherits: false)
        case .break:
            throw LoopSignal.breakLoop
        case .continue:
            throw LoopSignal.continueLoop
        }
    }

    private func walkList(_ l: ListNode, dot: Slot, inherits: Bool) throws {
        let level = dots.count
        dots.append((dot, inherits && level > 0))
        defer { dots.removeLast() }
        for n in l.nodes { try walk(dots[level].slot, n) }
    }

    /// Whether the current dot is the template's root data (so `.` and `$` are one map).
    private var dotIsRoot: Bool {
        var i = dots.count - 1
        while i > 0 && dots[i].inherits { i -= 1 }
        return i == 0
    }

    /// Replaces the current dot (and every enclosing list sharing it).
    private func setDot(_ slot: Slot) {
        var i = dots.count - 1
        while i >= 0 {
            dots[i].slot = slot
            if !dots[i].inherits { break }
            i -= 1
        }
    }

    /// Go maps are references: `set $d "k" v` changes `$d` for later reads. Values here are
    /// values, so the result of a mutating function is written back where its first argument
    /// came from: a variable (with its field chain), `$`, or dot.
    static let mutatingFunctions: Set<String> = ["set", "unset", "merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite"]

    private func writeBack(_ arg: Arg, _ result: Value) throws {
        guard case .map = result else { return }
        switch arg {
        case .variable(_, let idents):
            let root = try varValue(idents[0])
            let updated = Executor.replacing(root.value, at: Array(idents.dropFirst()), with: result)
            try setVar(idents[0], Slot(value: updated, kind: root.kind == .invalid ? .concrete : root.kind))
            if idents[0] == "$" && dotIsRoot, let top = dots.last { setDot(Slot(value: updated, kind: top.slot.kind)) }
        case .field(_, let idents):
            guard let top = dots.last else { return }
            let updated = Executor.replacing(top.slot.value, at: idents, with: result)
            setDot(Slot(value: updated, kind: top.slot.kind))
            if dotIsRoot, vars.first?.name == "$" { vars[0].slot = Slot(value: updated, kind: vars[0].slot.kind) }
        case .dot:
            guard let top = dots.last else { return }
            setDot(Slot(value: result, kind: top.slot.kind))
            if dotIsRoot, vars.first?.name == "$" { vars[0].slot = Slot(value: result, kind: vars[0].slot.kind) }
        default:
            break
        }
    }

    /// `root` with the map at `path` replaced by `new` (unchanged if the path does not lead to a map).
    static func replacing(_ root: Value, at path: [String], with new: Value) -> Value {
        guard let first = path.first else { return new }
        guard case .map(var m, let e) = root, let child = m[first] else { return root }
        m[first] = replacing(child, at: Array(path.dropFirst()), with: new)
        return .map(m, element: e)
    }

    private func walkIfOrWith(isWith: Bool, _ dot: Slot, _ b: BranchNode) throws {
        let mark = vars.count
        defer { vars.removeLast(vars.count - mark) }
        let val = try evalPipeline(dot, b.pipe)
        if val.kind != .invalid && val.value.isTruthy {
            try walkList(b.list, dot: isWith ? val : dot, inherits: !isWith)
        } else if let e = b.elseList {
            try walkList(e, dot: dot, inherits: true)
        }
    }

    private func walkRange(_ dot: Slot, _ r: BranchNode) throws {
        at(r.pos, .range(r))
        let outerMark = vars.count
        defer { vars.removeLast(vars.count - outerMark) }
        let val = try evalPipeline(dot, r.pipe)
        let mark = vars.count
        func iteration(_ index: Slot, _ elem: Slot) throws -> Bool {
            if !r.pipe.decl.isEmpty {
                if r.pipe.isAssign {
                    try setVar(r.pipe.decl[0].name, r.pipe.decl.count > 1 ? index : elem)
                } else {
                    setTopVar(1, elem)
                }
            }
            if r.pipe.decl.count > 1 {
                if r.pipe.isAssign { try setVar(r.pipe.decl[1].name, elem) } else { setTopVar(2, index) }
            }
            defer { vars.removeLast(vars.count - mark) }
            do {
                try walkList(r.list, dot: elem, inherits: false)
            } catch LoopSignal.continueLoop {
            } catch LoopSignal.breakLoop {
                return false
            }
            return true
        }
        var ranAny = false
        switch val.value {
        case _ where val.kind == .invalid:
            break
        case .list(let items, let elem):
            for (i, item) in items.enumerated() {
                ranAny = true
                if try !iteration(.concrete(.int(i)), .element(item, of: elem)) { break }
            }
        case .map(let m, let elem):
            for kv in Value.sortedEntries(m) {
                ranAny = true
                if try !iteration(.concrete(.string(kv.key)), .element(kv.value, of: elem)) { break }
            }
        case .int(let n):
            // Go 1.22+ ranges over an integer: 0, 1, …, n-1.
            for i in 0..<max(n, 0) {
                ranAny = true
                if try !iteration(.concrete(.int(i)), .concrete(.int(i))) { break }
            }
        case .int64(let n):
            for i in 0..<max(n, 0) {
                ranAny = true
                if try !iteration(.concrete(.int64(i)), .concrete(.int64(i))) { break }
            }
        case .null:
            break
        default:
            throw fail("range can't iterate over \(GoFmt.format(val.value))")
        }
        if !ranAny, let e = r.elseList { try walkList(e, dot: dot, inherits: true) }
    }

    // MARK: pipelines and commands

    func evalPipeline(_ dot: Slot, _ pipe: PipeNode) throws -> Slot {
        at(pipe.pos, .pipe(pipe))
        var value: Slot? = nil
        for cmd in pipe.cmds {
            value = try evalCommand(dot, cmd, final: value).unwrapped
        }
        let result = value ?? .invalid
        for v in pipe.decl {
            if pipe.isAssign { try setVar(v.name, result) } else { vars.append((v.name, result)) }
        }
        return result
    }

    private func notAFunction(_ args: [Arg], _ final: Slot?) throws {
        if args.count > 1 || final != nil { throw fail("can't give argument to non-function \(args[0].text)") }
    }

    private func evalCommand(_ dot: Slot, _ cmd: CommandNode, final: Slot?) throws -> Slot {
        let first = cmd.args[0]
        switch first {
        case .field(let pos, let idents):
            at(pos, .arg(first))
            return try evalFieldChain(dot, dot, idents, args: cmd.args, final: final)
        case .chain:
            return try evalChain(dot, first, args: cmd.args, final: final)
        case .identifier(_, let name):
            at(first)
            return try evalFunction(dot, name, cmdPos: cmd.pos, cmdContext: .command(cmd), args: cmd.args, final: final)
        case .pipe(let p):
            try notAFunction(cmd.args, final)
            return try evalPipeline(dot, p)
        case .variable(let pos, let idents):
            return try evalVariable(dot, pos: pos, idents: idents, node: first, args: cmd.args, final: final)
        default:
            break
        }
        at(first)
        try notAFunction(cmd.args, final)
        switch first {
        case .bool(_, let b): return .concrete(.bool(b))
        case .dot: return dot
        case .nil: throw fail("nil is not a command")
        case .number(let n): return .concrete(try idealConstant(n))
        case .string(_, _, let s): return .concrete(.string(s))
        default: throw fail("can't evaluate command \(GoQuote.quote(first.text))")
        }
    }

    private func idealConstant(_ n: NumberNode) throws -> Value {
        at(n.pos, .number(n))
        let t = n.text
        let isHex = t.hasPrefix("0x") || t.hasPrefix("0X") || t.hasPrefix("-0x") || t.hasPrefix("-0X")
            || t.hasPrefix("+0x") || t.hasPrefix("+0X")
        if let f = n.float, !isHex, !n.isChar, t.contains(where: { ".eEpP".contains($0) }) { return .float(f) }
        if let i = n.int { return .int(Int(i)) }
        if n.uint != nil { throw fail("\(t) overflows int") }
        return .null
    }

    private func evalVariable(_ dot: Slot, pos: Int, idents: [String], node: Arg, args: [Arg], final: Slot?) throws -> Slot {
        at(pos, .arg(node))
        let value = try varValue(idents[0])
        if idents.count == 1 {
            try notAFunction(args, final)
            return value
        }
        return try evalFieldChain(dot, value, Array(idents.dropFirst()), args: args, final: final)
    }

    private func evalChain(_ dot: Slot, _ chain: Arg, args: [Arg], final: Slot?) throws -> Slot {
        guard case .chain(_, let node, let fields) = chain else { return .invalid }
        at(chain)
        if case .nil = node { throw fail("indirection through explicit nil in \(chain.text)") }
        let receiver = try evalArgUntyped(dot, node)
        return try evalFieldChain(dot, receiver, fields, args: args, final: final)
    }

    private func evalFieldChain(_ dot: Slot, _ receiver: Slot, _ idents: [String], args: [Arg], final: Slot?) throws -> Slot {
        var r = receiver
        for name in idents.dropLast() { r = try evalField(dot, name, args: [], final: nil, receiver: r) }
        return try evalField(dot, idents[idents.count - 1], args: args, final: final, receiver: r)
    }

    private func evalField(_ dot: Slot, _ name: String, args: [Arg], final: Slot?, receiver: Slot) throws -> Slot {
        if receiver.kind == .invalid {
            if set.missingKey == .error { throw fail("nil data; no entry for key \(GoQuote.quote(name))") }
            return .invalid
        }
        let hasArgs = args.count > 1 || final != nil
        switch receiver.value {
        case .null:
            throw fail("nil pointer evaluating \(receiver.staticType).\(name)")
        case .object(let o):
            if let m = o.method(name) {
                return try evalCall(dot, m, isBuiltin: false, pos: nodePos, context: nodeContext, name: name, args: args, final: final)
            }
            if let v = o.field(name) {
                if hasArgs { throw fail("\(name) has arguments but cannot be invoked as function") }
                return v.isNull ? Slot(value: .null, kind: .iface) : .concrete(v)
            }
        case .map(let m, let elem):
            if hasArgs { throw fail("\(name) is not a method but has arguments") }
            if let v = m[name] { return .element(v, of: elem) }
            switch set.missingKey {
            case .zero: return .element(elem.zero, of: elem)
            case .default: return .invalid
            case .error: throw fail("map has no entry for key \(GoQuote.quote(name))")
            }
        default:
            break
        }
        throw fail("can't evaluate field \(name) in type \(receiver.staticType)")
    }

    // MARK: functions

    private func evalFunction(_ dot: Slot, _ name: String, cmdPos: Int, cmdContext: NodeContext, args: [Arg], final: Slot?) throws -> Slot {
        guard let fn = set.functions[name] else { throw fail("\(GoQuote.quote(name)) is not a defined function") }
        // Only and/or need to know whether they are the builtins (evalCall short-circuits them).
        let isBuiltin = (name == "and" || name == "or") && Builtins.names.contains(name)
        return try evalCall(dot, fn, isBuiltin: isBuiltin, pos: cmdPos, context: cmdContext,
                            name: name, args: args, final: final)
    }

    private func evalCall(_ dot: Slot, _ fn: TemplateFunction, isBuiltin: Bool, pos: Int, context: NodeContext,
                          name: String, args allArgs: [Arg], final: Slot?) throws -> Slot {
        let args = Array(allArgs.dropFirst())
        let numIn = args.count + (final == nil ? 0 : 1)
        let numFixed = fn.variadic == nil ? args.count : fn.parameters.count
        if fn.variadic != nil {
            if numIn < numFixed {
                throw fail("wrong number of args for \(name): want at least \(fn.parameters.count) got \(args.count)")
            }
        } else if numIn != fn.parameters.count {
            throw fail("wrong number of args for \(name): want \(fn.parameters.count) got \(numIn)")
        }
        if isBuiltin && (name == "and" || name == "or") {
            var v = Slot.invalid
            for a in args {
                v = try evalArg(dot, .reflectValue, a)
                let truth = v.kind != .invalid && v.value.isTruthy
                if truth == (name == "or") { return v }
            }
            if let f = final { v = f }
            return v
        }
        var argv: [Value] = []
        argv.reserveCapacity(numIn)
        var i = 0
        while i < numFixed && i < args.count {
            argv.append(try evalArg(dot, fn.parameters[i], args[i]).value)
            i += 1
        }
        if let vt = fn.variadic {
            while i < args.count {
                argv.append(try evalArg(dot, vt, args[i]).value)
                i += 1
            }
        }
        if let f = final {
            var t: GoType
            if let vt = fn.variadic {
                t = numIn - 1 < numFixed ? fn.parameters[numIn - 1] : vt
            } else {
                t = fn.parameters[fn.parameters.count - 1]
            }
            argv.append(try validateType(f, t).value)
        }
        do {
            let result = try fn.body(argv, FunctionCallContext(executor: self))
            if case .map = result, Executor.mutatingFunctions.contains(name), let target = args.first { try writeBack(target, result) }
            return result.isNull ? Slot(value: .null, kind: .iface) : .concrete(result)
        } catch let e as FunctionError {
            at(pos, context)
            throw fail("error calling \(name): \(e.message)")
        } catch let e as TemplateError {
            at(pos, context)
            throw fail("error calling \(name): \(e.description)")
        }
    }

    private func validateType(_ s: Slot, _ typ: GoType) throws -> Slot {
        if typ == .reflectValue { return s }
        if s.kind == .invalid {
            if typ.canBeNil { return Slot(value: typ == .interface ? .null : typ.zero, kind: .concrete) }
            throw fail("invalid value; expected \(typ)")
        }
        if typ == .interface { return s }
        guard let dyn = s.value.goType else {
            throw fail("wrong type for value; expected \(typ); got interface {}")
        }
        if dyn == typ { return s }
        throw fail("wrong type for value; expected \(typ); got \(dyn)")
    }

    /// evalArg with no parameter type (the receiver of a chain).
    private func evalArgUntyped(_ dot: Slot, _ n: Arg) throws -> Slot {
        at(n)
        switch n {
        case .dot: return dot
        case .field(_, let idents): return try evalFieldChain(dot, dot, idents, args: [n], final: nil)
        case .variable(let pos, let idents): return try evalVariable(dot, pos: pos, idents: idents, node: n, args: [], final: nil)
        case .pipe(let p): return try evalPipeline(dot, p)
        case .identifier(_, let name): return try evalFunction(dot, name, cmdPos: n.pos, cmdContext: .arg(n), args: [n], final: nil)
        case .chain: return try evalChain(dot, n, args: [], final: nil)
        default: return try evalEmptyInterface(dot, n)
        }
    }

    private func evalArg(_ dot: Slot, _ typ: GoType, _ n: Arg) throws -> Slot {
        at(n)
        switch n {
        case .dot: return try validateType(dot, typ)
        case .nil:
            if typ.canBeNil { return typ == .interface || typ == .reflectValue ? .invalid : .concrete(typ.zero) }
            throw fail("cannot assign nil to \(typ)")
        case .field(_, let idents):
            return try validateType(try evalFieldChain(dot, dot, idents, args: [n], final: nil), typ)
        case .variable(let pos, let idents):
            return try validateType(try evalVariable(dot, pos: pos, idents: idents, node: n, args: [], final: nil), typ)
        case .pipe(let p):
            return try validateType(try evalPipeline(dot, p), typ)
        case .identifier(_, let name):
            return try validateType(try evalFunction(dot, name, cmdPos: n.pos, cmdContext: .arg(n), args: [n], final: nil), typ)
        case .chain:
            return try validateType(try evalChain(dot, n, args: [], final: nil), typ)
        default:
            break
        }
        switch typ {
        case .bool:
            if case .bool(_, let b) = n { return .concrete(.bool(b)) }
            throw fail("expected bool; found \(n.text)")
        case .float64:
            if case .number(let num) = n, let f = num.float { return .concrete(.float(f)) }
            throw fail("expected float; found \(n.text)")
        case .int, .int64:
            if case .number(let num) = n, let i = num.int {
                return .concrete(typ == .int ? .int(Int(i)) : .int64(i))
            }
            throw fail("expected integer; found \(n.text)")
        case .uint8, .uint32:
            if case .number(let num) = n, let u = num.uint { return .concrete(.int(Int(truncatingIfNeeded: u))) }
            throw fail("expected unsigned integer; found \(n.text)")
        case .string:
            if case .string(_, _, let s) = n { return .concrete(.string(s)) }
            throw fail("expected string; found \(n.text)")
        case .interface, .reflectValue:
            return try evalEmptyInterface(dot, n)
        default:
            throw fail("can't handle \(n.text) for arg of type \(typ)")
        }
    }

    private func evalEmptyInterface(_ dot: Slot, _ n: Arg) throws -> Slot {
        at(n)
        switch n {
        case .bool(_, let b): return .concrete(.bool(b))
        case .dot: return dot
        case .number(let num): return .concrete(try idealConstant(num))
        case .string(_, _, let s): return .concrete(.string(s))
        case .nil: throw fail("evalEmptyInterface: nil (can't happen)")
        default: return try evalArgUntyped(dot, n)
        }
    }

    // MARK: nested execution for include/tpl

    /// Helm's include: execute a named template of this set, at most 1000 deep per name.
    func include(_ name: String, data: Value) throws -> String {
        let n = session.included[name] ?? 0
        if n > RenderSession.maxIncludeDepth {
            throw FunctionError("rendering template has a nested reference name: \(name): unable to execute template")
        }
        session.included[name] = n + 1
        defer { session.included[name, default: 1] -= 1 }
        return try set.execute(name, data: data, session: session)
    }

    /// Helm's tpl: parse `text` into a copy of the set under the root name and execute it.
    func tpl(_ text: String, data: Value) throws -> String {
        var copy = set
        do {
            try copy.parse(name: TemplateSet.rootName, text: text)
        } catch {
            throw FunctionError("cannot parse template \(GoQuote.quote(text)): \(error.description)")
        }
        do {
            let out = try copy.execute(TemplateSet.rootName, data: data, session: session)
            return GoBytes.removingNoValue(out)
        } catch {
            throw FunctionError("error during tpl function execution for \(GoQuote.quote(text)): \(error.description)")
        }
    }
}

/// The FunctionContext handed to function bodies during one call.
/// `@unchecked Sendable`: it lives only for the duration of a synchronous call on the
/// executing thread and is never stored or shared.
struct FunctionCallContext: FunctionContext, @unchecked Sendable {
    let executor: Executor

    func include(_ name: String, data: Value) throws -> String {
        try executor.include(name, data: data)
    }

    func tpl(_ text: String, data: Value) throws -> String {
        try executor.tpl(text, data: data)
    }
}
