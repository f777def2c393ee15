// libyaml comes with Yams (Validation depends on Yams, which builds CYaml); reading its events
// directly lets us keep duplicate keys (last one wins, as PyYAML and kubectl's decoder do) and
// report them, and skips building a node tree for every object.
import CYaml
import KubeClient

/// A key that appears twice in one mapping.
public struct DuplicateKey: Sendable, Hashable {
    /// Path of the repeated field (the mapping's path plus the key).
    public var path: JSONPath
    public var line: Int
    public var column: Int
    /// Line of the earlier occurrence.
    public var firstLine: Int
}

/// Composes JSON values from libyaml's event stream, one document at a time.
struct YAMLEventReader {
    struct Document {
        var value: JSON
        var index: Int
        var startLine: Int
        var startColumn: Int
        var lastLine: Int
        var duplicates: [DuplicateKey]
        /// Start lines of the elements of a top-level `items` sequence (a `kind: List`).
        var itemLines: [Int]
    }

    /// Where a field starts (1-based line, column).
    struct Position { var line: Int; var column: Int }

    struct Failure: Error {
        var line: Int
        var column: Int
        var message: String
    }

    /// An open sequence or mapping. Mutated in place on the stack, so appending never copies.
    private struct Open {
        var isMapping: Bool
        var items: [JSON] = []
        var fields: [String: JSON] = [:]
        var keyLines: [String: Int] = [:]
        var merges: [[String: JSON]] = []
        var pendingKey: String?
        var pendingMerge = false
        var keyLine = 0
        var keyColumn = 0
        var anchor: String?
        var nodesAtStart: Int
        /// Path component of this container inside its parent.
        var component: PathComponent?
        /// Elements seen so far (a sequence's next index, also when values are not kept).
        var count = 0
        /// Whether this container's path is one of the tracked paths (the root always is);
        /// below a container that is not, nothing can be tracked.
        var onTrackedPath = false
    }

    let maxNodes: Int
    /// Paths whose positions are recorded (for error locations); every prefix of a wanted
    /// path belongs in the set, so the closest existing parent of a missing field is found too.
    let tracked: Set<[PathComponent]>?

    /// With `tracked`, only positions are wanted: values are not resolved or kept (except keys
    /// and anchored scalars), and the documents passed to `body` hold no values.
    init(maxNodes: Int, tracked: Set<[PathComponent]>? = nil) {
        self.maxNodes = maxNodes
        self.tracked = tracked
    }

    private var positionsOnly: Bool { tracked != nil }

    /// Reads every document, calling `body` for each; stops at the first syntax error.
    func read(_ text: String, positions: inout [[PathComponent]: Position], _ body: (Document) -> Void) throws(Failure) {
        var copy = text
        copy.makeContiguousUTF8()
        var failure: Failure?
        var found: [[PathComponent]: Position] = [:]
        copy.utf8.withContiguousStorageIfAvailable { buffer in
            do throws(Failure) {
                try run(buffer, position: &found, body)
            } catch {
                failure = error
            }
        }
        positions = found
        if let failure { throw failure }
    }

    private func run(_ buffer: UnsafeBufferPointer<UInt8>, position: inout [[PathComponent]: Position],
                     _ body: (Document) -> Void) throws(Failure) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw Failure(line: 0, column: 0, message: "out of memory") }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)

        var stack: [Open] = []
        var anchors: [String: (value: JSON, size: Int)] = [:]
        var nodes = 0
        var root: JSON?
        var rootLine = 0
        var rootColumn = 0
        var lastLine = 0
        var duplicates: [DuplicateKey] = []
        var itemLines: [Int] = []
        var documentIndex = 0

        func path() -> [PathComponent] { stack.compactMap(\.component) }

        /// The component a new node gets in the current container, and a position check.
        func componentForNewNode(line: Int, column: Int) -> PathComponent? {
            guard let top = stack.last else { return nil }
            if !top.isMapping {
                let c = PathComponent.index(top.count)
                if stack.count == 2, case .key("items")? = top.component { itemLines.append(line) }
                if top.onTrackedPath { track(path() + [c], line: line, column: column) }
                return c
            }
            return top.pendingMerge ? nil : top.pendingKey.map { PathComponent.key($0) }
        }

        func track(_ p: [PathComponent], line: Int, column: Int) {
            guard let tracked, tracked.contains(p), position[p] == nil else { return }
            position[p] = Position(line: line, column: column)
        }

        func complete(_ value: JSON, line: Int, column: Int) throws(Failure) {
            guard !stack.isEmpty else {
                root = value
                return
            }
            let t = stack.count - 1
            if positionsOnly, stack[t].pendingKey != nil || stack[t].pendingMerge || !stack[t].isMapping {
                // A value: only its position mattered, and that was tracked when it started.
                stack[t].count += 1
                stack[t].pendingKey = nil
                stack[t].pendingMerge = false
                return
            }
            stack[t].count += 1
            if !stack[t].isMapping {
                stack[t].items.append(value)
            } else if stack[t].pendingMerge {
                switch value {
                case .object(let o): stack[t].merges.append(o)
                case .array(let list):
                    for case .object(let o) in list { stack[t].merges.append(o) }
                default:
                    throw Failure(line: stack[t].keyLine, column: stack[t].keyColumn,
                                  message: "a merge key (<<) needs a mapping or a list of mappings")
                }
                stack[t].pendingMerge = false
            } else if let key = stack[t].pendingKey {
                let keyLine = stack[t].keyLine
                if let first = stack[t].keyLines.updateValue(keyLine, forKey: key) {
                    duplicates.append(DuplicateKey(path: JSONPath(path() + [.key(key)]), line: keyLine,
                                                   column: stack[t].keyColumn, firstLine: first))
                }
                stack[t].fields[key] = value
                stack[t].pendingKey = nil
            } else {
                // This value is a key.
                let key = Self.keyString(value)
                if stack[t].onTrackedPath { track(path() + [.key(key)], line: line, column: column) }
                stack[t].pendingKey = key
                stack[t].keyLine = line
                stack[t].keyColumn = column
            }
        }

        func count(_ n: Int, line: Int, column: Int) throws(Failure) {
            nodes += n
            if nodes > maxNodes {
                throw Failure(line: line, column: column,
                              message: "document expands to more than \(maxNodes) values through aliases; refusing to load it")
            }
        }

        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { throw Self.failure(parser) }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            let column = Int(event.start_mark.column) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_DOCUMENT_START_EVENT:
                root = nil
                rootLine = 0
                duplicates = []
                itemLines = []
                nodes = 0
                anchors = [:]
                lastLine = line
            case YAML_DOCUMENT_END_EVENT:
                body(Document(value: root ?? .null, index: documentIndex, startLine: rootLine == 0 ? line : rootLine,
                              startColumn: rootColumn == 0 ? 1 : rootColumn, lastLine: max(lastLine, rootLine),
                              duplicates: duplicates, itemLines: itemLines))
                documentIndex += 1
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                if stack.isEmpty { rootLine = line; rootColumn = column }
                let end = event.end_mark
                lastLine = max(lastLine, Int(end.line) + (end.column == 0 && end.line > event.start_mark.line ? 0 : 1))
                let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                let tag = s.tag.map { String(cString: $0) }
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE
                try count(1, line: line, column: column)
                // A plain `<<` key in a mapping is a merge.
                if plain, tag == nil, text == "<<", let top = stack.last, top.isMapping, top.pendingKey == nil, !top.pendingMerge {
                    stack[stack.count - 1].pendingMerge = true
                    stack[stack.count - 1].keyLine = line
                    stack[stack.count - 1].keyColumn = column
                    continue
                }
                _ = componentForNewNode(line: line, column: column)
                let isValue = stack.last.map { !$0.isMapping || $0.pendingKey != nil || $0.pendingMerge } ?? false
                let value = positionsOnly && isValue && s.anchor == nil ? JSON.null : Self.scalar(text, tag: tag, plain: plain)
                if let a = s.anchor { anchors[String(cString: a)] = (value, 1) }
                try complete(value, line: line, column: column)
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let target = anchors[name] else {
                    throw Failure(line: line, column: column, message: "unknown alias *\(name); define the anchor &\(name) before using it")
                }
                if stack.isEmpty { rootLine = line; rootColumn = column }
                lastLine = max(lastLine, line)
                try count(target.size, line: line, column: column)
                _ = componentForNewNode(line: line, column: column)
                try complete(target.value, line: line, column: column)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                if stack.isEmpty { rootLine = line; rootColumn = column }
                try count(1, line: line, column: column)
                let component = componentForNewNode(line: line, column: column)
                let anchorPtr = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                var open = Open(isMapping: event.type == YAML_MAPPING_START_EVENT, anchor: anchorPtr.map { String(cString: $0) },
                                nodesAtStart: nodes, component: component)
                if let tracked {
                    if let parent = stack.last {
                        // No component: a merge value or a complex key, whose fields count as the parent's.
                        open.onTrackedPath = parent.onTrackedPath && (component.map { tracked.contains(path() + [$0]) } ?? true)
                    } else {
                        open.onTrackedPath = true
                    }
                }
                stack.append(open)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard var open = stack.popLast() else { continue }
                let value: JSON
                if open.isMapping {
                    if !open.merges.isEmpty {
                        var merged: [String: JSON] = [:]
                        for m in open.merges { for (k, v) in m where merged[k] == nil { merged[k] = v } }
                        for (k, v) in merged where open.fields[k] == nil { open.fields[k] = v }
                    }
                    value = .object(open.fields)
                } else {
                    value = .array(open.items)
                }
                if let a = open.anchor { anchors[a] = (value, max(nodes - open.nodesAtStart, 1)) }
                try complete(value, line: line, column: column)
            default:
                break
            }
        }
    }

    static func scalar(_ text: String, tag: String?, plain: Bool) -> JSON {
        switch tag {
        case nil: return plain ? YAMLScalar.resolvePlain(text) : .string(text)
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null":
            return YAMLScalar.resolvePlain(text)
        default: return .string(text)
        }
    }

    static func keyString(_ k: JSON) -> String {
        switch k {
        case .string(let t): t
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): String(d)
        default: "\(k)"
        }
    }

    private static func failure(_ p: yaml_parser_t) -> Failure {
        let problem = p.problem.map { String(cString: $0) } ?? "unknown problem"
        if p.error == YAML_READER_ERROR {
            return Failure(line: 0, column: Int(p.problem_offset), message: "cannot read YAML: \(problem)")
        }
        var message = "invalid YAML: \(problem)"
        if let ctx = p.context.map({ String(cString: $0) }), !ctx.isEmpty {
            message += " (\(ctx) at line \(p.context_mark.line + 1), column \(p.context_mark.column + 1))"
        }
        return Failure(line: Int(p.problem_mark.line) + 1, column: Int(p.problem_mark.column) + 1, message: message)
    }
}
