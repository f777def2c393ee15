/// An execution error, worded as Go's
/// `template: NAME:LINE:COL: executing "TEMPLATE" at <NODE>: MESSAGE`.
public struct TemplateExecError: Error, Sendable, CustomStringConvertible {
    /// `FILE:LINE:COL` of the node being executed (0-based column, as Go prints it).
    public let location: String
    /// The template being executed (a `define` name or the file name).
    public let template: String
    /// The node's source text.
    public let context: String
    public let message: String

    public var description: String {
        "template: \(location): executing \(GoQuote.quote(template)) at <\(context)>: \(message)"
    }
}

/// Either kind of template error, with the output written before it (Go writes as it goes).
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case parse(TemplateParseError)
        case exec(TemplateExecError)
        case other(String)
    }

    public let kind: Kind
    public var partialOutput: String = ""

    public var description: String {
        switch kind {
        case .parse(let e): e.description
        case .exec(let e): e.description
        case .other(let m): m
        }
    }
}

/// Control flow for `{{break}}` and `{{continue}}`.
enum LoopSignal: Error { case breakLoop, continueLoop }
