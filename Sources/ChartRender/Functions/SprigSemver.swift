import Foundation

/// Sprig's `semver` and `semverCompare` over a port of Masterminds/semver v3: loose version
/// parsing (`v` prefix, missing minor/patch), SemVer precedence, and its constraint language
/// (`=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `^`, x-ranges, hyphen ranges, `,`/space AND, `||` OR).
struct SemVersion: TemplateObject, Sendable {
    var major: UInt64, minor: UInt64, patch: UInt64
    var pre: String, metadata: String, original: String
    /// IncPatch/IncMinor/IncMajor return a semver.Version value, whose method set lacks the
    /// pointer methods (Original, Compare, LessThan, ...).
    var isValue = false
    /// A *semver.Version compares by pointer in `eq`: each parse is a new identity.
    var identity = UUID()

    enum ParseError: Error, CustomStringConvertible {
        case invalid, segmentStartsZero, prerelease, metadata, segment(String)
        var description: String {
            switch self {
            case .invalid: "Invalid Semantic Version"
            case .segmentStartsZero: "Version segment starts with 0"
            case .prerelease: "Invalid Prerelease string"
            case .metadata: "Invalid Metadata string"
            case .segment(let s): "Error parsing version segment: \(s)"
            }
        }
    }

    nonisolated(unsafe) static let versionRegex = try! NSRegularExpression(pattern: "^" + SemverRegex.version + "$")

    /// semver.NewVersion.
    init(_ v: String) throws(ParseError) {
        guard let m = SemverRegex.match(Self.versionRegex, v) else { throw .invalid }
        func number(_ s: String) throws(ParseError) -> UInt64 {
            guard let n = UInt64(s) else { throw .segment("strconv.ParseUint: parsing \(GoQuote.quote(s)): value out of range") }
            return n
        }
        major = try number(m[1])
        minor = m[2].isEmpty ? 0 : try number(String(m[2].dropFirst()))
        patch = m[3].isEmpty ? 0 : try number(String(m[3].dropFirst()))
        pre = m[5]
        metadata = m[8]
        original = v
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789".utf8)
        if !pre.isEmpty {
            for part in pre.split(separator: ".", omittingEmptySubsequences: false) {
                if part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                    if part.count > 1 && part.first == "0" { throw .segmentStartsZero }
                } else if !part.utf8.allSatisfy(allowed.contains) {
                    throw .prerelease
                }
            }
        }
        if !metadata.isEmpty {
            for part in metadata.split(separator: ".", omittingEmptySubsequences: false) where !part.utf8.allSatisfy(allowed.contains) {
                throw .metadata
            }
        }
    }

    var string: String {
        "\(major).\(minor).\(patch)" + (pre.isEmpty ? "" : "-" + pre) + (metadata.isEmpty ? "" : "+" + metadata)
    }

    func compare(_ o: SemVersion) -> Int {
        for (a, b) in [(major, o.major), (minor, o.minor), (patch, o.patch)] where a != b { return a < b ? -1 : 1 }
        if pre.isEmpty && o.pre.isEmpty { return 0 }
        if pre.isEmpty { return 1 }
        if o.pre.isEmpty { return -1 }
        return Self.comparePrerelease(pre, o.pre)
    }

    static func comparePrerelease(_ a: String, _ b: String) -> Int {
        let sa = a.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let sb = b.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for i in 0..<max(sa.count, sb.count) {
            let d = comparePart(i < sa.count ? sa[i] : "", i < sb.count ? sb[i] : "")
            if d != 0 { return d }
        }
        return 0
    }

    static func comparePart(_ s: String, _ o: String) -> Int {
        if s == o { return 0 }
        if s.isEmpty { return -1 }
        if o.isEmpty { return 1 }
        switch (UInt64(s), UInt64(o)) {
        case (nil, nil): return s.utf8.lexicographicallyPrecedes(o.utf8) ? -1 : 1
        case (_, nil): return -1
        case (nil, _): return 1
        case (let si?, let oi?): return si > oi ? 1 : -1
        }
    }

    // MARK: template object

    var goType: GoType { isValue ? .named("semver.Version", kind: "struct") : .named("*semver.Version", kind: "ptr") }
    var formatted: String { string }
    func field(_ name: String) -> Value? { nil }
    func isEqual(to other: any TemplateObject) -> Bool {
        guard let o = other as? SemVersion, isValue == o.isValue else { return false }
        if !isValue { return identity == o.identity }
        return (major, minor, patch, pre, metadata, original) == (o.major, o.minor, o.patch, o.pre, o.metadata, o.original)
    }

    func method(_ name: String) -> TemplateFunction? {
        let v = self
        @Sendable func other(_ a: Value) throws -> SemVersion {
            guard case .object(let o) = a, let s = o as? SemVersion else {
                throw FunctionError("wrong type for value; expected *semver.Version; got \(a.typeName)")
            }
            return s
        }
        @Sendable func bumped(_ f: (inout SemVersion) -> Void) -> Value {
            var n = v
            f(&n)
            n.original = (v.original.hasPrefix("v") ? "v" : "") + n.string
            n.isValue = true
            return .object(n)
        }
        let pointerOnly: Set<String> = ["Original", "Compare", "LessThan", "GreaterThan", "Equal"]
        if isValue && pointerOnly.contains(name) { return nil }
        switch name {
        case "Major": return TemplateFunction(name) { _, _ in .int64(Int64(bitPattern: v.major)) }
        case "Minor": return TemplateFunction(name) { _, _ in .int64(Int64(bitPattern: v.minor)) }
        case "Patch": return TemplateFunction(name) { _, _ in .int64(Int64(bitPattern: v.patch)) }
        case "Prerelease": return TemplateFunction(name) { _, _ in .string(v.pre) }
        case "Metadata": return TemplateFunction(name) { _, _ in .string(v.metadata) }
        case "Original": return TemplateFunction(name) { _, _ in .string(v.original) }
        case "String": return TemplateFunction(name) { _, _ in .string(v.string) }
        case "Compare": return TemplateFunction(name, [.interface]) { a, _ in .int(v.compare(try other(a[0]))) }
        case "LessThan": return TemplateFunction(name, [.interface]) { a, _ in .bool(v.compare(try other(a[0])) < 0) }
        case "GreaterThan": return TemplateFunction(name, [.interface]) { a, _ in .bool(v.compare(try other(a[0])) > 0) }
        case "Equal": return TemplateFunction(name, [.interface]) { a, _ in .bool(v.compare(try other(a[0])) == 0) }
        case "IncPatch":
            return TemplateFunction(name) { _, _ in
                bumped { n in
                    if n.pre.isEmpty { n.patch += 1 }
                    n.pre = ""; n.metadata = ""
                }
            }
        case "IncMinor": return TemplateFunction(name) { _, _ in bumped { n in n.minor += 1; n.patch = 0; n.pre = ""; n.metadata = "" } }
        case "IncMajor": return TemplateFunction(name) { _, _ in bumped { n in n.major += 1; n.minor = 0; n.patch = 0; n.pre = ""; n.metadata = "" } }
        default: return nil
        }
    }
}

enum SemverRegex {
    static let version = #"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"#
    /// A constraint's version: like `version` with x, X and * allowed (and, as upstream, `|`).
    static let cv = #"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"#
    static let ops = #"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"#

    nonisolated(unsafe) static let constraint = try! NSRegularExpression(pattern: #"^\s*("# + ops + #")\s*("# + cv + #")\s*$"#)
    nonisolated(unsafe) static let range = try! NSRegularExpression(pattern: #"\s*("# + cv + #")\s+-\s+("# + cv + #")\s*"#)
    nonisolated(unsafe) static let find = try! NSRegularExpression(pattern: "(" + ops + #")\s*("# + cv + ")")
    nonisolated(unsafe) static let valid = try! NSRegularExpression(
        pattern: #"^(\s*("# + ops + #")\s*("# + cv + #")\s*)((?:\s+|,\s*)("# + ops + #")\s*("# + cv + #")\s*)*$"#)

    /// The submatches of the first match, "" for groups that did not take part.
    static func match(_ re: NSRegularExpression, _ s: String) -> [String]? {
        let ns = s as NSString
        guard let m = re.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return nil }
        return (0..<m.numberOfRanges).map { i in
            let r = m.range(at: i)
            return r.location == NSNotFound ? "" : ns.substring(with: r)
        }
    }

    static func all(_ re: NSRegularExpression, _ s: String) -> [[String]] {
        let ns = s as NSString
        return re.matches(in: s, range: NSRange(location: 0, length: ns.length)).map { m in
            (0..<m.numberOfRanges).map { i in
                let r = m.range(at: i)
                return r.location == NSNotFound ? "" : ns.substring(with: r)
            }
        }
    }
}

/// semver.Constraints: OR groups of AND-ed single constraints.
struct SemverConstraints {
    struct One {
        var con: SemVersion
        var orig: String
        var op: String
        var minorDirty = false, patchDirty = false, dirty = false
    }

    struct ParseError: Error, CustomStringConvertible { let description: String }

    let groups: [[One]]

    init(_ text: String) throws(ParseError) {
        var c = text
        for m in SemverRegex.all(SemverRegex.range, text) {
            if let r = c.range(of: m[0]) { c.replaceSubrange(r, with: ">= \(m[1]), <= \(m[11])") }
        }
        var groups: [[One]] = []
        for part in c.components(separatedBy: "||") {
            guard SemverRegex.match(SemverRegex.valid, part) != nil else { throw ParseError(description: "improper constraint: \(part)") }
            var found = SemverRegex.all(SemverRegex.find, part).map { $0[0] }
            if found.isEmpty { found = [part] }
            var group: [One] = []
            for s in found { group.append(try Self.parse(s)) }
            groups.append(group)
        }
        self.groups = groups
    }

    static func isX(_ s: String) -> Bool { s == "x" || s == "*" || s == "X" }

    static func parse(_ c: String) throws(ParseError) -> One {
        guard !c.isEmpty else {
            return One(con: try! SemVersion("0.0.0"), orig: c, op: "", dirty: true)
        }
        guard let m = SemverRegex.match(SemverRegex.constraint, c) else { throw ParseError(description: "improper constraint: \(c)") }
        var ver = m[2]
        var minorDirty = false, patchDirty = false, dirty = false
        if isX(m[3]) || m[3].isEmpty {
            ver = "0.0.0" + m[6]
            dirty = true
        } else if isX(String(m[4].dropFirst())) || m[4].isEmpty {
            minorDirty = true; dirty = true
            ver = m[3] + ".0.0" + m[6]
        } else if isX(String(m[5].dropFirst())) || m[5].isEmpty {
            dirty = true; patchDirty = true
            ver = m[3] + m[4] + ".0" + m[6]
        }
        guard let con = try? SemVersion(ver) else { throw ParseError(description: "constraint Parser Error") }
        return One(con: con, orig: m[2], op: m[1], minorDirty: minorDirty, patchDirty: patchDirty, dirty: dirty)
    }

    func check(_ v: SemVersion) -> Bool {
        groups.contains { $0.allSatisfy { Self.check(v, $0) } }
    }

    static func check(_ v: SemVersion, _ c: One) -> Bool {
        // Every operator but != refuses a prerelease unless the constraint names one.
        if c.op != "!=" && !v.pre.isEmpty && c.con.pre.isEmpty { return false }
        switch c.op {
        case "", "=": return c.dirty ? tilde(v, c) : v.compare(c.con) == 0
        case "!=": return notEqual(v, c)
        case ">": return greater(v, c)
        case "<": return v.compare(c.con) < 0
        case ">=", "=>": return v.compare(c.con) >= 0
        case "<=", "=<":
            if !c.dirty { return v.compare(c.con) <= 0 }
            if v.major > c.con.major { return false }
            if v.major == c.con.major && v.minor > c.con.minor && !c.minorDirty { return false }
            return true
        case "~", "~>": return tilde(v, c)
        case "^": return caret(v, c)
        default: return false
        }
    }

    static func notEqual(_ v: SemVersion, _ c: One) -> Bool {
        if c.dirty {
            if !v.pre.isEmpty && c.con.pre.isEmpty { return false }
            if c.con.major != v.major { return true }
            if c.con.minor != v.minor && !c.minorDirty { return true }
            if c.minorDirty { return false }
            if c.con.patch != v.patch && !c.patchDirty { return true }
            if c.patchDirty {
                if !v.pre.isEmpty || !c.con.pre.isEmpty { return SemVersion.comparePrerelease(v.pre, c.con.pre) != 0 }
                return false
            }
        }
        return v.compare(c.con) != 0
    }

    static func greater(_ v: SemVersion, _ c: One) -> Bool {
        if !c.dirty { return v.compare(c.con) == 1 }
        if v.major > c.con.major { return true }
        if v.major < c.con.major || c.minorDirty { return false }
        if c.patchDirty { return v.minor > c.con.minor }
        return v.compare(c.con) == 1
    }

    static func tilde(_ v: SemVersion, _ c: One) -> Bool {
        if v.compare(c.con) < 0 { return false }
        if c.con.major == 0 && c.con.minor == 0 && c.con.patch == 0 && !c.minorDirty && !c.patchDirty { return true }
        if v.major != c.con.major { return false }
        if v.minor != c.con.minor && !c.minorDirty { return false }
        return true
    }

    static func caret(_ v: SemVersion, _ c: One) -> Bool {
        if v.compare(c.con) < 0 { return false }
        if c.con.major > 0 || c.minorDirty { return v.major == c.con.major }
        if c.con.major == 0 && v.major > 0 { return false }
        if c.con.minor > 0 || c.patchDirty { return v.minor == c.con.minor }
        if c.con.minor == 0 && v.minor > 0 { return false }
        return c.con.patch == v.patch
    }
}

enum SprigSemver {
    static let functions: [TemplateFunction] = [
        TemplateFunction("semver", [.string]) { a, _ in
            do { return .object(try SemVersion(a[0].stringValue ?? "")) } catch let e as SemVersion.ParseError { throw FunctionError(e.description) }
        },
        TemplateFunction("semverCompare", [.string, .string]) { a, _ in
            let c: SemverConstraints
            do { c = try SemverConstraints(a[0].stringValue ?? "") } catch let e as SemverConstraints.ParseError { throw FunctionError(e.description) }
            do { return .bool(c.check(try SemVersion(a[1].stringValue ?? ""))) } catch let e as SemVersion.ParseError { throw FunctionError(e.description) }
        },
    ]
}
