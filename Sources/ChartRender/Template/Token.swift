/// A lexical token of Go's template language, with its byte offset in the source.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case text, leftDelim, rightDelim, space, comment
        case identifier, field, variable, string, rawString, number, charConstant, bool, nilKeyword, dot
        case pipe, leftParen, rightParen, assign, declare, char
        case keyword(Keyword)
        case eof, error
    }

    enum Keyword: String, Sendable {
        case `block`, `break`, `continue`, `define`, `else`, `end`, `if`, `range`, `template`, `with`
    }

    let kind: Kind
    let pos: Int
    let value: String
    /// The 1-based line the token starts on.
    let line: Int
}
