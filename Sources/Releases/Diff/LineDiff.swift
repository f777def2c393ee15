/// A unified diff of two line lists (longest common subsequence), in hunks with context.
enum LineDiff {
    enum Op: Equatable { case same, removed, added }

    static func edits(_ a: [String], _ b: [String]) -> [(Op, String)] {
        // Common prefix and suffix cost nothing; the table covers only the changed middle.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        let x = Array(a[prefix..<(a.count - suffix)]), y = Array(b[prefix..<(b.count - suffix)])
        let n = x.count, m = y.count
        var table = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * (m + 1) + j] = x[i] == y[j]
                        ? table[(i + 1) * (m + 1) + j + 1] + 1
                        : max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1])
                }
            }
        }
        var out: [(Op, String)] = a[0..<prefix].map { (.same, $0) }
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, x[i] == y[j] {
                out.append((.same, x[i])); i += 1; j += 1
            } else if j < m, i == n || table[i * (m + 1) + j + 1] >= table[(i + 1) * (m + 1) + j] {
                out.append((.added, y[j])); j += 1
            } else {
                out.append((.removed, x[i])); i += 1
            }
        }
        out += a[(a.count - suffix)...].map { (.same, $0) }
        // Removals before additions inside each changed run, as diff -u prints them.
        var ordered: [(Op, String)] = []
        var run: [(Op, String)] = []
        func flush() {
            ordered += run.filter { $0.0 == .removed } + run.filter { $0.0 == .added }
            run = []
        }
        for e in out {
            if e.0 == .same { flush(); ordered.append(e) } else { run.append(e) }
        }
        flush()
        return ordered
    }

    /// `@@ -a,b +c,d @@` hunks with `context` lines around each change; empty when equal.
    static func hunks(_ a: [String], _ b: [String], context: Int) -> [String] {
        let e = edits(a, b)
        let changed = e.indices.filter { e[$0].0 != .same }
        guard !changed.isEmpty else { return [] }
        // Group changes whose context windows touch.
        var groups: [(Int, Int)] = []
        for idx in changed {
            let lo = max(0, idx - context), hi = min(e.count - 1, idx + context)
            if let last = groups.last, lo <= last.1 + 1 { groups[groups.count - 1].1 = hi } else { groups.append((lo, hi)) }
        }
        // Line numbers in each file at each edit position.
        var aLine = [Int](repeating: 0, count: e.count + 1), bLine = aLine
        for (k, op) in e.enumerated() {
            aLine[k + 1] = aLine[k] + (op.0 == .added ? 0 : 1)
            bLine[k + 1] = bLine[k] + (op.0 == .removed ? 0 : 1)
        }
        var out: [String] = []
        for (lo, hi) in groups {
            let aCount = aLine[hi + 1] - aLine[lo], bCount = bLine[hi + 1] - bLine[lo]
            let aStart = aCount == 0 ? aLine[lo] : aLine[lo] + 1, bStart = bCount == 0 ? bLine[lo] : bLine[lo] + 1
            out.append("@@ -\(aStart),\(aCount) +\(bStart),\(bCount) @@")
            for k in lo...hi {
                let (op, text) = e[k]
                out.append((op == .same ? " " : op == .removed ? "-" : "+") + text)
            }
        }
        return out
    }
}
