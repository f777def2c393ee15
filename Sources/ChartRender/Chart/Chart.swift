import Foundation

/// A chart loaded from a directory: metadata, templates, default values and other files.
/// The T.A.R.S. layout (`Templates/`, `Values/values.yaml`) is accepted beside Helm's
/// (`templates/`, `values.yaml`); template names always read `CHART/templates/FILE` as in Helm.
public struct Chart: Sendable {
    public var metadata: [String: Value]
    public var name: String { metadata["name"]?.stringValue ?? "" }
    /// Template path relative to the chart (`templates/x.yaml`) → text.
    public var templates: [(path: String, text: String)]
    public var values: [String: Value]
    /// Every non-template file not excluded by `.helmignore`, for `.Files`.
    public var files: [String: [UInt8]]
    /// `values.schema.json` (or `Values/values.schema.json`), when the chart has one.
    public var schema: Value?
    /// Charts found in `charts/` (before dependency processing) or the enabled dependencies (after).
    public var subcharts: [Chart] = []

    /// A library chart only lends its `_*.tpl` definitions; it renders nothing itself.
    public var isLibrary: Bool { metadata["type"]?.stringValue == "library" }

    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Loads CHART as `helm template` takes it: a chart directory or a packaged `.tgz`.
    public static func load(path: String) throws -> Chart {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return try load(archive: path)
        }
        return try load(directory: path)
    }

    public static func load(directory: String) throws -> Chart {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        func read(_ rel: String) -> String? {
            fm.contents(atPath: root.appendingPathComponent(rel).path).flatMap { String(validating: $0, as: UTF8.self) }
        }
        guard let chartYAML = read("Chart.yaml") else {
            throw LoadError(description: "\(directory): no Chart.yaml found; pass the chart directory (the one holding Chart.yaml)")
        }
        let meta: Value
        do { meta = try YAMLValues.parse(chartYAML, file: root.appendingPathComponent("Chart.yaml").path) } catch {
            throw LoadError(description: "\(error)")
        }
        guard case .map(let metadata, _) = meta, metadata["name"]?.stringValue?.isEmpty == false else {
            throw LoadError(description: "\(directory)/Chart.yaml: the chart has no name; add `name: CHART` to Chart.yaml")
        }
        var subcharts: [Chart] = []
        let chartsDir = root.appendingPathComponent("charts")
        for entry in ((try? fm.contentsOfDirectory(atPath: chartsDir.path)) ?? []).sorted() {
            let path = chartsDir.appendingPathComponent(entry).path
            var isDir: ObjCBool = false
            fm.fileExists(atPath: path, isDirectory: &isDir)
            if isDir.boolValue {
                guard fm.fileExists(atPath: path + "/Chart.yaml") else { continue }
                subcharts.append(try Chart.load(directory: path))
            } else if entry.hasSuffix(".tgz") || entry.hasSuffix(".tar.gz") {
                subcharts.append(try Chart.load(archive: path))
            }
        }
        let templatesDir = ["templates", "Templates"].first { fm.fileExists(atPath: root.appendingPathComponent($0).path) }
        let ignore = HelmIgnore(text: read(".helmignore") ?? "")
        var templates: [(String, String)] = []
        var files: [String: [UInt8]] = [:]
        // A walk over readdir(3) and stat(2) with plain string paths: FileManager's URL
        // enumerator standardized a URL per entry, a fifth of loading the chart. A symlink to a
        // directory is not entered (as the enumerator did not), whichever way it is classified.
        var pending = [""]
        while let dirRel = pending.popLast() {
            let dirPath = dirRel.isEmpty ? root.path : root.path + "/" + dirRel
            for entry in Self.directoryEntries(dirPath) {
                let rel = dirRel.isEmpty ? entry : dirRel + "/" + entry
                let path = root.path + "/" + rel
                var st = stat()
                let isDir = stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
                if ignore.ignores(rel, isDirectory: isDir) { continue }
                if rel == "charts" || rel.hasPrefix("charts/") { continue }
                if isDir {
                    var lst = stat()
                    if lstat(path, &lst) == 0 && (lst.st_mode & S_IFMT) != S_IFLNK { pending.append(rel) }
                    continue
                }
                guard let data = fm.contents(atPath: path) else { continue }
                if let t = templatesDir, rel.hasPrefix(t + "/") {
                    guard let text = String(validating: data, as: UTF8.self) else {
                        throw LoadError(description: "\(path): not valid UTF-8; templates must be UTF-8 text")
                    }
                    templates.append(("templates/" + rel.dropFirst(t.count + 1), text))
                } else {
                    files[rel] = Array(data)
                }
            }
        }
        // The walk has read these already, unless .helmignore left them out.
        func text(_ rel: String) -> String? {
            if let data = files[rel] { return String(validating: data, as: UTF8.self) }
            return read(rel)
        }
        var values: [String: Value] = [:]
        for candidate in ["values.yaml", "Values/values.yaml"] {
            guard let text = text(candidate) else { continue }
            do {
                if case .map(let m, _) = try YAMLValues.parse(text, file: root.appendingPathComponent(candidate).path) { values = m }
            } catch {
                throw LoadError(description: "\(error)")
            }
            break
        }
        var schema: Value?
        for candidate in ["values.schema.json", "Values/values.schema.json"] {
            guard let text = text(candidate) else { continue }
            do { schema = try JSONValueParser.parse(text) } catch {
                throw LoadError(description: "\(root.appendingPathComponent(candidate).path): invalid JSON at byte \(error.offset): \(error.message)")
            }
            break
        }
        return Chart(metadata: metadata, templates: templates.sorted { $0.0 < $1.0 }, values: values, files: files,
                     schema: schema, subcharts: subcharts)
    }
}

extension Chart {
    /// The names in a directory, without `.` and `..` (none when it cannot be read).
    static func directoryEntries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// `.helmignore` rules (gitignore-like globs); Chart.yaml-relative paths.
struct HelmIgnore {
    private var rules: [(pattern: String, negate: Bool, dirOnly: Bool)] = []

    init(text: String) {
        for raw in text.split(separator: "\n") {
            // Spaces and tabs trimmed by hand: Foundation's trimming showed in the chart load.
            var line = String(raw.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
            if line.isEmpty || line.hasPrefix("#") { continue }
            var negate = false
            if line.hasPrefix("!") { negate = true; line.removeFirst() }
            var dirOnly = false
            if line.hasSuffix("/") { dirOnly = true; line.removeLast() }
            if line.hasPrefix("/") { line.removeFirst() }
            rules.append((line, negate, dirOnly))
        }
    }

    func ignores(_ path: String, isDirectory: Bool) -> Bool {
        if path == "Chart.yaml" { return false }
        var ignored = false
        let base = String(path.split(separator: "/").last ?? "")
        for r in rules {
            if r.dirOnly && !isDirectory { continue }
            let matches = r.pattern.utf8.contains(UInt8(ascii: "/")) ? Glob.match(r.pattern, path) : Glob.match(r.pattern, base)
            if matches { ignored = !r.negate }
        }
        return ignored
    }
}

/// Go's path.Match globs: `*`, `?`, `[...]`.
enum Glob {
    static func match(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }

    /// Helm's `.Files.Glob` uses gobwas/glob with `/` as separator and `**` across directories.
    static func matchPath(_ pattern: String, _ name: String) -> Bool {
        if pattern.contains("**") {
            let regex = "^" + NSRegularExpression.escapedPattern(for: pattern)
                .replacingOccurrences(of: "\\*\\*", with: "\u{1}")
                .replacingOccurrences(of: "\\*", with: "[^/]*")
                .replacingOccurrences(of: "\\?", with: "[^/]")
                .replacingOccurrences(of: "\u{1}", with: ".*") + "$"
            return name.range(of: regex, options: .regularExpression) != nil
        }
        return fnmatch(pattern, name, FNM_PATHNAME) == 0
    }
}
