/// Human-readable report: findings grouped per file, then per object, one line each
/// (`file:line:col  severity  rule  message`), scores, and a summary line.
///
/// Built as UTF-8 bytes in one reserved buffer, from the findings' sorted indices, so a report of
/// 100,000+ lines costs no per-line strings or copies of `Finding`.
enum TextReport {
    static func render(_ report: ValidationReport, color: Bool) -> String {
        let paint = Paint(enabled: color)
        let all = report.findings
        let order = all.indices.sorted { Finding.displayOrder(all[$0], all[$1]) }
        var out: [UInt8] = []
        out.reserveCapacity(all.count * 128 + 4096)
        // Sorted by file first, so each file's findings are one run of `order`.
        var runs: [String: Range<Int>] = [:]
        var start = 0
        while start < order.count {
            let file = all[order[start]].location.file
            var end = start + 1
            while end < order.count, all[order[end]].location.file == file { end += 1 }
            runs[file] = start..<end
            start = end
        }
        var width = 0
        for f in all { width = max(width, f.severity.rawValue.utf8.count) }
        var fileLevel: [Int] = []
        var groups: [(label: String, items: [Int])] = []
        var groupIndex: [String: Int] = [:]
        for file in report.files {
            guard let run = runs[file] else { continue }
            paint.bold(file, into: &out)
            out.append(newline)
            // File-level findings first, then objects in the order they appear in the file.
            fileLevel.removeAll(keepingCapacity: true)
            groups.removeAll(keepingCapacity: true)
            groupIndex.removeAll(keepingCapacity: true)
            var previous: (kind: String, name: String, group: Int)?
            for i in order[run] {
                guard let object = all[i].object else { fileLevel.append(i); continue }
                if let p = previous, p.kind == object.kind, p.name == object.name {
                    groups[p.group].items.append(i)
                    continue
                }
                let label = object.display
                let g: Int
                if let known = groupIndex[label] {
                    g = known
                    groups[g].items.append(i)
                } else {
                    g = groups.count
                    groupIndex[label] = g
                    groups.append((label, [i]))
                }
                previous = (object.kind, object.name, g)
            }
            if !fileLevel.isEmpty {
                for i in fileLevel { line(all[i], indent: 2, width: width, paint: paint, into: &out) }
            }
            for group in groups {
                out.append(contentsOf: "  ".utf8)
                paint.bold(group.label, into: &out)
                out.append(newline)
                for i in group.items { line(all[i], indent: 4, width: width, paint: paint, into: &out) }
            }
            out.append(newline)
        }
        var text = String(decoding: out, as: UTF8.self)
        if !report.scores.isEmpty {
            text += paint.bold("Scores") + "\n"
            for s in report.scores {
                var line = "  " + s.location.file + (s.location.line > 0 ? ":\(s.location.line)" : "") + "  "
                line += s.object.display + "  score " + String(s.score)
                if let m = s.minimum { line += " (minimum \(m))" }
                if !s.critical.isEmpty { line += "  critical: " + s.critical.joined(separator: ", ") }
                text += (s.failed ? paint.severity(.error, line) : line) + "\n"
            }
            text += "\n"
        }
        text += summary(report, paint: paint) + "\n"
        return text
    }

    private static let newline = UInt8(ascii: "\n")

    /// One finding line: `indent file:line:col  severity  rule  message[ (at path)]`.
    private static func line(_ f: Finding, indent: Int, width: Int, paint: Paint, into out: inout [UInt8]) {
        for _ in 0..<indent { out.append(UInt8(ascii: " ")) }
        out.append(contentsOf: f.location.file.utf8)
        if f.location.line > 0 {
            out.append(UInt8(ascii: ":"))
            appendDecimal(f.location.line, into: &out)
            if f.location.column > 0 {
                out.append(UInt8(ascii: ":"))
                appendDecimal(f.location.column, into: &out)
            }
        }
        out.append(contentsOf: "  ".utf8)
        let sev = f.severity.rawValue
        paint.open(paint.code(f.severity), into: &out)
        out.append(contentsOf: sev.utf8)
        for _ in sev.utf8.count..<max(width, sev.utf8.count) { out.append(UInt8(ascii: " ")) }
        paint.close(into: &out)
        out.append(contentsOf: "  ".utf8)
        out.append(contentsOf: f.ruleID.utf8)
        out.append(contentsOf: "  ".utf8)
        out.append(contentsOf: f.message.utf8)
        if let p = f.path, !contains(f.message, p) {
            out.append(contentsOf: " (at ".utf8)
            out.append(contentsOf: p.utf8)
            out.append(UInt8(ascii: ")"))
        }
        out.append(newline)
    }

    private static func appendDecimal(_ n: Int, into out: inout [UInt8]) {
        guard n >= 0 else { out.append(contentsOf: String(n).utf8); return }
        var divisor = 1
        while divisor <= n / 10 { divisor *= 10 }
        var v = n
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(v / divisor))
            v %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// Whether `text` contains `part`: a byte search when both are ASCII (where it is the same
    /// test as Foundation's), Foundation's `contains` otherwise.
    static func contains(_ text: String, _ part: String) -> Bool {
        if let found = asciiSearch(text, part) { return found }
        return text.contains(part)
    }

    /// nil when either string is not ASCII or not contiguous UTF-8.
    private static func asciiSearch(_ text: String, _ part: String) -> Bool? {
        let result = text.utf8.withContiguousStorageIfAvailable { t -> Bool? in
            let inner = part.utf8.withContiguousStorageIfAvailable { p -> Bool? in
                for b in t where b >= 0x80 { return nil }
                for b in p where b >= 0x80 { return nil }
                if p.isEmpty { return nil }
                guard p.count <= t.count else { return false }
                let first = p[0]
                let last = t.count - p.count
                var i = 0
                while i <= last {
                    if t[i] == first {
                        var k = 1
                        while k < p.count, t[i + k] == p[k] { k += 1 }
                        if k == p.count { return true }
                    }
                    i += 1
                }
                return false
            }
            return inner ?? nil
        }
        return result ?? nil
    }

    static func summary(_ report: ValidationReport, paint: Paint) -> String {
        let c = report.counts
        let objects = report.checked.filter { $0.object != nil }.count
        let files = report.files.count
        let parts = [plural(c.errors, "error"), plural(c.warnings, "warning"), plural(c.info, "info", "info")]
        let text = parts.joined(separator: ", ") + " in " + plural(objects, "object") + " (" + plural(files, "file") + ")"
        if c.errors > 0 { return paint.severity(.error, text) }
        if c.warnings > 0 { return paint.severity(.warning, text) }
        return paint.green(text)
    }

    static func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) " + (n == 1 ? one : many ?? one + "s")
    }

    /// ANSI SGR colouring that is a no-op when disabled.
    struct Paint {
        let enabled: Bool
        func wrap(_ code: String, _ s: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func bold(_ s: String) -> String { wrap("1", s) }
        func green(_ s: String) -> String { wrap("32", s) }
        func severity(_ sev: Severity, _ s: String) -> String {
            switch sev {
            case .error: wrap("31", s)
            case .warning: wrap("33", s)
            case .info: wrap("36", s)
            }
        }
        func code(_ sev: Severity) -> String {
            switch sev {
            case .error: "31"
            case .warning: "33"
            case .info: "36"
            }
        }
        func open(_ code: String, into out: inout [UInt8]) {
            guard enabled else { return }
            out.append(0x1B)
            out.append(UInt8(ascii: "["))
            out.append(contentsOf: code.utf8)
            out.append(UInt8(ascii: "m"))
        }
        func close(into out: inout [UInt8]) {
            if enabled { out.append(contentsOf: "\u{1B}[0m".utf8) }
        }
        func bold(_ s: String, into out: inout [UInt8]) {
            open("1", into: &out)
            out.append(contentsOf: s.utf8)
            close(into: &out)
        }
    }
}
