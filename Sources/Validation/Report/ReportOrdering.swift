/// Display order shared by the formats: by file, then line, column, rule and message, so two
/// runs over the same input print the same bytes.
extension Finding {
    static func displayOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.location.file != b.location.file { return a.location.file < b.location.file }
        if a.location.line != b.location.line { return a.location.line < b.location.line }
        if a.location.column != b.location.column { return a.location.column < b.location.column }
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        return a.message < b.message
    }

    /// `file:line:col`, dropping the parts that are unknown (0).
    var position: String {
        var s = location.file
        if location.line > 0 {
            s += ":\(location.line)"
            if location.column > 0 { s += ":\(location.column)" }
        }
        return s
    }

    /// The object label used for grouping: `Deployment/web`, or nil for file-level findings.
    var objectLabel: String? { object?.display }
}

extension ValidationReport {
    /// Findings in display order, sorted through their indices so the (large) structs are not
    /// moved while sorting.
    var sortedFindings: [Finding] {
        let all = findings
        return all.indices.sorted { Finding.displayOrder(all[$0], all[$1]) }.map { all[$0] }
    }

    /// Counts by severity, for summaries and JUnit attributes.
    var counts: (errors: Int, warnings: Int, info: Int) {
        var e = 0, w = 0, i = 0
        for f in findings {
            switch f.severity {
            case .error: e += 1
            case .warning: w += 1
            case .info: i += 1
            }
        }
        return (e, w, i)
    }

    /// Files in first-seen order across checked objects and findings.
    var files: [String] {
        // Checked files in order, then the other files findings name (sorted, as findings are
        // shown by file first), then files only scores name.
        var seen: Set<String> = [], out: [String] = []
        for c in checked where seen.insert(c.file).inserted { out.append(c.file) }
        var extra: Set<String> = []
        for f in findings where !seen.contains(f.location.file) { extra.insert(f.location.file) }
        for file in extra.sorted() where seen.insert(file).inserted { out.append(file) }
        for s in scores where seen.insert(s.location.file).inserted { out.append(s.location.file) }
        return out
    }

    /// Description for a rule id, falling back to a generic one built from the id so every
    /// finding can be referenced from SARIF `tool.driver.rules`.
    func describe(_ id: String) -> RuleDescription {
        if let r = rule(id) { return r }
        let severity = findings.first { $0.ruleID == id }?.severity ?? .warning
        return RuleDescription(id: id, shortDescription: "tarsctl check \(id)",
                               fullDescription: "Findings reported by the tarsctl check \(id).",
                               help: "See the finding's message for what to change.", defaultSeverity: severity)
    }
}

/// 64-bit FNV-1a, hex encoded: a stable, dependency-free hash for SARIF fingerprints.
func fnv1aHex(_ s: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01b3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
