/// text/template's predefined functions, with Go's argument types and error texts.
public enum Builtins {
    static let names: Set<String> = [
        "and", "or", "not", "len", "index", "slice", "print", "printf", "println",
        "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery", "call",
    ]

    public static let functions: [TemplateFunction] = [
        // and/or short-circuit inside the evaluator; these bodies are never reached with args.
        TemplateFunction("and", [.reflectValue], variadic: .reflectValue) { args, _ in args.last ?? .null },
        TemplateFunction("or", [.reflectValue], variadic: .reflectValue) { args, _ in args.last ?? .null },
        TemplateFunction("not", [.reflectValue]) { args, _ in .bool(!args[0].isTruthy) },
        TemplateFunction("len", [.reflectValue]) { args, _ in try length(args[0]) },
        TemplateFunction("index", [.reflectValue], variadic: .reflectValue) { args, _ in try index(args[0], Array(args.dropFirst())) },
        TemplateFunction("slice", [.reflectValue], variadic: .reflectValue) { args, _ in try slice(args[0], Array(args.dropFirst())) },
        TemplateFunction("print", variadic: .interface) { args, _ in .string(GoFmt.sprint(args)) },
        TemplateFunction("printf", [.string], variadic: .interface) { args, _ in
            .string(GoFmt.sprintf(args[0].stringValue ?? "", Array(args.dropFirst())))
        },
        TemplateFunction("println", variadic: .interface) { args, _ in .string(GoFmt.sprintln(args)) },
        TemplateFunction("eq", [.reflectValue], variadic: .reflectValue) { args, _ in
            .bool(try Comparison.eq(args[0], Array(args.dropFirst())))
        },
        TemplateFunction("ne", [.reflectValue, .reflectValue]) { args, _ in .bool(!(try Comparison.eq(args[0], [args[1]]))) },
        TemplateFunction("lt", [.reflectValue, .reflectValue]) { args, _ in .bool(try Comparison.lt(args[0], args[1])) },
        TemplateFunction("le", [.reflectValue, .reflectValue]) { args, _ in
            let less = try Comparison.lt(args[0], args[1])
            return .bool(less ? true : try Comparison.eq(args[0], [args[1]]))
        },
        TemplateFunction("gt", [.reflectValue, .reflectValue]) { args, _ in
            let less = try Comparison.lt(args[0], args[1])
            return .bool(less ? false : !(try Comparison.eq(args[0], [args[1]])))
        },
        TemplateFunction("ge", [.reflectValue, .reflectValue]) { args, _ in .bool(!(try Comparison.lt(args[0], args[1]))) },
        TemplateFunction("html", variadic: .interface) { args, _ in .string(Escaping.html(evalArgs(args))) },
        TemplateFunction("js", variadic: .interface) { args, _ in .string(Escaping.js(evalArgs(args))) },
        TemplateFunction("urlquery", variadic: .interface) { args, _ in .string(Escaping.queryEscape(evalArgs(args))) },
        TemplateFunction("call", [.reflectValue], variadic: .reflectValue) { args, _ in
            if case .null = args[0] { throw FunctionError("call of nil") }
            throw FunctionError("non-function of type \(args[0].typeName)")
        },
    ]

    /// The text html/js/urlquery work on: a lone string as is, otherwise fmt.Sprint of the args.
    static func evalArgs(_ args: [Value]) -> String {
        if args.count == 1, case .string(let s) = args[0] { return s }
        return GoFmt.sprint(args.map { $0.isNull ? .string("<no value>") : $0 })
    }

    static func length(_ v: Value) throws -> Value {
        switch v {
        case .null: throw FunctionError("len of nil pointer")
        case .string(let s): return .int(s.utf8.count)
        case .list(let l, _): return .int(l.count)
        case .map(let m, _): return .int(m.count)
        default: throw FunctionError("len of type \(v.typeName)")
        }
    }

    static func indexArg(_ v: Value, cap: Int) throws -> Int {
        let x: Int64
        switch v {
        case .int(let i): x = Int64(i)
        case .int64(let i): x = i
        case .null: throw FunctionError("cannot index slice/array with nil")
        default: throw FunctionError("cannot index slice/array with type \(v.typeName)")
        }
        if x < 0 || x > Int64(cap) { throw FunctionError("index out of range: \(x)") }
        return Int(x)
    }

    static func index(_ item: Value, _ indexes: [Value]) throws -> Value {
        if case .null = item { throw FunctionError("index of untyped nil") }
        var item = item
        for idx in indexes {
            switch item {
            case .null:
                throw FunctionError("index of nil pointer")
            case .list(let l, _):
                let x = try indexArg(idx, cap: l.count)
                guard x < l.count else { throw FunctionError("reflect: slice index out of range") }
                item = l[x]
            case .string(let s):
                let bytes = Array(s.utf8)
                let x = try indexArg(idx, cap: bytes.count)
                guard x < bytes.count else { throw FunctionError("reflect: string index out of range") }
                item = .int(Int(bytes[x]))
            case .map(let m, let elem):
                guard case .string(let k) = idx else {
                    if case .null = idx { throw FunctionError("value is nil; should be of type string") }
                    throw FunctionError("value has type \(idx.typeName); should be string")
                }
                item = m[k] ?? elem.zero
            default:
                throw FunctionError("can't index item of type \(item.typeName)")
            }
        }
        return item
    }

    static func slice(_ item: Value, _ indexes: [Value]) throws -> Value {
        if case .null = item { throw FunctionError("slice of untyped nil") }
        if indexes.count > 3 { throw FunctionError("too many slice indexes: \(indexes.count)") }
        let len: Int
        switch item {
        case .string(let s):
            if indexes.count == 3 { throw FunctionError("cannot 3-index slice a string") }
            len = s.utf8.count
        case .list(let l, _): len = l.count
        default: throw FunctionError("can't slice item of type \(item.typeName)")
        }
        var idx = [0, len, len]
        for (i, v) in indexes.enumerated() { idx[i] = try indexArg(v, cap: len) }
        if idx[0] > idx[1] { throw FunctionError("invalid slice index: \(idx[0]) > \(idx[1])") }
        if indexes.count == 3 && idx[1] > idx[2] { throw FunctionError("invalid slice index: \(idx[1]) > \(idx[2])") }
        switch item {
        case .string(let s): return .string(String(decoding: Array(s.utf8)[idx[0]..<idx[1]], as: UTF8.self))
        case .list(let l, let e): return .list(Array(l[idx[0]..<idx[1]]), element: e)
        default: return .null
        }
    }
}

/// Go template comparison (eq, lt) on basic kinds.
enum Comparison {
    enum Kind { case invalid, bool, int, float, string }

    static func kind(_ v: Value) -> Kind {
        switch v {
        case .bool: .bool
        case .int, .int64: .int
        case .float: .float
        case .string: .string
        default: .invalid
        }
    }

    static func intValue(_ v: Value) -> Int64 {
        switch v {
        case .int(let i): Int64(i)
        case .int64(let i): i
        default: 0
        }
    }

    static func eq(_ a: Value, _ rest: [Value]) throws -> Bool {
        if rest.isEmpty { throw FunctionError("missing argument for comparison") }
        let k1 = kind(a)
        for b in rest {
            let k2 = kind(b)
            var truth = false
            if k1 != k2 {
                if !a.isNull && !b.isNull { throw FunctionError("incompatible types for comparison") }
            } else {
                switch (a, b) {
                case (.bool(let x), .bool(let y)): truth = x == y
                case (.float(let x), .float(let y)): truth = x == y
                case (.string(let x), .string(let y)): truth = x == y
                case _ where k1 == .int: truth = intValue(a) == intValue(b)
                default:
                    // Non-basic kinds: nil compares with nil; slices and maps are not comparable.
                    let aKind = a.goType?.kind ?? "invalid", bKind = b.goType?.kind ?? "invalid"
                    if aKind != bKind && !a.isNull && !b.isNull {
                        throw FunctionError("non-comparable types \(GoFmt.sprintf("%s", [a])): \(a.typeName), \(b.typeName): \(GoFmt.format(b))")
                    }
                    if a.isNull || b.isNull {
                        truth = a.isNull == b.isNull
                    } else if case .object(let o1) = a, case .object(let o2) = b {
                        truth = o1.isEqual(to: o2)
                    } else {
                        throw FunctionError("non-comparable type \(GoFmt.sprintf("%s", [b])): \(b.typeName)")
                    }
                }
            }
            if truth { return true }
        }
        return false
    }

    static func lt(_ a: Value, _ b: Value) throws -> Bool {
        let k1 = kind(a), k2 = kind(b)
        if k1 == .invalid || k2 == .invalid { throw FunctionError("invalid type for comparison") }
        if k1 != k2 { throw FunctionError("incompatible types for comparison") }
        switch (a, b) {
        case (.bool, .bool): throw FunctionError("invalid type for comparison")
        case (.float(let x), .float(let y)): return x < y
        case (.string(let x), .string(let y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
        default: return intValue(a) < intValue(b)
        }
    }
}
