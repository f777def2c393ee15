import Crypto
import Foundation

/// The Sprig functions charts use most, each matching Sprig 3's Go implementation: strings,
/// defaults, lists, dicts, conversions, math, encoding, hashing and regular expressions.
enum SprigCore {
    typealias F = TemplateFunction
    static let s = SprigConvert.self

    static let functions: [TemplateFunction] = strings + defaults + lists + dicts + numbers + encoding + SprigCrypto.functions + SprigTime.functions

    static let strings: [TemplateFunction] = [
        F("quote", variadic: .interface) { a, _ in .string(a.filter { !$0.isNull }.map { GoQuote.quote(s.string($0)) }.joined(separator: " ")) },
        F("squote", variadic: .interface) { a, _ in .string(a.filter { !$0.isNull }.map { "'\(s.string($0))'" }.joined(separator: " ")) },
        F("upper", [.string]) { a, _ in .string(str(a[0]).uppercased()) },
        F("lower", [.string]) { a, _ in .string(str(a[0]).lowercased()) },
        F("title", [.string]) { a, _ in .string(title(str(a[0]))) },
        F("trim", [.string]) { a, _ in .string(str(a[0]).trimmingCharacters(in: goSpace)) },
        F("trimAll", [.string, .string]) { a, _ in .string(trimSet(str(a[1]), Set(str(a[0]).unicodeScalars), left: true, right: true)) },
        F("trimPrefix", [.string, .string]) { a, _ in
            let (p, v) = (str(a[0]), str(a[1]))
            return .string(v.hasPrefix(p) ? String(v.dropFirst(p.count)) : v)
        },
        F("trimSuffix", [.string, .string]) { a, _ in
            let (p, v) = (str(a[0]), str(a[1]))
            return .string(!p.isEmpty && v.hasSuffix(p) ? String(v.dropLast(p.count)) : v)
        },
        F("trunc", [.int, .string]) { a, _ in
            guard case .int(let c) = a[0] else { return a[1] }
            let b = Array(str(a[1]).utf8)
            if c < 0 && b.count + c > 0 { return .string(String(decoding: b[(b.count + c)...], as: UTF8.self)) }
            if c >= 0 && b.count > c { return .string(String(decoding: b[..<c], as: UTF8.self)) }
            return a[1]
        },
        F("indent", [.int, .string]) { a, _ in .string(indent(a[0], str(a[1]))) },
        F("nindent", [.int, .string]) { a, _ in .string("\n" + indent(a[0], str(a[1]))) },
        F("replace", [.string, .string, .string]) { a, _ in .string(replaceAll(str(a[2]), str(a[0]), str(a[1]))) },
        F("contains", [.string, .string]) { a, _ in .bool(str(a[0]).isEmpty || str(a[1]).contains(str(a[0]))) },
        F("hasPrefix", [.string, .string]) { a, _ in .bool(str(a[1]).hasPrefix(str(a[0]))) },
        F("hasSuffix", [.string, .string]) { a, _ in .bool(str(a[1]).hasSuffix(str(a[0]))) },
        F("repeat", [.int, .string]) { a, _ in
            guard case .int(let n) = a[0] else { return .string("") }
            if n < 0 { throw FunctionError("strings: negative Repeat count") }
            return .string(String(repeating: str(a[1]), count: n))
        },
        F("nospace", [.string]) { a, _ in .string(String(str(a[0]).unicodeScalars.filter { !goSpace.contains($0) }.map(Character.init))) },
        F("cat", variadic: .interface) { a, _ in .string(a.filter { !$0.isNull }.map { s.string($0) }.joined(separator: " ")) },
        F("join", [.string, .interface]) { a, _ in .string(s.strings(a[1]).joined(separator: str(a[0]))) },
        F("split", [.string, .string]) { a, _ in
            let parts = goSplit(str(a[1]), str(a[0]))
            var m: [String: Value] = [:]
            for (i, p) in parts.enumerated() { m["_\(i)"] = .string(p) }
            return .map(m, element: .string)
        },
        F("splitList", [.string, .string]) { a, _ in .list(goSplit(str(a[1]), str(a[0])).map { .string($0) }, element: .string) },
        F("sortAlpha", [.interface]) { a, _ in
            if case .list = a[0] { return .list(s.strings(a[0]).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .string($0) }, element: .string) }
            return .list([.string(s.string(a[0]))], element: .string)
        },
        F("toString", [.interface]) { a, _ in .string(s.string(a[0])) },
        F("toStrings", [.interface]) { a, _ in .list(s.strings(a[0]).map { .string($0) }, element: .string) },
        F("regexMatch", [.string, .string]) { a, _ in .bool(GoRegex.matches(str(a[0]), str(a[1])) ?? false) },
        F("mustRegexMatch", [.string, .string]) { a, _ in
            guard let m = GoRegex.matches(str(a[0]), str(a[1])) else { throw FunctionError("error parsing regexp: \(str(a[0]))") }
            return .bool(m)
        },
        F("regexReplaceAll", [.string, .string, .string]) { a, _ in
            .string(try GoRegex.replaceAll(str(a[0]), in: str(a[1]), with: str(a[2]), literal: false))
        },
        F("regexReplaceAllLiteral", [.string, .string, .string]) { a, _ in
            .string(try GoRegex.replaceAll(str(a[0]), in: str(a[1]), with: str(a[2]), literal: true))
        },
    ]

    static let defaults: [TemplateFunction] = [
        F("default", [.interface], variadic: .interface) { a, _ in
            if a.count < 2 || s.isEmpty(a[1]) { return a[0] }
            return a[1]
        },
        F("empty", [.interface]) { a, _ in .bool(s.isEmpty(a[0])) },
        F("coalesce", variadic: .interface) { a, _ in a.first { !s.isEmpty($0) } ?? .null },
        F("all", variadic: .interface) { a, _ in .bool(a.allSatisfy { !s.isEmpty($0) }) },
        F("any", variadic: .interface) { a, _ in .bool(a.contains { !s.isEmpty($0) }) },
        F("ternary", [.interface, .interface, .bool]) { a, _ in
            if case .bool(true) = a[2] { return a[0] }
            return a[1]
        },
    ]

    static let lists: [TemplateFunction] = [
        F("list", variadic: .interface) { a, _ in .list(a) },
        F("append", [.interface, .interface]) { a, _ in
            guard case .list(let l, _) = a[0] else { throw FunctionError("Cannot push on type \(s.kind(a[0]))") }
            return .list(l + [a[1]])
        },
        F("push", [.interface, .interface]) { a, _ in
            guard case .list(let l, _) = a[0] else { throw FunctionError("Cannot push on type \(s.kind(a[0]))") }
            return .list(l + [a[1]])
        },
        F("prepend", [.interface, .interface]) { a, _ in
            guard case .list(let l, _) = a[0] else { throw FunctionError("Cannot prepend on type \(s.kind(a[0]))") }
            return .list([a[1]] + l)
        },
        F("concat", variadic: .interface) { a, _ in
            var out: [Value] = []
            for v in a {
                guard case .list(let l, _) = v else { throw FunctionError("Cannot concat type \(s.kind(v)) as list") }
                out += l
            }
            return .list(out)
        },
        F("first", [.interface]) { a, _ in try s.list(a[0], "find first").first ?? .null },
        F("last", [.interface]) { a, _ in try s.list(a[0], "find last").last ?? .null },
        F("rest", [.interface]) { a, _ in
            .list(Array(try s.list(a[0], "find rest").dropFirst()))
        },
        F("initial", [.interface]) { a, _ in
            .list(Array(try s.list(a[0], "find initial").dropLast()))
        },
        F("has", [.interface, .interface]) { a, _ in
            if a[1].isNull { return .bool(false) }
            let l = try s.list(a[1], "find has")
            return .bool(l.contains { $0.deepEquals(a[0]) })
        },
        F("uniq", [.interface]) { a, _ in
            var out: [Value] = []
            for v in try s.list(a[0], "find uniq") where !out.contains(where: { $0.deepEquals(v) }) { out.append(v) }
            return .list(out)
        },
        F("compact", [.interface]) { a, _ in .list(try s.list(a[0], "compact").filter { !s.isEmpty($0) }) },
        F("without", [.interface], variadic: .interface) { a, _ in
            let omit = Array(a.dropFirst())
            return .list(try s.list(a[0], "find without").filter { v in !omit.contains { $0.deepEquals(v) } })
        },
        F("reverse", [.interface]) { a, _ in .list(try s.list(a[0], "find reverse").reversed()) },
    ]

    static let dicts: [TemplateFunction] = [
        F("dict", variadic: .interface) { a, _ in
            var m: [String: Value] = [:]
            var i = 0
            while i < a.count {
                m[s.string(a[i])] = i + 1 < a.count ? a[i + 1] : .string("")
                i += 2
            }
            return .map(m)
        },
        F("get", [.map(.interface), .string]) { a, _ in
            guard case .map(let m, _) = a[0] else { return .string("") }
            return m[str(a[1])] ?? .string("")
        },
        F("set", [.map(.interface), .string, .interface]) { a, _ in
            guard case .map(var m, let e) = a[0] else { return a[0] }
            m[str(a[1])] = a[2]
            return .map(m, element: e)
        },
        F("unset", [.map(.interface), .string]) { a, _ in
            guard case .map(var m, let e) = a[0] else { return a[0] }
            m[str(a[1])] = nil
            return .map(m, element: e)
        },
        F("hasKey", [.map(.interface), .string]) { a, _ in
            guard case .map(let m, _) = a[0] else { return .bool(false) }
            return .bool(m[str(a[1])] != nil)
        },
        F("keys", variadic: .map(.interface)) { a, _ in
            var out: [Value] = []
            for case .map(let m, _) in a { out += m.keys.sorted().map { .string($0) } }
            return .list(out, element: .string)
        },
        F("values", [.map(.interface)]) { a, _ in
            guard case .map(let m, _) = a[0] else { return .list([]) }
            return .list(Value.sortedEntries(m).map(\.value))
        },
        F("pick", [.map(.interface)], variadic: .string) { a, _ in
            guard case .map(let m, _) = a[0] else { return .map([:]) }
            let keep = Set(a.dropFirst().compactMap(\.stringValue))
            return .map(m.filter { keep.contains($0.key) })
        },
        F("omit", [.map(.interface)], variadic: .string) { a, _ in
            guard case .map(let m, _) = a[0] else { return .map([:]) }
            let drop = Set(a.dropFirst().compactMap(\.stringValue))
            return .map(m.filter { !drop.contains($0.key) })
        },
        F("merge", [.map(.interface)], variadic: .map(.interface)) { a, _ in mergeAll(a, overwrite: false) },
        F("mergeOverwrite", [.map(.interface)], variadic: .map(.interface)) { a, _ in mergeAll(a, overwrite: true) },
        F("deepCopy", [.interface]) { a, _ in a[0] },
        F("dig", [.interface], variadic: .interface) { a, _ in
            // dig KEY... DEFAULT DICT
            guard a.count >= 3 else { throw FunctionError("dig needs at least three arguments") }
            guard case .map(var node, _) = a[a.count - 1] else { throw FunctionError("last argument of dig must be a map") }
            let keys = a[0..<(a.count - 2)].map { s.string($0) }
            for (i, k) in keys.enumerated() {
                guard let v = node[k] else { return a[a.count - 2] }
                if i == keys.count - 1 { return v }
                guard case .map(let m, _) = v else { return a[a.count - 2] }
                node = m
            }
            return a[a.count - 2]
        },
    ]

    static let numbers: [TemplateFunction] = [
        F("int", [.interface]) { a, _ in .int(Int(s.int64(a[0]))) },
        F("int64", [.interface]) { a, _ in .int64(s.int64(a[0])) },
        F("float64", [.interface]) { a, _ in .float(s.float64(a[0])) },
        F("atoi", [.string]) { a, _ in .int(Int(str(a[0])) ?? 0) },
        F("add", variadic: .interface) { a, _ in .int64(a.reduce(0) { $0 &+ s.int64($1) }) },
        F("add1", [.interface]) { a, _ in .int64(s.int64(a[0]) &+ 1) },
        F("sub", [.interface, .interface]) { a, _ in .int64(s.int64(a[0]) &- s.int64(a[1])) },
        F("mul", [.interface], variadic: .interface) { a, _ in .int64(a.dropFirst().reduce(s.int64(a[0])) { $0 &* s.int64($1) }) },
        F("div", [.interface, .interface]) { a, _ in
            let d = s.int64(a[1])
            if d == 0 { throw FunctionError("runtime error: integer divide by zero") }
            return .int64(s.int64(a[0]) / d)
        },
        F("mod", [.interface, .interface]) { a, _ in
            let d = s.int64(a[1])
            if d == 0 { throw FunctionError("runtime error: integer divide by zero") }
            return .int64(s.int64(a[0]) % d)
        },
        F("max", [.interface], variadic: .interface) { a, _ in .int64(a.map { s.int64($0) }.max() ?? 0) },
        F("min", [.interface], variadic: .interface) { a, _ in .int64(a.map { s.int64($0) }.min() ?? 0) },
    ]

    static let encoding: [TemplateFunction] = [
        F("b64enc", [.string]) { a, _ in .string(Data(str(a[0]).utf8).base64EncodedString()) },
        F("b64dec", [.string]) { a, _ in
            guard let d = Data(base64Encoded: str(a[0])) else { return .string("illegal base64 data at input byte 0") }
            return .string(String(decoding: d, as: UTF8.self))
        },
        F("sha256sum", [.string]) { a, _ in .string(GoBytes.hex(SHA256.hash(data: Data(str(a[0]).utf8)))) },
        F("sha1sum", [.string]) { a, _ in .string(GoBytes.hex(Insecure.SHA1.hash(data: Data(str(a[0]).utf8)))) },
        F("toJson", [.interface]) { a, _ in .string(GoJSON.encode(a[0]) ?? "") },
        F("mustToJson", [.interface]) { a, _ in
            guard let j = GoJSON.encode(a[0]) else { throw FunctionError("json: unsupported value: \(GoFmt.format(a[0]))") }
            return .string(j)
        },
        F("toRawJson", [.interface]) { a, _ in .string(GoJSON.encode(a[0], escapeHTML: false) ?? "") },
        F("toPrettyJson", [.interface]) { a, _ in .string(GoJSON.encode(a[0], indent: "  ") ?? "") },
    ]

    // MARK: helpers

    static func str(_ v: Value) -> String { v.stringValue ?? "" }

    /// Go's unicode.IsSpace set, which strings.TrimSpace uses.
    static let goSpace = CharacterSet(charactersIn: "\t\n\u{0B}\u{0C}\r \u{85}\u{A0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}")

    static func indent(_ n: Value, _ text: String) -> String {
        guard case .int(let spaces) = n else { return text }
        let pad = String(repeating: " ", count: max(spaces, 0))
        return pad + replaceAll(text, "\n", "\n" + pad)
    }

    static func replaceAll(_ s: String, _ old: String, _ new: String) -> String {
        if old.isEmpty {
            // Go inserts `new` before every UTF-8 sequence and at the end.
            return new + s.unicodeScalars.map { String($0) + new }.joined()
        }
        // strings.Replace compares bytes (Foundation would compare composed characters).
        return String(decoding: GoBytes.replacing(Array(s.utf8), Array(old.utf8), Array(new.utf8)), as: UTF8.self)
    }

    /// strings.Split: an empty separator splits into UTF-8 sequences.
    static func goSplit(_ s: String, _ sep: String) -> [String] {
        if sep.isEmpty { return s.unicodeScalars.map { String($0) } }
        return s.components(separatedBy: sep)
    }

    static func trimSet(_ s: String, _ set: Set<Unicode.Scalar>, left: Bool, right: Bool) -> String {
        var u = Array(s.unicodeScalars)[...]
        if left { while let f = u.first, set.contains(f) { u = u.dropFirst() } }
        if right { while let l = u.last, set.contains(l) { u = u.dropLast() } }
        return String(String.UnicodeScalarView(u))
    }

    /// strings.Title: upper-cases the first letter of each word (words split at separators).
    static func title(_ s: String) -> String {
        var out = ""
        var prevSeparator = true
        for c in s.unicodeScalars {
            if prevSeparator { out += String(c).uppercased() } else { out.unicodeScalars.append(c) }
            let isLetterOrDigit = c.properties.isAlphabetic || c.properties.numericType != nil || c == "_"
            prevSeparator = c.isASCII ? !(isLetterOrDigit) : (c.properties.isWhitespace || !isLetterOrDigit)
        }
        return out
    }

    /// mergo.Merge / mergo.Merge(WithOverride) of every source into the first map.
    static func mergeAll(_ a: [Value], overwrite: Bool) -> Value {
        guard case .map(var dst, let e) = a[0] else { return a[0] }
        for case .map(let src, _) in a.dropFirst() { dst = merge(dst, src, overwrite: overwrite) }
        return .map(dst, element: e)
    }

    static func merge(_ dstIn: [String: Value], _ src: [String: Value], overwrite: Bool) -> [String: Value] {
        var dst = dstIn
        for (k, sv) in src {
            let dv = dst[k]
            if sv.isNull {
                if overwrite { dst[k] = .null }
                continue
            }
            if case .map(let sm, _) = sv, case .map(let dm, let de)? = dv {
                dst[k] = .map(merge(dm, sm, overwrite: overwrite), element: de)
                continue
            }
            if case .list = sv, overwrite || dv == nil {
                dst[k] = sv
                continue
            }
            if let dv, !SprigConvert.isEmpty(dv), sv.isCollection { continue }
            if overwrite || dv == nil || SprigConvert.isEmpty(dv!) { dst[k] = sv }
        }
        return dst
    }
}

extension Value {
    var isCollection: Bool {
        switch self {
        case .list, .map: true
        default: false
        }
    }
}
