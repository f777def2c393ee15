import Foundation
import KubeClient
import Yams

/// One Kubernetes object read from a YAML stream, with where it came from.
public struct ManifestDocument: Sendable {
    /// The file as the user named it (`-` for stdin).
    public var file: String
    /// 0-based position of the YAML document in the file (empty documents count too).
    public var index: Int
    /// 0-based position inside a `kind: List` document, nil for a top-level object.
    public var listIndex: Int?
    /// 1-based first and last line of the object in the file.
    public var startLine: Int
    public var endLine: Int
    public var object: JSON
    /// apiVersion/kind/name when the document has them (a kind and apiVersion are enough).
    public var ref: ObjectRef?
    let source: DocumentSource

    /// Where the object as a whole is, for findings about the object.
    public var location: SourceLocation {
        SourceLocation(file: file, line: startLine, column: 1, endLine: endLine)
    }

    /// The source line and column of the field at `path` (or of its closest existing parent),
    /// found by re-reading the document's text, so loading stays cheap for the common case of
    /// a valid object.
    public func location(of path: JSONPath) -> SourceLocation {
        let pos = source.position(of: path)
        return SourceLocation(file: file, line: pos.line, column: pos.column)
    }

    public func location(ofPath path: String) -> SourceLocation { location(of: JSONPath(parsing: path)) }

    /// `Deployment/web` or `document 3` when the object has no kind/name.
    public var display: String {
        if let ref { return ref.display }
        return "document \(index + 1)"
    }
}

/// Why a file could not be read as Kubernetes manifests.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}

/// What reading a file gave: its objects and the documents that could not be used.
public struct ManifestLoadResult: Sendable {
    public var documents: [ManifestDocument] = []
    public var errors: [ManifestError] = []
}

/// Reads YAML streams (files, stdin, strings) into Kubernetes objects the way kubectl and
/// kubernetes-validate read them: documents split on `---`, empty ones skipped, `kind: List`
/// expanded into its items, YAML 1.1 scalars.
public enum ManifestLoader {
    /// Aliases may not expand a document beyond this many nodes (a "billion laughs" guard).
    static let maxNodes = 5_000_000

    /// Loads a file, or stdin for `-`. Throws only when the file cannot be read at all.
    public static func load(path: String) throws(ManifestError) -> ManifestLoadResult {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                var isDir: ObjCBool = false
                let reason = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
                    ? (isDir.boolValue ? "is a directory" : "cannot be read (check its permissions)")
                    : "no such file"
                throw ManifestError(file: path, line: 0, column: 0, message: "\(reason)")
            }
        }
        return load(data: data, file: path)
    }

    /// Loads several files on all cores, in order; `-` is stdin. A file that cannot be read is
    /// a `.failure` in its slot.
    public static func load(paths: [String]) -> [Result<ManifestLoadResult, ManifestError>] {
        ParallelMap.map(paths, serialBelow: 2) { path in
            Result { () throws(ManifestError) in try load(path: path) }
        }
    }

    /// Loads bytes; encoding problems and binary content become errors with a position.
    public static func load(data: Data, file: String) -> ManifestLoadResult {
        switch decode(data, file: file) {
        case .success(let text): return load(text: text, file: file)
        case .failure(let e): return ManifestLoadResult(documents: [], errors: [e])
        }
    }

    /// Loads YAML text. A syntax error stops reading the file (libyaml cannot resume), other
    /// problems skip only the document they are in.
    public static func load(text: String, file: String) -> ManifestLoadResult {
        var result = ManifestLoadResult()
        let lines = LineIndex(text)
        let parser: Parser
        do {
            parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
        } catch {
            result.errors.append(convert(error, file: file))
            return result
        }
        var roots: [(node: Node, index: Int)] = []
        var index = 0
        while true {
            do {
                guard let node = try parser.nextRoot() else { break }
                roots.append((node, index))
                index += 1
            } catch {
                result.errors.append(convert(error, file: file))
                break
            }
        }
        let fileText = FileText(text: text, lines: lines)
        for (i, root) in roots.enumerated() {
            let start = startLine(root.node)
            // A document ends where the next begins; trailing `---`, comments and blanks are not part of it.
            let limit = i + 1 < roots.count ? startLine(roots[i + 1].node) - 1 : lines.count
            let end = lines.lastContentLine(from: start, through: limit, in: fileText)
            do {
                try convertDocument(root.node, index: root.index, file: file, text: fileText,
                                    start: start, end: end, into: &result.documents)
            } catch {
                result.errors.append(error)
            }
        }
        return result
    }

    private static func convertDocument(_ node: Node, index: Int, file: String, text: FileText, start: Int,
                                        end: Int, into out: inout [ManifestDocument]) throws(ManifestError) {
        var budget = maxNodes
        let object = try value(node, file: file, budget: &budget)
        // kubernetes-validate skips "falsy" documents: empty, null, {} and [].
        switch object {
        case .null: return
        case .object(let o) where o.isEmpty: return
        case .array(let a) where a.isEmpty: return
        default: break
        }
        guard case .object = object else {
            let what = switch object {
            case .array: "a list"
            case .string: "a string"
            default: "a scalar"
            }
            throw ManifestError(
                file: file, line: start, column: node.mark?.column ?? 1,
                message: "document \(index + 1) is \(what), not a mapping; a Kubernetes object is a mapping with apiVersion, kind and metadata (remove the leading `- ` or wrap the items in `kind: List`)")
        }
        let source = DocumentSource(text: text, startLine: start, endLine: end, prefix: [])
        if object["kind"]?.stringValue == "List", object["apiVersion"]?.stringValue == "v1",
           let items = object["items"]?.arrayValue, case .mapping(let m) = node,
           let itemNodes = m[Node("items")]?.sequence {
            for (n, item) in items.enumerated() {
                let itemNode = itemNodes[n]
                let itemStart = startLine(itemNode)
                let itemEnd = n + 1 < itemNodes.count ? text.lines.lastContentLine(from: itemStart, through: startLine(itemNodes[n + 1]) - 1, in: text) : end
                guard case .object = item else {
                    throw ManifestError(file: file, line: itemStart, column: itemNode.mark?.column ?? 1,
                                        message: "items[\(n)] of the List in document \(index + 1) is not a mapping; every item must be a Kubernetes object")
                }
                out.append(ManifestDocument(
                    file: file, index: index, listIndex: n, startLine: itemStart, endLine: itemEnd, object: item,
                    ref: objectRef(item),
                    source: DocumentSource(text: text, startLine: start, endLine: end, prefix: [.key("items"), .index(n)])))
            }
            return
        }
        out.append(ManifestDocument(file: file, index: index, listIndex: nil, startLine: start, endLine: end,
                                    object: object, ref: objectRef(object), source: source))
    }

    static func objectRef(_ o: JSON) -> ObjectRef? {
        guard let kind = o["kind"]?.stringValue, let apiVersion = o["apiVersion"]?.stringValue else { return nil }
        let meta = o["metadata"]
        let name = meta?["name"]?.stringValue ?? meta?["generateName"]?.stringValue ?? ""
        return ObjectRef(apiVersion: apiVersion, kind: kind, name: name, namespace: meta?["namespace"]?.stringValue)
    }

    static func startLine(_ node: Node) -> Int { max(node.mark?.line ?? 1, 1) }

    // MARK: YAML nodes to JSON

    static func value(_ node: Node, file: String, budget: inout Int) throws(ManifestError) -> JSON {
        budget -= 1
        if budget < 0 {
            throw ManifestError(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
                                message: "document expands to more than \(maxNodes) values through aliases; refusing to load it")
        }
        switch node {
        case .scalar(let s):
            return scalar(s)
        case .sequence(let seq):
            var items: [JSON] = []
            items.reserveCapacity(seq.count)
            for n in seq { items.append(try value(n, file: file, budget: &budget)) }
            return .array(items)
        case .mapping(let m):
            var fields: [String: JSON] = [:]
            fields.reserveCapacity(m.count)
            var merged: [String: JSON] = [:]
            for (k, v) in m {
                if case .scalar(let ks) = k, ks.style == .plain || ks.style == .any, ks.string == "<<" {
                    switch try value(v, file: file, budget: &budget) {
                    case .object(let mm): for (a, b) in mm where merged[a] == nil { merged[a] = b }
                    case .array(let maps):
                        for case .object(let mm) in maps { for (a, b) in mm where merged[a] == nil { merged[a] = b } }
                    default: break
                    }
                    continue
                }
                fields[keyString(k)] = try value(v, file: file, budget: &budget)
            }
            for (a, b) in merged where fields[a] == nil { fields[a] = b }
            return .object(fields)
        case .alias:
            return .null
        }
    }

    static func scalar(_ s: Node.Scalar) -> JSON {
        switch s.tag.rawValue {
        case "tag:yaml.org,2002:str", "tag:yaml.org,2002:binary": return .string(s.string)
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null":
            return YAMLScalar.resolvePlain(s.string)
        default: break
        }
        if s.style != .plain && s.style != .any { return .string(s.string) }
        return YAMLScalar.resolvePlain(s.string)
    }

    static func keyString(_ k: Node) -> String {
        switch k {
        case .scalar(let s):
            switch scalar(s) {
            case .string(let t): return t
            case .null: return "null"
            case .bool(let b): return b ? "true" : "false"
            case .int(let i): return String(i)
            case .double(let d): return String(d)
            default: return s.string
            }
        default:
            return "\(k)"
        }
    }

    // MARK: errors and encodings

    static func convert(_ error: Error, file: String) -> ManifestError {
        guard let e = error as? YamlError else {
            return ManifestError(file: file, line: 0, column: 0, message: "invalid YAML: \(error)")
        }
        switch e {
        case .scanner(let ctx, let problem, let mark, _), .parser(let ctx, let problem, let mark, _),
             .composer(let ctx, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let ctx, !ctx.text.isEmpty {
                message += " (\(ctx.text) at line \(ctx.mark.line), column \(ctx.mark.column))"
            }
            return ManifestError(file: file, line: mark.line, column: mark.column, message: message)
        case .reader(let problem, let offset, _, let yaml):
            let pos = offset.map { LineIndex(yaml).position(ofUTF8Offset: $0) } ?? (0, 0)
            return ManifestError(file: file, line: pos.0, column: pos.1, message: "cannot read YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let ctx):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return ManifestError(file: file, line: ctx.mark.line, column: ctx.mark.column,
                                 message: "duplicate key \(keys) in a mapping; remove one of them (Kubernetes rejects duplicate fields)")
        default:
            return ManifestError(file: file, line: 0, column: 0, message: "invalid YAML: \(e)")
        }
    }

    /// UTF-8 text, or an error naming where the bytes stop being text.
    static func decode(_ data: Data, file: String) -> Result<String, ManifestError> {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return .failure(ManifestError(file: file, line: 1, column: 1,
                                          message: "file is UTF-16; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)"))
        }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var line = 1
        var lineStart = start
        var i = start
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0x0A {
                    line += 1
                    lineStart = i + 1
                } else if b < 0x20 && b != 0x09 && b != 0x0D {
                    return .failure(ManifestError(
                        file: file, line: line, column: i - lineStart + 1,
                        message: String(format: "binary data (byte 0x%02X) at byte offset %d; this is not a YAML text file", b, i)))
                }
                i += 1
                continue
            }
            let length = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0
            var valid = length > 0 && b < 0xF5 && i + length <= n
            if valid {
                for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { valid = false }
            }
            if valid && length == 3 {
                let c = bytes[i + 1]
                if (b == 0xE0 && c < 0xA0) || (b == 0xED && c >= 0xA0) { valid = false }
            } else if valid && length == 4 {
                let c = bytes[i + 1]
                if (b == 0xF0 && c < 0x90) || (b == 0xF4 && c >= 0x90) { valid = false }
            }
            guard valid else {
                return .failure(ManifestError(
                    file: file, line: line, column: i - lineStart + 1,
                    message: String(format: "invalid UTF-8 (byte 0x%02X) at byte offset %d; YAML manifests must be UTF-8 text", b, i)))
            }
            i += length
        }
        let text = String(decoding: bytes[start...], as: UTF8.self)
        return .success(text)
    }
}

/// Byte offsets of line starts, for turning offsets into line:column and slicing documents.
struct LineIndex: Sendable {
    let starts: [Int]

    init(_ text: String) {
        var starts = [0]
        var i = 0
        for b in text.utf8 {
            i += 1
            if b == 0x0A { starts.append(i) }
        }
        self.starts = starts
    }

    var count: Int { starts.count }

    func position(ofUTF8Offset offset: Int) -> (Int, Int) {
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return (lo + 1, offset - starts[lo] + 1)
    }

}

/// A file's text shared by all its documents (read only, so safe to share across tasks).
final class FileText: Sendable {
    let text: String
    let lines: LineIndex
    init(text: String, lines: LineIndex) {
        self.text = text
        self.lines = lines
    }

    func lineText(_ n: Int) -> Substring {
        let u = text.utf8
        let s = lines.starts[n - 1]
        let e = n < lines.starts.count ? lines.starts[n] : u.count
        let si = u.index(u.startIndex, offsetBy: s)
        let ei = u.index(u.startIndex, offsetBy: e)
        return text[si..<ei]
    }
}

extension LineIndex {
    /// The last line in `from...through` that is neither blank, a comment nor a document marker.
    func lastContentLine(from: Int, through: Int, in file: FileText) -> Int {
        var last = min(through, count)
        while last > from {
            let t = file.lineText(last).trimmingCharacters(in: .whitespacesAndNewlines)
            if t.isEmpty || t.hasPrefix("#") || t == "---" || t == "..." { last -= 1 } else { break }
        }
        return max(last, from)
    }
}

/// The text of one document, re-parsed on demand to find the line of a field.
struct DocumentSource: Sendable {
    let text: FileText
    let startLine: Int
    let endLine: Int
    /// Path of the object inside the document (`items[3]` for a List item).
    let prefix: [PathComponent]

    func position(of path: JSONPath) -> (line: Int, column: Int) {
        let u = text.text.utf8
        let s = text.lines.starts[startLine - 1]
        let e = endLine < text.lines.starts.count ? text.lines.starts[endLine] : u.count
        let slice = String(text.text[u.index(u.startIndex, offsetBy: s)..<u.index(u.startIndex, offsetBy: e)])
        guard let parser = try? Parser(yaml: slice, resolver: .basic, constructor: .default, encoding: .utf8),
              let root = try? parser.nextRoot()
        else { return (startLine, 1) }
        var node = root
        var best = root.mark
        for c in prefix + path.components {
            var next: Node?
            switch (c, node) {
            case (.key(let k), .mapping(let m)):
                next = m.first(where: { ManifestLoader.keyString($0.key) == k })?.value
                // A field's line is the key's line (a nested mapping's own mark is its first child).
                if let pair = m.first(where: { ManifestLoader.keyString($0.key) == k }) { best = pair.key.mark ?? best }
            case (.index(let i), .sequence(let seq)) where i >= 0 && i < seq.count:
                next = seq[i]
                best = seq[i].mark ?? best
            default:
                next = nil
            }
            guard let n = next else { break }
            node = n
        }
        guard let mark = best else { return (startLine, 1) }
        return (mark.line + startLine - 1, mark.column)
    }
}
