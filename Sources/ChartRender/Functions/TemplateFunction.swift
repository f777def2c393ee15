/// A function callable from templates, with the Go signature Helm's reflection would check.
///
/// `parameters` are the fixed parameter types; `variadic` is the element type of a trailing
/// `...T` parameter. The evaluator checks argument count and types against them and reports
/// errors in Go's words (`wrong number of args for quote: want 1 got 0`), then calls `body`
/// with converted arguments. A body throws `FunctionError` for the `(value, error)` functions;
/// the evaluator wraps it as `error calling NAME: MESSAGE`.
public struct TemplateFunction: Sendable {
    public typealias Body = @Sendable (_ args: [Value], _ context: FunctionContext) throws -> Value

    public let name: String
    public let parameters: [GoType]
    public let variadic: GoType?
    public let body: Body

    public init(_ name: String, _ parameters: [GoType] = [], variadic: GoType? = nil, _ body: @escaping Body) {
        self.name = name
        self.parameters = parameters
        self.variadic = variadic
        self.body = body
    }
}

/// An error a function returns; printed after `error calling NAME: `.
public struct FunctionError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a function may need from the running template: nested execution for `include`/`tpl`
/// and the cluster reader for `lookup`.
public protocol FunctionContext: Sendable {
    /// Executes the named template with `data` as dot (Helm's `include`).
    func include(_ name: String, data: Value) throws -> String
    /// Parses and executes `text` with `data` as dot, in the current template set (Helm's `tpl`).
    func tpl(_ text: String, data: Value) throws -> String
}

/// A set of functions keyed by name, merged in order (later wins).
public struct FunctionTable: Sendable {
    public private(set) var functions: [String: TemplateFunction] = [:]

    public init(_ functions: [TemplateFunction] = []) {
        for f in functions { self.functions[f.name] = f }
    }

    public subscript(name: String) -> TemplateFunction? { functions[name] }

    public mutating func add(_ fs: [TemplateFunction]) {
        for f in fs { functions[f.name] = f }
    }

    public mutating func remove(_ names: [String]) {
        for n in names { functions[n] = nil }
    }
}
