/// JUnit XML: a `<testsuite>` per file, a `<testcase>` per object and check (named
/// `Kind/name: rule`, classname the file). Errors become `<failure>`; warnings and info are
/// printed in the testcase's `<system-out>` and do not fail it (pass a report with warnings
/// promoted, as `--strict` does, to make them fail). Failing security scores fail a `score` case.
enum JUnitReport {
    struct Case {
        var file: String
        var label: String
        var rule: String
        var failures: [Finding] = []
        var notes: [Finding] = []
        var scoreFailure: String?
        var scoreNote: String?
        var failed: Bool { !failures.isEmpty || scoreFailure != nil }
    }

    static func cases(_ report: ValidationReport) -> [Case] {
        var cases: [Case] = []
        var index: [String: Int] = [:]
        func key(_ file: String, _ label: String, _ rule: String) -> String { file + "\u{0}" + label + "\u{0}" + rule }
        func slot(_ file: String, _ label: String, _ rule: String) -> Int {
            let k = key(file, label, rule)
            if let i = index[k] { return i }
            cases.append(Case(file: file, label: label, rule: rule))
            index[k] = cases.count - 1
            return cases.count - 1
        }
        for c in report.checked {
            for rule in c.checks { _ = slot(c.file, c.label, rule) }
        }
        for f in report.sortedFindings {
            let i = slot(f.location.file, f.objectLabel ?? f.location.file, f.ruleID)
            if f.severity == .error { cases[i].failures.append(f) } else { cases[i].notes.append(f) }
        }
        for s in report.scores {
            let i = slot(s.location.file, s.object.display, "score")
            var text = "score \(s.score)"
            if let m = s.minimum { text += " (minimum \(m))" }
            if !s.critical.isEmpty { text += "; critical: " + s.critical.joined(separator: ", ") }
            if s.failed { cases[i].scoreFailure = text } else { cases[i].scoreNote = text }
        }
        return cases
    }

    static func render(_ report: ValidationReport) -> String {
        let all = cases(report)
        var files: [String] = []
        var byFile: [String: [Case]] = [:]
        for c in all {
            if byFile[c.file] == nil { files.append(c.file) }
            byFile[c.file, default: []].append(c)
        }
        let failures = all.filter(\.failed).count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"tarsctl\" tests=\"\(all.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" time=\"0\">\n"
        for file in files {
            let cs = byFile[file] ?? []
            out += "  <testsuite name=\"\(xml(file))\" tests=\"\(cs.count)\" failures=\"\(cs.filter(\.failed).count)\" errors=\"0\" skipped=\"0\" time=\"0\">\n"
            for c in cs {
                let name = c.label == c.file ? c.rule : "\(c.label): \(c.rule)"
                out += "    <testcase name=\"\(xml(name))\" classname=\"\(xml(c.file))\" time=\"0\""
                let notes = c.notes.map { "\($0.severity.rawValue): \($0.position): \($0.message)" } + (c.scoreNote.map { [$0] } ?? [])
                if !c.failed && notes.isEmpty { out += "/>\n"; continue }
                out += ">\n"
                for f in c.failures {
                    out += "      <failure message=\"\(xml(f.message))\" type=\"\(xml(f.ruleID))\">"
                    out += xml("\(f.position): \(f.ruleID): \(f.message)" + (f.path.map { " (at \($0))" } ?? ""))
                    out += "</failure>\n"
                }
                if let s = c.scoreFailure {
                    out += "      <failure message=\"\(xml(s))\" type=\"score\">\(xml(s))</failure>\n"
                }
                if !notes.isEmpty {
                    out += "      <system-out>\(xml(notes.joined(separator: "\n")))</system-out>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// Escapes text for XML 1.0 attributes and content; characters XML 1.0 cannot hold
    /// (most C0 controls) are replaced by U+FFFD so the document always parses.
    static func xml(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            case "\r": out += "&#13;"
            case _ where u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
