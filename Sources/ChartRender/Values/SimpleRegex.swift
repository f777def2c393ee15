/// A matcher for the regular expressions values schemas usually hold (`^[0-9]+(Ki|Mi|Gi)$`,
/// `^https?://`, formats such as `date` or `hostname`), with Go's regexp semantics, as Helm
/// checks them: `\d`, `\w`, `\s` are ASCII classes, `.` is any character but a newline, `$` is
/// the end of the text.
///
/// It exists for speed: the first ICU regular expression of a process costs about a millisecond
/// of ICU start-up, paid by every render of a chart with a schema. Patterns outside the subset
/// (look-around, back-references, `\b`, `\p{…}`, flags, possessive quantifiers…) give nil, and
/// the caller falls back to NSRegularExpression.
///
/// Matching runs a Thompson NFA over the text's scalars (a Pike VM without captures): linear in
/// the text for every pattern, so a hostile pattern cannot make validation hang.
struct SimpleRegex: Sendable {
    private enum Inst: Sendable {
        case set(ScalarSet)
        case any
        case split(Int, Int)
        case jump(Int)
        case textStart
        case textEnd
        case match
    }

    private let program: [Inst]
    private let anchored: Bool

    /// Programs larger than this (from counted repetition) are left to ICU.
    static let maxProgram = 4000

    init?(_ pattern: String) {
        var parser = Parser(Array(pattern.unicodeScalars))
        guard let node = parser.alternation(), parser.atEnd else { return nil }
        var program: [Inst] = []
        guard Self.compile(node, into: &program) else { return nil }
        program.append(.match)
        self.program = program
        if case .textStart? = program.first { anchored = true } else { anchored = false }
    }

    /// Whether the pattern matches somewhere in `s`.
    func matches(_ s: String) -> Bool {
        let text = Array(s.unicodeScalars)
        var current: [Int] = []
        var next: [Int] = []
        var seen = [Int](repeating: -1, count: program.count)
        var stamp = 0
        for pos in 0...text.count {
            if pos == 0 || !anchored { add(0, at: pos, of: text, to: &current, seen: &seen, stamp: stamp) }
            if current.isEmpty && anchored { return false }
            stamp += 1
            next.removeAll(keepingCapacity: true)
            for pc in current {
                switch program[pc] {
                case .match: return true
                case .set(let set):
                    if pos < text.count, set.contains(text[pos]) { add(pc + 1, at: pos + 1, of: text, to: &next, seen: &seen, stamp: stamp) }
                case .any:
                    if pos < text.count, text[pos] != "\n" { add(pc + 1, at: pos + 1, of: text, to: &next, seen: &seen, stamp: stamp) }
                default: break
                }
            }
            swap(&current, &next)
        }
        return current.contains { if case .match = program[$0] { return true } else { return false } }
    }

    /// Adds the thread at `pc` and every thread reachable from it without reading a scalar.
    private func add(_ pc: Int, at pos: Int, of text: [Unicode.Scalar], to list: inout [Int], seen: inout [Int], stamp: Int) {
        guard seen[pc] != stamp else { return }
        seen[pc] = stamp
        switch program[pc] {
        case .jump(let to): add(to, at: pos, of: text, to: &list, seen: &seen, stamp: stamp)
        case .split(let a, let b):
            add(a, at: pos, of: text, to: &list, seen: &seen, stamp: stamp)
            add(b, at: pos, of: text, to: &list, seen: &seen, stamp: stamp)
        case .textStart: if pos == 0 { add(pc + 1, at: pos, of: text, to: &list, seen: &seen, stamp: stamp) }
        case .textEnd: if pos == text.count { add(pc + 1, at: pos, of: text, to: &list, seen: &seen, stamp: stamp) }
        default: list.append(pc)
        }
    }

    // MARK: syntax

    private indirect enum Node {
        case set(ScalarSet)
        case any
        case textStart
        case textEnd
        case concat([Node])
        case alternation([Node])
        case repeated(Node, min: Int, max: Int?)
    }

    private static func compile(_ node: Node, into p: inout [Inst]) -> Bool {
        guard p.count < maxProgram else { return false }
        switch node {
        case .set(let s): p.append(.set(s))
        case .any: p.append(.any)
        case .textStart: p.append(.textStart)
        case .textEnd: p.append(.textEnd)
        case .concat(let items):
            for item in items { guard compile(item, into: &p) else { return false } }
        case .alternation(let options):
            // split L1, next; L1: a; jump end; next: split L2, … ; last option falls through.
            var jumps: [Int] = []
            for (i, option) in options.enumerated() {
                if i < options.count - 1 {
                    let split = p.count
                    p.append(.split(split + 1, -1))
                    guard compile(option, into: &p) else { return false }
                    jumps.append(p.count)
                    p.append(.jump(-1))
                    p[split] = .split(split + 1, p.count)
                } else {
                    guard compile(option, into: &p) else { return false }
                }
            }
            for j in jumps { p[j] = .jump(p.count) }
        case .repeated(let item, let min, let max):
            for _ in 0..<min { guard compile(item, into: &p) else { return false } }
            if let max {
                // Each optional copy: split(take, skip-all).
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(p.count)
                    p.append(.split(p.count + 1, -1))
                    guard compile(item, into: &p) else { return false }
                }
                for s in splits { p[s] = .split(s + 1, p.count) }
            } else {
                let loop = p.count
                p.append(.split(loop + 1, -1))
                guard compile(item, into: &p) else { return false }
                p.append(.jump(loop))
                p[loop] = .split(loop + 1, p.count)
            }
        }
        return p.count < maxProgram
    }

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }

        var atEnd: Bool { i == s.count }
        var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

        mutating func alternation() -> Node? {
            var options: [Node] = []
            while true {
                guard let c = concatenation() else { return nil }
                options.append(c)
                guard peek == "|" else { break }
                i += 1
            }
            return options.count == 1 ? options[0] : .alternation(options)
        }

        mutating func concatenation() -> Node? {
            var items: [Node] = []
            while let c = peek, c != "|", c != ")" {
                guard let atom = atom(), let item = quantified(atom) else { return nil }
                items.append(item)
            }
            return .concat(items)
        }

        mutating func quantified(_ atom: Node) -> Node? {
            var node = atom
            var quantifiers = 0
            while let c = peek, c == "*" || c == "+" || c == "?" || c == "{" {
                let (min, max): (Int, Int?)
                switch c {
                case "*": (min, max) = (0, nil); i += 1
                case "+": (min, max) = (1, nil); i += 1
                case "?": (min, max) = (0, 1); i += 1
                default:
                    guard let bounds = counted() else { return nil }
                    (min, max) = bounds
                }
                if case .textStart = node { return nil }
                if case .textEnd = node { return nil }
                quantifiers += 1
                if quantifiers > 1 { return nil }   // `a**`, `a{2}{3}`: leave to ICU
                // Lazy (`*?`) matches the same texts; possessive (`*+`) does not.
                if peek == "?" { i += 1 } else if peek == "+" { return nil }
                node = .repeated(node, min: min, max: max)
            }
            return node
        }

        /// `{n}`, `{n,}`, `{n,m}` at the current `{`.
        mutating func counted() -> (Int, Int?)? {
            i += 1
            guard let min = number() else { return nil }
            var max: Int? = min
            if peek == "," {
                i += 1
                max = peek == "}" ? nil : number()
                if max == nil && peek != "}" { return nil }
            }
            guard peek == "}" else { return nil }
            i += 1
            if let max, max < min { return nil }
            guard min <= 1000, (max ?? 0) <= 1000 else { return nil }
            return (min, max)
        }

        mutating func number() -> Int? {
            var n = 0, digits = 0
            while let c = peek, ("0"..."9").contains(c) {
                let d = Int(c.value) - 48
                n = n * 10 + d
                digits += 1
                i += 1
                if digits > 4 { return nil }
            }
            return digits > 0 ? n : nil
        }

        mutating func atom() -> Node? {
            guard let c = peek else { return nil }
            i += 1
            switch c {
            case "(":
                if peek == "?" {
                    guard i + 1 < s.count, s[i + 1] == ":" else { return nil }
                    i += 2
                }
                guard let inner = alternation(), peek == ")" else { return nil }
                i += 1
                return inner
            case "[": return bracket()
            case ".": return .any
            case "^": return .textStart
            case "$": return .textEnd
            case "\\": return escape(inClass: false).map { .set($0) }
            case "*", "+", "?", "{", "}", "]", ")": return nil
            default: return .set(ScalarSet(c))
            }
        }

        /// After `\`: a class or a literal; nil for what the subset leaves to ICU.
        mutating func escape(inClass: Bool) -> ScalarSet? {
            guard let c = peek else { return nil }
            i += 1
            switch c {
            case "d": return .digit
            case "D": return ScalarSet.digit.inverted
            case "w": return .word
            case "W": return ScalarSet.word.inverted
            case "s": return .space
            case "S": return ScalarSet.space.inverted
            case "t": return ScalarSet("\t")
            case "n": return ScalarSet("\n")
            case "r": return ScalarSet("\r")
            case "f": return ScalarSet("\u{0C}")
            case "v": return ScalarSet("\u{0B}")
            default:
                // Escaped punctuation is itself; letters and digits mean something else (\b, \1, \p…).
                guard c.isASCII, !c.properties.isAlphabetic, !("0"..."9").contains(c) else { return nil }
                return ScalarSet(c)
            }
        }

        /// After `[`: a set of scalars, ranges and class escapes, possibly negated.
        mutating func bracket() -> Node? {
            var set = ScalarSet(ranges: [])
            var negated = false
            if peek == "^" { negated = true; i += 1 }
            while let c = peek, c != "]" {
                if c == "[" { return nil }   // POSIX classes, nested sets: ICU
                var lo: Unicode.Scalar
                i += 1
                if c == "\\" {
                    guard let e = escape(inClass: true) else { return nil }
                    guard let single = e.single else { set.formUnion(e); continue }
                    lo = single
                } else {
                    lo = c
                }
                if peek == "-", i + 1 < s.count, s[i + 1] != "]" {
                    i += 1
                    guard var hi = peek else { return nil }
                    i += 1
                    if hi == "\\" {
                        guard let e = escape(inClass: true), let single = e.single else { return nil }
                        hi = single
                    } else if hi == "[" {
                        return nil
                    }
                    guard lo.value <= hi.value else { return nil }
                    set.ranges.append(lo.value...hi.value)
                } else {
                    set.ranges.append(lo.value...lo.value)
                }
            }
            // `[]…]` and `[^]…]` read differently in ICU and Go: leave them to ICU.
            guard peek == "]", !set.ranges.isEmpty else { return nil }
            i += 1
            return .set(negated ? set.inverted : set)
        }
    }
}

/// Scalars as ranges of values, possibly complemented.
struct ScalarSet: Sendable {
    var ranges: [ClosedRange<UInt32>]
    var negated = false

    init(ranges: [ClosedRange<UInt32>], negated: Bool = false) {
        self.ranges = ranges
        self.negated = negated
    }

    init(_ c: Unicode.Scalar) { self.init(ranges: [c.value...c.value]) }

    static let digit = ScalarSet(ranges: [48...57])
    static let word = ScalarSet(ranges: [48...57, 65...90, 95...95, 97...122])
    static let space = ScalarSet(ranges: [9...10, 12...13, 32...32])

    var inverted: ScalarSet { ScalarSet(ranges: ranges, negated: !negated) }

    /// The one scalar a plain set holds (for range ends).
    var single: Unicode.Scalar? {
        guard !negated, ranges.count == 1, ranges[0].lowerBound == ranges[0].upperBound else { return nil }
        return Unicode.Scalar(ranges[0].lowerBound)
    }

    mutating func formUnion(_ other: ScalarSet) {
        if other.negated {
            // Only inside a bracket: [\D…] — add the complement's ranges explicitly.
            var lower: UInt32 = 0
            for r in other.ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if r.lowerBound > lower { ranges.append(lower...(r.lowerBound - 1)) }
                lower = max(lower, r.upperBound + 1)
            }
            if lower <= 0x10FFFF { ranges.append(lower...0x10FFFF) }
        } else {
            ranges += other.ranges
        }
    }

    func contains(_ c: Unicode.Scalar) -> Bool {
        ranges.contains { $0.contains(c.value) } != negated
    }
}
