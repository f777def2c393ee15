import Foundation
import KubeClient

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
    /// Keys repeated in one mapping (the last value is kept, as kubectl and PyYAML do).
    public var duplicateKeys: [DuplicateKey]
    let source: DocumentSource

    /// An object that did not come from YAML text (built in code, or from a cluster);
    /// field locations all point at `line`.
    public init(object: JSON, file: String, line: Int = 0) {
        self.file = file
        self.index = 0
        self.listIndex = nil
        self.startLine = line
        self.endLine = line
        self.object = object
        self.ref = ManifestLoader.objectRef(object)
        self.duplicateKeys = []
        let empty = FileText(text: "", lines: LineIndex(""))
        self.source = DocumentSource(text: empty, startLine: 0, endLine: 0, prefix: [])
    }

    init(file: String, index: Int, listIndex: Int?, startLine: Int, endLine: Int, object: JSON, ref: ObjectRef?,
         duplicateKeys: [DuplicateKey], source: DocumentSource) {
        self.file = file
        self.index = index
        self.listIndex = listIndex
        self.startLine = startLine
        self.endLine = endLine
        self.object = object
        self.ref = ref
        self.duplicateKeys = duplicateKeys
        self.source = source
    }

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

    /// Locations of several fields, reading the document's text once.
    public func locations(of paths: [JSONPath]) -> [SourceLocation] {
        source.positions(of: paths).map { SourceLocation(file: file, line: $0.line, column: $0.column) }
    }

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
        let fileText = FileText(text: text, lines: LineIndex(text))
        var unused: [[PathComponent]: YAMLEventReader.Position] = [:]
        do throws(YAMLEventReader.Failure) {
            try YAMLEventReader(maxNodes: maxNodes).read(text, positions: &unused) { doc in
                do throws(ManifestError) {
                    try convertDocument(doc, file: file, text: fileText, into: &result.documents)
                } catch {
                    result.errors.append(error)
                }
            }
        } catch {
            var line = error.line
            var column = error.column
            if line == 0 && column > 0 {
                (line, column) = fileText.lines.position(ofUTF8Offset: column)
            }
            result.errors.append(ManifestError(file: file, line: line, column: column, message: error.message))
        }
        return result
    }

    private static func convertDocument(_ doc: YAMLEventReader.Document, file: String, text: FileText,
                                        into out: inout [ManifestDocument]) throws(ManifestError) {
        let object = doc.value
        let index = doc.index
        let start = doc.startLine
        let end = max(doc.lastLine, start)
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
                file: file, line: start, column: doc.startColumn,
                message: "document \(index + 1) is \(what), not a mapping; a Kubernetes object is a mapping with apiVersion, kind and metadata (remove the leading `- ` or wrap the items in `kind: List`)")
        }
        let source = DocumentSource(text: text, startLine: start, endLine: end, prefix: [])
        if object["kind"]?.stringValue == "List", object["apiVersion"]?.stringValue == "v1",
           let items = object["items"]?.arrayValue {
            for (n, item) in items.enumerated() {
                // Each item is looked up in its own lines, so finding a field's line does not
                // re-read the whole List (which may hold thousands of objects).
                let itemStart = n < doc.itemLines.count ? doc.itemLines[n] : start
                let itemEnd = n + 1 < doc.itemLines.count
                    ? text.lines.lastContentLine(from: itemStart, through: doc.itemLines[n + 1] - 1, in: text)
                    : end
                // `- apiVersion: …` starts a one-item sequence; an item on its own line below
                // the dash is a plain mapping.
                let blockItem = text.lineText(itemStart).drop { $0 == " " }.hasPrefix("-")
                let itemSource = n < doc.itemLines.count
                    ? DocumentSource(text: text, startLine: itemStart, endLine: itemEnd, prefix: blockItem ? [.index(0)] : [])
                    : DocumentSource(text: text, startLine: start, endLine: end, prefix: [.key("items"), .index(n)])
                guard case .object = item else {
                    throw ManifestError(file: file, line: itemStart, column: 1,
                                        message: "items[\(n)] of the List in document \(index + 1) is not a mapping; every item must be a Kubernetes object")
                }
                out.append(ManifestDocument(
                    file: file, index: index, listIndex: n, startLine: itemStart, endLine: itemEnd, object: item,
                    ref: objectRef(item), duplicateKeys: doc.duplicates.filter { $0.path.components.starts(with: [.key("items"), .index(n)]) }
                        .map { DuplicateKey(path: JSONPath(Array($0.path.components.dropFirst(2))), line: $0.line, column: $0.column, firstLine: $0.firstLine) },
                    source: itemSource))
            }
            return
        }
        out.append(ManifestDocument(file: file, index: index, listIndex: nil, startLine: start, endLine: end,
                                    object: object, ref: objectRef(object), duplicateKeys: doc.duplicates, source: source))
    }

    static func objectRef(_ o: JSON) -> ObjectRef? {
        guard let kind = o["kind"]?.stringValue, let apiVersion = o["apiVersion"]?.stringValue else { return nil }
        let meta = o["metadata"]
        let name = meta?["name"]?.stringValue ?? meta?["generateName"]?.stringValue ?? ""
        return ObjectRef(apiVersion: apiVersion, kind: kind, name: name, namespace: meta?["namespace"]?.stringValue)
    }

    // MARK: errors and encodings

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
        positions(of: [path])[0]
    }

    /// Positions of several fields in one reading of the document's text; a field that does not
    /// exist gets its closest existing parent's position.
    func positions(of paths: [JSONPath]) -> [(line: Int, column: Int)] {
        guard startLine > 0, startLine <= text.lines.count else { return paths.map { _ in (startLine, 0) } }
        let u = text.text.utf8
        let s = text.lines.starts[startLine - 1]
        let e = endLine < text.lines.starts.count ? text.lines.starts[endLine] : u.count
        let slice = String(text.text[u.index(u.startIndex, offsetBy: s)..<u.index(u.startIndex, offsetBy: e)])
        var tracked: Set<[PathComponent]> = []
        let full = paths.map { prefix + $0.components }
        for p in full {
            for n in 1...max(p.count, 1) where n <= p.count { tracked.insert(Array(p.prefix(n))) }
        }
        var found: [[PathComponent]: YAMLEventReader.Position] = [:]
        let reader = YAMLEventReader(maxNodes: ManifestLoader.maxNodes, tracked: tracked)
        try? reader.read(slice, positions: &found) { _ in }
        return full.map { p in
            var n = p.count
            while n > 0 {
                if let pos = found[Array(p.prefix(n))] { return (pos.line + startLine - 1, pos.column) }
                n -= 1
            }
            return (startLine, 1)
        }
    }
}
