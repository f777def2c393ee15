import Foundation

/// What a map lookup of a missing key yields, as Go's `missingkey` option.
public enum MissingKey: String, Sendable {
    /// The zero value of the map's element type (Helm's default).
    case zero
    /// No value (prints `<no value>`; field chains continue silently).
    case `default`
    /// An error naming the key.
    case error
}

/// A set of named templates sharing one function table, as Go's `*template.Template` with
/// its associated templates. Parsing a file adds its own tree and every `define` in it; a later
/// definition of a name replaces an earlier one unless it is empty.
public struct TemplateSet: Sendable {
    /// The root template name Helm and the oracle give their set; `tpl` parses under it.
    public static let rootName = "gotpl"

    public var functions: FunctionTable
    public var missingKey: MissingKey
    private(set) var trees: [String: Tree] = [:]

    public init(functions: FunctionTable = FunctionTable(Builtins.functions), missingKey: MissingKey = .zero) {
        self.functions = functions
        self.missingKey = missingKey
    }

    public var names: [String] { trees.keys.sorted() }

    public func has(_ name: String) -> Bool { trees[name] != nil }

    /// Parses `text` as the template `name`, adding its definitions to the set.
    public mutating func parse(name: String, text: String) throws(TemplateError) {
        let fns = functions
        let source = TemplateSource(name: name, bytes: Array(text.utf8))
        do {
            let (tree, defs) = try Parser.parse(name: name, source: source) { fns[$0] != nil }
            associate(tree)
            for d in defs { associate(d) }
        } catch {
            throw TemplateError(kind: .parse(error))
        }
    }

    /// Parses the texts as `parse(name:text:)` one after another would, in order, but on up to
    /// four threads (a text's parse depends only on the function table; the trees are added to
    /// the set in order afterwards). Returns nil, or the index and error of the first text in
    /// order that fails, after adding every text before it, exactly as the sequential calls.
    public mutating func parseAll(_ texts: [(name: String, text: String)]) -> (index: Int, error: TemplateError)? {
        guard let failure = parseAll(names: texts.map(\.name), load: { texts[$0].text }) else { return nil }
        return (failure.index, failure.error as? TemplateError ?? TemplateError(kind: .other("\(failure.error)")))
    }

    /// `parseAll(_:)` with text `i` loaded by `load(i)` on the parsing threads. A load error is
    /// that text's failure, so it is reported where loading and parsing one by one would stop.
    public mutating func parseAll(names: [String], load: @escaping @Sendable (Int) throws -> String) -> (index: Int, error: any Error)? {
        let fns = functions
        let n = names.count
        // Each thread takes the next unparsed text, so a thread the scheduler delays (other
        // processes on the machine) holds up at most the text it is on; large stacks because
        // the parser recurses on nested pipelines.
        let results = LargeStack.forEach(n, workers: n < 16 ? 1 : LargeStack.workers) { i -> Result<(Tree, [Tree]), any Error> in
            do {
                let text = try load(i)
                let source = TemplateSource(name: names[i], bytes: Array(text.utf8))
                do throws(TemplateParseError) {
                    return .success(try Parser.parse(name: names[i], source: source) { fns[$0] != nil })
                } catch {
                    return .failure(TemplateError(kind: .parse(error)))
                }
            } catch {
                return .failure(error)
            }
        }
        for (i, result) in results.enumerated() {
            switch result {
            case .success(let (tree, defs)):
                associate(tree)
                for d in defs { associate(d) }
            case .failure(let error):
                return (i, error)
            }
        }
        return nil
    }

    private mutating func associate(_ tree: Tree) {
        if let old = trees[tree.name], tree.isEmpty, !old.isEmpty { return }
        trees[tree.name] = tree
    }

    /// Executes the named template with `data` as dot.
    public func execute(_ name: String, data: Value) throws(TemplateError) -> String {
        try execute(name, data: data, session: RenderSession())
    }

    func execute(_ name: String, data: Value, session: RenderSession) throws(TemplateError) -> String {
        guard let tree = trees[name] else {
            throw TemplateError(kind: .other("template: no template \(GoQuote.quote(name)) associated with template \(GoQuote.quote(name))"))
        }
        let exec = Executor(set: self, session: session)
        return try exec.run(tree, data: data)
    }

    func tree(_ name: String) -> Tree? { trees[name] }
}

/// State shared by every nested execution of one render: how deep each name is included.
/// Used on one thread only, for the duration of a render.
final class RenderSession {
    static let maxIncludeDepth = 1000
    var included: [String: Int] = [:]
}
