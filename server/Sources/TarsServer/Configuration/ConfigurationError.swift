/// A bad or missing environment variable: which one, what is wrong, and what to do.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let variable: String
    public let problem: String
    public let hint: String

    public var description: String { "configuration error: \(variable) \(problem); \(hint)" }
}
