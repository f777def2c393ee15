import Foundation

/// Sprig's `semver` and `semverCompare`, following Masterminds semver v3: loose version parsing
/// (`v` prefix, missing minor/patch), and constraints with `||`, comma/space AND, hyphen ranges,
/// x-ranges, `~`, `^`, and the rule that a prerelease version only satisfies a constraint that
/// itself names a prerelease.
enum SprigSemver {
    static let functions: [TemplateFunction] = [
        TemplateFunction("semver", [.string]) { a, _ in .object(try SemVersion.parse(a[0].stringValue ?? "")) },
        TemplateFunction("semverCompare", [.string, .string]) { a, _ in
            let c = try SemConstraints.parse(a[0].stringValue ?? "")
            let v = try SemVersion.parse(a[1].stringValue ?? "")
            return .bool(c.check(v))
        },
    ]
}

/// A parsed version; in templates a `*semver.Version` whose Major/Minor/Patch/Prerelease/Metadata
/// methods read as fields and which prints as its normalised string.
struct SemVersion: TemplateObject {
    var major: UInt64, minor: UInt64, patch: UInt64
    var pre: String, metadata: String
    var original = ""
    /// Go compares *semver.Version by pointer: each parse is a distinct version.
    var identity = UUID()

    static let cv = #"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"#
    static let regex = try! NSRegularExpression(pattern: "^" + cv + "$")
    static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789")

    static func parse(_ s: String) throws -> SemVersion {
        guard let m = Rx.groups(regex, s) else { throw FunctionError("Invalid Semantic Version") }
        func seg(_ t: String) throws -> UInt64 {
            let d = t.hasPrefix(".") ? String(t.dropFirst()) : t
            if d.isEmpty { return 0 }
            guard let n = UInt64(d) else {
                throw FunctionError("Error parsing version segment: strconv.ParseUint: parsing \(GoQuote.quote(d)): value out of range")
            }
            return n
        }
        let v = SemVersion(major: try seg(m[1]), minor: try seg(m[2]), patch: try seg(m[3]), pre: m[5], metadata: m[8], original: s)
        if !v.pre.isEmpty {
            for p in v.pre.split(separator: ".", omittingEmptySubsequences: false) {
                if p.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    if p.count > 1 && p.first == "0" { throw FunctionError("Version segment starts with 0") }
                } else if !p.allSatisfy({ allowed.contains($0) }) {
                    throw FunctionError("Invalid Prerelease string")
                }
            }
        }
        return v
    }

    var string: String {
        var s = "\(major).\(minor).\(patch)"
        if !pre.isEmpty { s += "-" + pre }
        if !metadata.isEmpty { s += "+" + metadata }
        return s
    }

    var goType: GoType { .named("*semver.Version", kind: "ptr") }
    var formatted: String { string }
    func isEqual(to other: any TemplateObject) -> Bool { (other as? SemVersion)?.identity == identity }
    func field(_ name: String) -> Value? {
        switch name {
        case "Major": .int64(Int64(bitPattern: major))
        case "Minor": .int64(Int64(bitPattern: minor))
        case "Patch": .int64(Int64(bitPattern: patch))
        case "Prerelease": .string(pre)
        case "Metadata": .string(metadata)
        case "Original": .string(original)
        default: nil
        }
    }

    func compare(_ o: SemVersion) -> Int {
        for (a, b) in [(major, o.major), (minor, o.minor), (patch, o.patch)] where a != b { return a < b ? -1 : 1 }
        if pre.isEmpty && o.pre.isEmpty { return 0 }
        if pre.isEmpty { return 1 }
        if o.pre.isEmpty { return -1 }
        return Self.comparePre(pre, o.pre)
    }

    static func comparePre(_ v: String, _ o: String) -> Int {
        let sp = v.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let op = o.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for i in 0..<max(sp.count, op.count) {
            let d = comparePart(i < sp.count ? sp[i] : "", i < op.count ? op[i] : "")
            if d != 0 { return d }
        }
        return 0
    }

    static func comparePart(_ s: String, _ o: String) -> Int {
        if s == o { return 0 }
        if s.isEmpty { return -1 }
        if o.isEmpty { return 1 }
        let oi = UInt64(o), si = UInt64(s)
        switch (si, oi) {
        case (nil, nil): return s.utf8.lexicographicallyPrecedes(o.utf8) ? -1 : 1
        case (_, nil): return -1
        case (nil, _): return 1
        case (let a?, let b?): return a > b ? 1 : -1
        }
    }
}

enum Rx {
    /// The submatches of the first match (empty strings for groups that did not take part).
    static func groups(_ re: NSRegularExpression, _ s: String) -> [String]? {
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

struct SemConstraints {
    struct One {
        var con: SemVersion
        var op: String
        var dirty = false, minorDirty = false, patchDirty = false
    }
    var ors: [[One]]

    static let cv = #"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"#
    static let ops = #"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"#
    static let one = try! NSRegularExpression(pattern: #"^\s*("# + ops + #")\s*("# + cv + #")\s*$"#)
    static let range = try! NSRegularExpression(pattern: #"\s*("# + cv + #")\s+-\s+("# + cv + #")\s*"#)
    static let find = try! NSRegularExpression(pattern: "(" + ops + #")\s*("# + cv + ")")
    static let valid = try! NSRegularExpression(pattern: #"^(\s*("# + ops + #")\s*("# + cv + #")\s*)((?:\s+|,\s*)("# + ops + #")\s*("# + cv + #")\s*)*$"#)

    static func parse(_ input: String) throws -> SemConstraints {
        var c = input
        for m in Rx.all(range, input) {
            if let r = c.range(of: m[0]) { c.replaceSubrange(r, with: ">= \(m[1]), <= \(m[11])") }
        }
        var ors: [[One]] = []
        for part in c.components(separatedBy: "||") {
            guard Rx.groups(valid, part) != nil else { throw FunctionError("improper constraint: \(part)") }
            var cs = Rx.all(find, part).map { $0[0] }
            if cs.isEmpty { cs = [part] }
            ors.append(try cs.map(parseOne))
        }
        return SemConstraints(ors: ors)
    }

    static func isX(_ s: String) -> Bool { s == "x" || s == "*" || s == "X" }

    static func parseOne(_ c: String) throws -> One {
        if c.isEmpty { return One(con: SemVersion(major: 0, minor: 0, patch: 0, pre: "", metadata: ""), op: "", dirty: true) }
        guard let m = Rx.groups(one, c) else { throw FunctionError("improper constraint: \(c)") }
        var ver = m[2]
        var o = One(con: SemVersion(major: 0, minor: 0, patch: 0, pre: "", metadata: ""), op: m[1])
        let minor = m[4].hasPrefix(".") ? String(m[4].dropFirst()) : m[4]
        let patch = m[5].hasPrefix(".") ? String(m[5].dropFirst()) : m[5]
        if isX(m[3]) || m[3].isEmpty {
            ver = "0.0.0" + m[6]; o.dirty = true
        } else if isX(minor) || m[4].isEmpty {
            o.minorDirty = true; o.dirty = true; ver = m[3] + ".0.0" + m[6]
        } else if isX(patch) || m[5].isEmpty {
            o.dirty = true; o.patchDirty = true; ver = m[3] + m[4] + ".0" + m[6]
        }
        guard let v = try? SemVersion.parse(ver) else { throw FunctionError("constraint Parser Error") }
        o.con = v
        return o
    }

    func check(_ v: SemVersion) -> Bool {
        ors.contains { and in and.allSatisfy { Self.check(v, $0) } }
    }

    static func check(_ v: SemVersion, _ c: One) -> Bool {
        let preGuard = !v.pre.isEmpty && c.con.pre.isEmpty
        switch c.op {
        case "", "=":
            if preGuard { return false }
            if c.dirty { return tilde(v, c) }
            return v.compare(c.con) == 0
        case "!=":
            if c.dirty {
                if preGuard { return false }
                if c.con.major != v.major { return true }
                if c.con.minor != v.minor && !c.minorDirty { return true }
                if c.minorDirty { return false }
                if c.con.patch != v.patch && !c.patchDirty { return true }
                if c.patchDirty {
                    if !v.pre.isEmpty || !c.con.pre.isEmpty { return SemVersion.comparePre(v.pre, c.con.pre) != 0 }
                    return false
                }
            }
            return v.compare(c.con) != 0
        case ">":
            if preGuard { return false }
            if !c.dirty { return v.compare(c.con) == 1 }
            if v.major > c.con.major { return true }
            if v.major < c.con.major { return false }
            if c.minorDirty { return false }
            if c.patchDirty { return v.minor > c.con.minor }
            return v.compare(c.con) == 1
        case "<":
            if preGuard { return false }
            return v.compare(c.con) < 0
        case ">=", "=>":
            if preGuard { return false }
            return v.compare(c.con) >= 0
        case "<=", "=<":
            if preGuard { return false }
            if !c.dirty { return v.compare(c.con) <= 0 }
            if v.major > c.con.major { return false }
            if v.major == c.con.major && v.minor > c.con.minor && !c.minorDirty { return false }
            return true
        case "~", "~>":
            if preGuard { return false }
            return tilde(v, c)
        case "^":
            if preGuard { return false }
            if v.compare(c.con) < 0 { return false }
            if c.con.major > 0 || c.minorDirty { return v.major == c.con.major }
            if c.con.major == 0 && v.major > 0 { return false }
            if c.con.minor > 0 || c.patchDirty { return v.minor == c.con.minor }
            if c.con.minor == 0 && v.minor > 0 { return false }
            return c.con.patch == v.patch
        default:
            return false
        }
    }

    static func tilde(_ v: SemVersion, _ c: One) -> Bool {
        if !v.pre.isEmpty && c.con.pre.isEmpty { return false }
        if v.compare(c.con) < 0 { return false }
        if c.con.major == 0 && c.con.minor == 0 && c.con.patch == 0 && !c.minorDirty && !c.patchDirty { return true }
        if v.major != c.con.major { return false }
        if v.minor != c.con.minor && !c.minorDirty { return false }
        return true
    }
}
