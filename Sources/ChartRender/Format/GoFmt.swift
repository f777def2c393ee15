import Foundation

/// Go's fmt package for template values: Sprint, Sprintln, Sprintf with Go's verbs, flags,
/// width and precision, and Go's error spellings (`%!d(string=x)`, `%!v(MISSING)`, `%!(EXTRA …)`).
public enum GoFmt {
    /// fmt.Sprint: operands joined with a space when neither side is a string.
    public static func sprint(_ args: [Value]) -> String {
        var out = ""
        var prevString = false
        for (i, a) in args.enumerated() {
            let isString = a.stringValue != nil
            if i > 0 && !isString && !prevString { out += " " }
            out += format(a)
            prevString = isString
        }
        return out
    }

    /// fmt.Sprintln: operands always separated by spaces, newline at the end.
    public static func sprintln(_ args: [Value]) -> String {
        args.map { format($0) }.joined(separator: " ") + "\n"
    }

    /// `%v` of a value.
    public static func format(_ v: Value) -> String {
        var p = Printer()
        p.printArg(v, verb: "v")
        return p.out
    }

    public static func sprintf(_ format: String, _ args: [Value]) -> String {
        var p = Printer()
        p.doPrintf(Array(format.unicodeScalars), args)
        return p.out
    }
}

/// Flags, width and precision of one verb.
struct FmtFlags {
    var plus = false, minus = false, sharp = false, space = false, zero = false
    var plusV = false, sharpV = false
    var width: Int?
    var prec: Int?
}

struct Printer {
    var out = ""
    var f = FmtFlags()

    // MARK: printf

    /// Parses `[n]` at `i`; returns the new argument index (n-1), whether it was valid, and the new position.
    func argNumber(_ fmt: [Unicode.Scalar], _ i: Int, argNum: Int, count: Int) -> (Int, Bool, Int, Bool) {
        guard i < fmt.count, fmt[i] == "[" else { return (argNum, true, i, false) }
        var j = i + 1
        var n = 0
        var digits = 0
        while j < fmt.count, let d = Int(String(fmt[j])), fmt[j].isASCII { n = n * 10 + d; j += 1; digits += 1 }
        guard j < fmt.count, fmt[j] == "]" else { return (argNum, false, i + 1, true) }
        if digits == 0 || n < 1 || n > count { return (argNum, false, j + 1, true) }
        return (n - 1, true, j + 1, true)
    }

    mutating func doPrintf(_ fmt: [Unicode.Scalar], _ args: [Value]) {
        var argNum = 0
        var reordered = false
        var i = 0
        let end = fmt.count
        while i < end {
            let lasti = i
            while i < end && fmt[i] != "%" { i += 1 }
            if i > lasti { out.unicodeScalars.append(contentsOf: fmt[lasti..<i]) }
            if i >= end { break }
            i += 1 // skip %
            f = FmtFlags()
            flags: while i < end {
                switch fmt[i] {
                case "#": f.sharp = true
                case "0": f.zero = !f.minus
                case "+": f.plus = true
                case "-": f.minus = true; f.zero = false
                case " ": f.space = true
                default: break flags
                }
                i += 1
            }
            var goodArgNum = true
            var r: Bool
            (argNum, goodArgNum, i, r) = argNumber(fmt, i, argNum: argNum, count: args.count)
            reordered = reordered || r
            // width
            if i < end && fmt[i] == "*" {
                i += 1
                if argNum < args.count, case .int(let w) = args[argNum] {
                    f.width = abs(w)
                    if w < 0 { f.minus = true; f.zero = false }
                } else {
                    out += "%!(BADWIDTH)"
                }
                argNum += 1
            } else {
                var w: Int?
                while i < end, let d = fmt[i].properties.numericType != nil ? Int(String(fmt[i])) : nil {
                    w = (w ?? 0) * 10 + d; i += 1
                }
                f.width = w
            }
            // precision
            if i + 1 <= end && i < end && fmt[i] == "." {
                i += 1
                if i < end && fmt[i] == "*" {
                    i += 1
                    if argNum < args.count, case .int(let pr) = args[argNum], pr >= 0 {
                        f.prec = pr
                    } else {
                        out += "%!(BADPREC)"
                    }
                    argNum += 1
                } else {
                    var pr = 0
                    while i < end, let d = fmt[i].properties.numericType != nil ? Int(String(fmt[i])) : nil {
                        pr = pr * 10 + d; i += 1
                    }
                    f.prec = pr
                }
            }
            if !r {
                (argNum, goodArgNum, i, r) = argNumber(fmt, i, argNum: argNum, count: args.count)
                reordered = reordered || r
            }
            if i >= end { out += "%!(NOVERB)"; break }
            let verb = Character(fmt[i])
            i += 1
            if verb == "%" { out += "%"; continue }
            if !goodArgNum { out += "%!\(verb)(BADINDEX)"; continue }
            if argNum >= args.count { out += "%!\(verb)(MISSING)"; continue }
            if verb == "v" {
                if f.sharp { f.sharp = false; f.sharpV = true }
                if f.plus { f.plus = false; f.plusV = true }
            }
            printArg(args[argNum], verb: verb)
            argNum += 1
        }
        if !reordered && argNum < args.count {
            f = FmtFlags()
            out += "%!(EXTRA "
            for (k, a) in args[argNum...].enumerated() {
                if k > 0 { out += ", " }
                if case .null = a { out += "<nil>" } else {
                    out += a.typeName + "="
                    printArg(a, verb: "v")
                }
            }
            out += ")"
        }
    }

    // MARK: dispatch

    mutating func printArg(_ v: Value, verb: Character) {
        if case .null = v {
            switch verb {
            case "T", "v": pad("<nil>")
            default: badVerb(v, verb)
            }
            return
        }
        if verb == "T" { fmtString(v.typeName, verb: "s"); return }
        printValue(v, verb: verb, depth: 0)
    }

    mutating func printValue(_ v: Value, verb: Character, depth: Int) {
        switch v {
        case .null:
            if depth == 0 { pad("<invalid reflect.Value>") } else { out += f.sharpV ? "interface {}(nil)" : "<nil>" }
        case .bool(let b):
            if verb == "t" || verb == "v" { pad(b ? "true" : "false") } else { badVerb(v, verb) }
        case .int(let n): fmtInteger(Int64(n), v, verb: verb)
        case .int64(let n): fmtInteger(n, v, verb: verb)
        case .float(let d): fmtFloat(d, v, verb: verb)
        case .string(let s):
            switch verb {
            case "v", "s", "x", "X", "q": fmtString(s, verb: verb)
            default: badVerb(v, verb)
            }
        case .list(let items, let elem):
            if elem == .uint8, "sqxX".contains(verb) {
                let bytes = items.compactMap { if case .int(let b) = $0 { UInt8(truncatingIfNeeded: b) } else { nil } }
                fmtString(String(decoding: bytes, as: UTF8.self), verb: verb)
                return
            }
            if f.sharpV {
                out += v.typeName + "{"
                for (i, e) in items.enumerated() {
                    if i > 0 { out += ", " }
                    printValue(e, verb: verb, depth: depth + 1)
                }
                out += "}"
                return
            }
            out += "["
            for (i, e) in items.enumerated() {
                if i > 0 { out += " " }
                printValue(e, verb: verb, depth: depth + 1)
            }
            out += "]"
        case .map(let m, _):
            out += f.sharpV ? v.typeName + "{" : "map["
            for (i, kv) in Value.sortedEntries(m).enumerated() {
                if i > 0 { out += f.sharpV ? ", " : " " }
                printValue(.string(kv.key), verb: verb, depth: depth + 1)
                out += ":"
                printValue(kv.value, verb: verb, depth: depth + 1)
            }
            out += f.sharpV ? "}" : "]"
        case .object(let o):
            if verb == "v" || verb == "s" { pad(o.formatted) } else { badVerb(v, verb) }
        }
    }

    mutating func badVerb(_ v: Value, _ verb: Character) {
        out += "%!\(verb)("
        if case .null = v {
            out += "<nil>"
        } else {
            out += v.typeName + "="
            printValue(v, verb: "v", depth: 0)
        }
        out += ")"
    }

    // MARK: padding

    mutating func pad(_ s: String) {
        guard let w = f.width else { out += s; return }
        let n = s.unicodeScalars.count
        if n >= w { out += s; return }
        let fill = String(repeating: f.zero && !f.minus ? "0" : " ", count: w - n)
        out += f.minus ? s + fill : fill + s
    }

    // MARK: strings

    mutating func fmtString(_ s: String, verb: Character) {
        switch verb {
        case "v":
            if f.sharpV { pad(GoQuote.quote(s)) } else { padTruncated(s) }
        case "s": padTruncated(s)
        case "q": pad(f.sharp && !s.contains("`") ? "`\(s)`" : (f.plus ? GoQuote.quoteASCII(s) : GoQuote.quote(s)))
        case "x", "X":
            var bytes = Array(s.utf8)
            if let p = f.prec, p < bytes.count { bytes = Array(bytes.prefix(p)) }
            let digits = verb == "x" ? "0123456789abcdef" : "0123456789ABCDEF"
            let d = Array(digits)
            var r = ""
            for (i, b) in bytes.enumerated() {
                if f.space && i > 0 { r += " " }
                if f.sharp && (f.space || i == 0) { r += verb == "x" ? "0x" : "0X" }
                r.append(d[Int(b >> 4)]); r.append(d[Int(b & 15)])
            }
            pad(r)
        default: pad(s)
        }
    }

    mutating func padTruncated(_ s: String) {
        if let p = f.prec {
            pad(String(String.UnicodeScalarView(s.unicodeScalars.prefix(p))))
        } else {
            pad(s)
        }
    }

    // MARK: integers

    mutating func fmtInteger(_ n: Int64, _ v: Value, verb: Character) {
        switch verb {
        case "v", "d": integer(n, base: 10, upper: false)
        case "b": integer(n, base: 2, upper: false)
        case "o", "O": integer(n, base: 8, upper: false, oPrefix: verb == "O")
        case "x": integer(n, base: 16, upper: false)
        case "X": integer(n, base: 16, upper: true)
        case "c":
            pad(UnicodeScalar(UInt32(truncatingIfNeeded: n)).map { String(Character($0)) } ?? "\u{FFFD}")
        case "q":
            let scalar = UnicodeScalar(UInt32(truncatingIfNeeded: n)) ?? "\u{FFFD}"
            pad(GoQuote.quoteRune(scalar))
        case "U":
            var hex = String(UInt64(bitPattern: n), radix: 16, uppercase: true)
            let minDigits = max(f.prec ?? 4, 4)
            if hex.count < minDigits { hex = String(repeating: "0", count: minDigits - hex.count) + hex }
            var s = "U+" + hex
            if f.sharp, let sc = UnicodeScalar(UInt32(truncatingIfNeeded: n)), GoQuote.isPrint(sc) { s += " '\(Character(sc))'" }
            pad(s)
        default: badVerb(v, verb)
        }
    }

    mutating func integer(_ n: Int64, base: Int, upper: Bool, oPrefix: Bool = false) {
        let neg = n < 0
        var digits = String(n.magnitude, radix: base, uppercase: upper)
        if let p = f.prec {
            if p == 0 && n == 0 { digits = "" }
            if digits.count < p { digits = String(repeating: "0", count: p - digits.count) + digits }
        } else if f.zero, let w = f.width, !f.minus {
            var signLen = (neg || f.plus || f.space) ? 1 : 0
            if f.sharp && base == 16 { signLen += 2 }
            if f.sharp && base == 2 { signLen += 2 }
            if oPrefix { signLen += 2 }
            if digits.count < w - signLen { digits = String(repeating: "0", count: w - signLen - digits.count) + digits }
        }
        var prefix = ""
        if f.sharp {
            switch base {
            case 2: prefix = "0b"
            case 8: if !digits.hasPrefix("0") { prefix = "0" }
            case 16: prefix = upper ? "0X" : "0x"
            default: break
            }
        }
        if oPrefix { prefix = "0o" }
        let sign = neg ? "-" : (f.plus ? "+" : (f.space ? " " : ""))
        let saveZero = f.zero
        f.zero = false
        pad(sign + prefix + digits)
        f.zero = saveZero
    }

    // MARK: floats

    mutating func fmtFloat(_ d: Double, _ v: Value, verb: Character) {
        var body: String
        switch verb {
        case "v", "g", "G":
            if let p = f.prec {
                body = d.isFinite ? FloatFormat.precisionG(Swift.abs(d), prec: p, upper: verb == "G") : FloatFormat.shortestG(Swift.abs(d))
            } else {
                body = FloatFormat.shortestG(Swift.abs(d), upper: verb == "G")
            }
        case "e", "E":
            body = d.isFinite ? String(format: "%.\(f.prec ?? 6)" + String(verb), Swift.abs(d)) : FloatFormat.shortestG(Swift.abs(d))
        case "f", "F":
            body = d.isFinite ? String(format: "%.\(f.prec ?? 6)f", Swift.abs(d)) : FloatFormat.shortestG(Swift.abs(d))
        case "x", "X":
            body = d.isFinite ? hexFloat(Swift.abs(d), upper: verb == "X") : FloatFormat.shortestG(Swift.abs(d))
        case "b":
            let bits = d.bitPattern
            let mant = bits & ((1 << 52) - 1) | (d.exponentBitPattern == 0 ? 0 : 1 << 52)
            let exp = Int(d.exponentBitPattern == 0 ? 1 : Int(d.exponentBitPattern)) - 1075
            body = "\(mant)p" + (exp >= 0 ? "+" : "") + "\(exp)"
        default:
            badVerb(v, verb); return
        }
        if body.hasPrefix("-") { body.removeFirst() }
        if body.hasPrefix("+") { body.removeFirst() }
        var num = (d.sign == .minus && !d.isNaN ? "-" : "+") + body
        if f.space && num.hasPrefix("+") && !f.plus { num = " " + num.dropFirst() }
        if d.isNaN || d.isInfinite {
            if d.isNaN && !f.space && !f.plus { num.removeFirst() }
            let saveZero = f.zero
            f.zero = false
            pad(num)
            f.zero = saveZero
            return
        }
        if f.sharp && verb != "b" { num = Printer.sharpFloat(num, verb: verb, prec: f.prec) }
        if f.plus || !num.hasPrefix("+") {
            if f.zero, let w = f.width, !f.minus, w > num.count {
                out += String(num.prefix(1)) + String(repeating: "0", count: w - num.count) + num.dropFirst()
                return
            }
            pad(num)
            return
        }
        pad(String(num.dropFirst()))
    }

    /// fmt's `#` flag on floats: keep a decimal point and pad to the precision's digit count.
    static func sharpFloat(_ numIn: String, verb: Character, prec: Int?) -> String {
        var digits = 0
        if "vgGx".contains(verb) { digits = prec ?? 6 }
        var num = Array(numIn)
        var tail: [Character] = []
        var hasDecimalPoint = false
        var sawNonzero = false
        var i = 1
        loop: while i < num.count {
            switch num[i] {
            case ".":
                hasDecimalPoint = true
            case "p", "P":
                tail = Array(num[i...]); num = Array(num[..<i]); break loop
            case "e" where verb != "x" && verb != "X", "E" where verb != "x" && verb != "X":
                tail = Array(num[i...]); num = Array(num[..<i]); break loop
            default:
                if num[i] != "0" { sawNonzero = true }
                if sawNonzero { digits -= 1 }
            }
            i += 1
        }
        if !hasDecimalPoint {
            if num.count == 2 && num[1] == "0" { digits -= 1 }
            num.append(".")
        }
        while digits > 0 { num.append("0"); digits -= 1 }
        return String(num + tail)
    }

    func hexFloat(_ d: Double, upper: Bool) -> String {
        if d == 0 { return upper ? "0X0P+00" : "0x0p+00" }
        var s = String(format: f.prec.map { "%.\($0)a" } ?? "%a", d)
        // glibc prints at least one exponent digit; Go prints at least two.
        if let p = s.firstIndex(of: "p") {
            let expPart = s[s.index(after: p)...]
            let sign = expPart.first ?? "+"
            let digits = expPart.dropFirst()
            if digits.count < 2 { s = String(s[...p]) + String(sign) + "0" + digits }
        }
        return upper ? s.uppercased() : s
    }
}
