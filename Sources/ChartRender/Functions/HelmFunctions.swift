/// The functions Helm's engine adds to Sprig (the ones that need no YAML/JSON encoder).
enum HelmFunctions {
    static let functions: [TemplateFunction] = [
        TemplateFunction("include", [.string, .interface]) { args, ctx in
            .string(try ctx.include(args[0].stringValue ?? "", data: args[1]))
        },
        TemplateFunction("tpl", [.string, .interface]) { args, ctx in
            .string(try ctx.tpl(args[0].stringValue ?? "", data: args[1]))
        },
        TemplateFunction("required", [.string, .interface]) { args, _ in
            let val = args[1]
            if case .null = val { throw FunctionError(args[0].stringValue ?? "") }
            if case .string("") = val { throw FunctionError(args[0].stringValue ?? "") }
            return val
        },
        TemplateFunction("fail", [.string]) { args, _ in throw FunctionError(args[0].stringValue ?? "") },
        TemplateFunction("fromJson", [.string]) { args, _ in
            do {
                let v = try JSONValueParser.parse(args[0].stringValue ?? "")
                if case .map = v { return v }
                return .map(["Error": .string("json: cannot unmarshal \(jsonKind(v)) into Go value of type map[string]interface {}")])
            } catch {
                return .map(["Error": .string("\(error)")])
            }
        },
        TemplateFunction("fromJsonArray", [.string]) { args, _ in
            do {
                let v = try JSONValueParser.parse(args[0].stringValue ?? "")
                if case .list = v { return v }
                return .list([.string("json: cannot unmarshal \(jsonKind(v)) into Go value of type []interface {}")])
            } catch {
                return .list([.string("\(error)")])
            }
        },
    ]

    static func jsonKind(_ v: Value) -> String {
        switch v {
        case .map: "object"
        case .list: "array"
        case .string: "string"
        case .float, .int, .int64: "number"
        case .bool: "bool"
        default: "null"
        }
    }
}

/// The function sets tarsctl offers.
public enum FunctionLibrary {
    /// Builtins, Sprig (minus env/expandenv) and Helm's functions: what `tarsctl tpl` and
    /// chart templates see. `lookup` returns an empty map unless the caller injects a reader.
    public static func standard(lookup: LookupReader? = nil) -> FunctionTable {
        var t = FunctionTable(Builtins.functions)
        t.add(sprigFunctions)
        t.add(HelmFunctions.functions)
        t.add(YAMLFunctions.functions)
        t.add([lookupFunction(lookup)])
        return t
    }

    static func lookupFunction(_ reader: LookupReader?) -> TemplateFunction {
        TemplateFunction("lookup", [.string, .string, .string, .string]) { args, _ in
            guard let reader else { return .map([:]) }
            let s = args.map { $0.stringValue ?? "" }
            do {
                return try reader.lookup(apiVersion: s[0], kind: s[1], namespace: s[2], name: s[3])
            } catch {
                throw FunctionError("\(error)")
            }
        }
    }
}

/// Reads live objects for `lookup` (a cluster client, injected by the caller).
public protocol LookupReader: Sendable {
    /// The object as a map, a `…List` map with `items` when `name` is empty, or an empty map
    /// when it does not exist.
    func lookup(apiVersion: String, kind: String, namespace: String, name: String) throws -> Value
}
