import Synchronization
import Foundation

/// Go's time.Duration spelling ("1h2m3.5s", "1.5ms", "0s") and time.ParseDuration.
enum GoDuration {
    static func string(_ d: Int64) -> String {
        let neg = d < 0
        let u = d.magnitude
        var out: String
        if u < 1_000_000_000 {
            if u == 0 { return "0s" }
            if u < 1000 { out = "\(u)ns" }
            else if u < 1_000_000 { out = frac(u, 3) + "µs" }
            else { out = frac(u, 6) + "ms" }
        } else {
            out = frac(u % 60_000_000_000, 9) + "s"
            let mins = u / 60_000_000_000
            if mins > 0 {
                out = "\(mins % 60)m" + out
                let hours = mins / 60
                if hours > 0 { out = "\(hours)h" + out }
            }
        }
        return (neg ? "-" : "") + out
    }

    /// `v` scaled down by 10^prec, with trailing zeros of the fraction dropped.
    static func frac(_ v: UInt64, _ prec: Int) -> String {
        var p: UInt64 = 1
        for _ in 0..<prec { p *= 10 }
        let whole = v / p, f = v % p
        if f == 0 { return "\(whole)" }
        var digits = String(f)
        digits = String(repeating: "0", count: prec - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    static let units: [String: UInt64] = [
        "ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 1_000_000, "s": 1_000_000_000,
        "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    static func parse(_ orig: String) throws -> Int64 {
        let invalid = FunctionError("time: invalid duration " + GoQuote.quote(orig))
        var s = Substring(orig)
        var neg = false
        if let c = s.first, c == "-" || c == "+" { neg = c == "-"; s = s.dropFirst() }
        if s == "0" { return 0 }
        if s.isEmpty { throw invalid }
        var total: UInt64 = 0
        while !s.isEmpty {
            guard let c = s.first, c == "." || c.isASCII && c.isNumber else { throw invalid }
            var v: UInt64 = 0
            let intDigits = s.prefix { $0.isASCII && $0.isNumber }
            for ch in intDigits {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(ch.asciiValue! - 48))
                if o1 || o2 || a > 1 << 63 { throw invalid }
                v = a
            }
            s = s.dropFirst(intDigits.count)
            var f: UInt64 = 0, scale: Double = 1
            var post = false
            if s.first == "." {
                s = s.dropFirst()
                let fd = s.prefix { $0.isASCII && $0.isNumber }
                post = !fd.isEmpty
                var overflow = false
                for ch in fd where !overflow {
                    if f > (UInt64(1) << 63 - 1) / 10 { overflow = true; continue }
                    f = f * 10 + UInt64(ch.asciiValue! - 48)
                    scale *= 10
                }
                s = s.dropFirst(fd.count)
            }
            if intDigits.isEmpty && !post { throw invalid }
            let unitName = s.prefix { $0 != "." && !($0.isASCII && $0.isNumber) }
            if unitName.isEmpty { throw FunctionError("time: missing unit in duration " + GoQuote.quote(orig)) }
            guard let unit = units[String(unitName)] else {
                throw FunctionError("time: unknown unit " + GoQuote.quote(String(unitName)) + " in duration " + GoQuote.quote(orig))
            }
            s = s.dropFirst(unitName.count)
            if v > (1 << 63) / unit { throw invalid }
            v *= unit
            if f > 0 {
                v += UInt64(Double(f) * (Double(unit) / scale))
                if v > 1 << 63 { throw invalid }
            }
            total += v
            if total > 1 << 63 { throw invalid }
        }
        if neg { return total == 1 << 63 ? Int64.min : -Int64(total) }
        if total > UInt64(Int64.max) { throw invalid }
        return Int64(total)
    }

    /// time.Duration.Round.
    static func round(_ d: Int64, to m: Int64) -> Int64 {
        var r = d % m
        if d < 0 {
            r = -r
            return r + r < m ? d + r : d - m + r
        }
        return r + r < m ? d - r : d + m - r
    }
}

/// Go's reference-time layouts: formatting and parsing.
enum GoTimeLayout {
    enum Chunk: Equatable {
        case lit(String)
        case longMonth, month, numMonth, zeroMonth
        case longWeekday, weekday
        case day, underDay, zeroDay, yearDay, zeroYearDay, underYearDay
        case hour, hour12, zeroHour12
        case minute, zeroMinute, second, zeroSecond
        case longYear, year
        case pm(upper: Bool)
        case tz
        case iso8601(String), numTZ(String)
        case frac(digits: Int, nines: Bool, sep: Character)
    }

    /// Splits a layout into chunks, as Go's nextStdChunk.
    static func chunks(_ layout: String) -> [Chunk] {
        let b = Array(layout.utf8)
        var out: [Chunk] = []
        var lit: [UInt8] = []
        func has(_ i: Int, _ s: String) -> Bool {
            let u = Array(s.utf8)
            return i + u.count <= b.count && Array(b[i..<(i + u.count)]) == u
        }
        var i = 0
        func emit(_ c: Chunk, _ n: Int) {
            if !lit.isEmpty { out.append(.lit(String(decoding: lit, as: UTF8.self))); lit = [] }
            out.append(c); i += n
        }
        func isLower(_ j: Int) -> Bool { j < b.count && b[j] >= 97 && b[j] <= 122 }
        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "J") where has(i, "Jan"):
                if has(i, "January") { emit(.longMonth, 7); continue }
                if !isLower(i + 3) { emit(.month, 3); continue }
            case UInt8(ascii: "M") where has(i, "Mon") || has(i, "MST"):
                if has(i, "Monday") { emit(.longWeekday, 6); continue }
                if has(i, "Mon") && !isLower(i + 3) { emit(.weekday, 3); continue }
                if has(i, "MST") { emit(.tz, 3); continue }
            case UInt8(ascii: "0"):
                if i + 1 < b.count, b[i + 1] >= 49 && b[i + 1] <= 54 {
                    let m: [UInt8: Chunk] = [49: .zeroMonth, 50: .zeroDay, 51: .zeroHour12, 52: .zeroMinute, 53: .zeroSecond, 54: .year]
                    emit(m[b[i + 1]]!, 2); continue
                }
                if has(i, "002") { emit(.zeroYearDay, 3); continue }
            case UInt8(ascii: "1"):
                if has(i, "15") { emit(.hour, 2); continue }
                emit(.numMonth, 1); continue
            case UInt8(ascii: "2"):
                if has(i, "2006") { emit(.longYear, 4); continue }
                emit(.day, 1); continue
            case UInt8(ascii: "_"):
                if has(i, "_2") {
                    if has(i, "_2006") { lit.append(c); i += 1; continue }
                    if has(i, "__2") { emit(.underYearDay, 3); continue }
                    emit(.underDay, 2); continue
                }
                if has(i, "__2") { emit(.underYearDay, 3); continue }
            case UInt8(ascii: "3"): emit(.hour12, 1); continue
            case UInt8(ascii: "4"): emit(.minute, 1); continue
            case UInt8(ascii: "5"): emit(.second, 1); continue
            case UInt8(ascii: "P") where has(i, "PM"): emit(.pm(upper: true), 2); continue
            case UInt8(ascii: "p") where has(i, "pm"): emit(.pm(upper: false), 2); continue
            case UInt8(ascii: "-"):
                var hit = false
                for s in ["-070000", "-07:00:00", "-0700", "-07:00", "-07"] where has(i, s) { emit(.numTZ(s), s.utf8.count); hit = true; break }
                if hit { continue }
            case UInt8(ascii: "Z"):
                var hit = false
                for s in ["Z070000", "Z07:00:00", "Z0700", "Z07:00", "Z07"] where has(i, s) { emit(.iso8601(s), s.utf8.count); hit = true; break }
                if hit { continue }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                if i + 1 < b.count, b[i + 1] == UInt8(ascii: "0") || b[i + 1] == UInt8(ascii: "9") {
                    let ch = b[i + 1]
                    var j = i + 1
                    while j < b.count && b[j] == ch { j += 1 }
                    if !(j < b.count && b[j] >= 48 && b[j] <= 57) {
                        emit(.frac(digits: j - i - 1, nines: ch == UInt8(ascii: "9"), sep: Character(UnicodeScalar(c))), j - i); continue
                    }
                }
            default: break
            }
            lit.append(c); i += 1
        }
        if !lit.isEmpty { out.append(.lit(String(decoding: lit, as: UTF8.self))) }
        return out
    }

    static let longMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    static func pad(_ n: Int, _ w: Int, _ p: Character = "0") -> String {
        let s = String(abs(n))
        return (n < 0 ? "-" : "") + String(repeating: p, count: max(0, w - s.count)) + s
    }

    static func numericZone(_ off: Int) -> String {
        (off < 0 ? "-" : "+") + pad(abs(off) / 3600, 2) + pad((abs(off) % 3600) / 60, 2)
    }

    static func format(_ t: GoTime, _ layout: String) -> String {
        let c = t.civil
        var out = ""
        for ch in chunks(layout) {
            switch ch {
            case .lit(let s): out += s
            case .longMonth: out += longMonths[c.month - 1]
            case .month: out += String(longMonths[c.month - 1].prefix(3))
            case .numMonth: out += String(c.month)
            case .zeroMonth: out += pad(c.month, 2)
            case .longWeekday: out += longDays[c.weekday]
            case .weekday: out += String(longDays[c.weekday].prefix(3))
            case .day: out += String(c.day)
            case .underDay: out += pad(c.day, 2, " ")
            case .zeroDay: out += pad(c.day, 2)
            case .yearDay: out += String(c.yday)
            case .zeroYearDay: out += pad(c.yday, 3)
            case .underYearDay: out += pad(c.yday, 3, " ")
            case .hour: out += pad(c.hour, 2)
            case .hour12: out += String(c.hour % 12 == 0 ? 12 : c.hour % 12)
            case .zeroHour12: out += pad(c.hour % 12 == 0 ? 12 : c.hour % 12, 2)
            case .minute: out += String(c.minute)
            case .zeroMinute: out += pad(c.minute, 2)
            case .second: out += String(c.second)
            case .zeroSecond: out += pad(c.second, 2)
            case .longYear: out += c.year >= 0 && c.year < 1000 ? pad(c.year, 4) : String(c.year)
            case .year: out += pad(((c.year % 100) + 100) % 100, 2)
            case .pm(let upper): out += c.hour >= 12 ? (upper ? "PM" : "pm") : (upper ? "AM" : "am")
            case .tz: out += t.zone.abbreviation(at: t.seconds)
            case .iso8601(let s), .numTZ(let s):
                if s.hasPrefix("Z") && c.offset == 0 { out += "Z"; break }
                let off = c.offset
                var z = off < 0 ? "-" : "+"
                let h = abs(off) / 3600, m = (abs(off) % 3600) / 60, sec = abs(off) % 60
                z += pad(h, 2)
                let body = s.dropFirst()
                if body.contains(":") {
                    if body != "07" { z += ":" + pad(m, 2) }
                    if body == "07:00:00" { z += ":" + pad(sec, 2) }
                } else {
                    if body.count >= 4 { z += pad(m, 2) }
                    if body.count == 6 { z += pad(sec, 2) }
                }
                out += z
            case .frac(let digits, let nines, let sep):
                var ds = pad(Int(t.nanosecond), 9)
                ds = String(ds.prefix(digits))
                if nines {
                    while ds.hasSuffix("0") { ds.removeLast() }
                    if !ds.isEmpty { out += String(sep) + ds }
                } else {
                    out += String(sep) + ds
                }
            }
        }
        return out
    }

    struct ParseError: Error {}

    /// time.ParseInLocation(layout, value, time.Local).
    static func parse(_ layout: String, _ value: String) throws -> GoTime {
        let orig = value
        var v = Substring(value)
        var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos: Int64 = 0
        var pm = false, pmSet = false
        var zoneOffset: Int? = nil, zoneName: String? = nil
        var yday = -1
        func fail(_ elem: String, _ rest: Substring, _ msg: String = "") -> FunctionError {
            if !msg.isEmpty { return FunctionError("parsing time \(GoQuote.quote(orig))\(msg)") }
            return FunctionError("parsing time \(GoQuote.quote(orig)) as \(GoQuote.quote(layout)): cannot parse \(GoQuote.quote(String(rest))) as \(GoQuote.quote(elem))")
        }
        func num(_ min: Int, _ max: Int) -> Int? {
            let d = v.prefix(max).prefix { $0.isASCII && $0.isNumber }
            guard d.count >= min else { return nil }
            v = v.dropFirst(d.count)
            return Int(d)
        }
        func name(_ list: [String], _ n: Int?) -> Int? {
            for (i, full) in list.enumerated() {
                let w = n.map { String(full.prefix($0)) } ?? full
                if v.lowercased().hasPrefix(w.lowercased()) { v = v.dropFirst(w.count); return i }
            }
            return nil
        }
        let all = chunks(layout)
        for (ci, ch) in all.enumerated() {
            let before = v
            let elem = chunkText(ch)
            switch ch {
            case .lit(let s):
                // Go skips spaces leniently; here literals must match exactly except runs of spaces.
                guard v.hasPrefix(s) else {
                    throw fail(String(s), before)
                }
                v = v.dropFirst(s.count)
                continue
            case .longYear:
                guard v.count >= 4, let y = num(4, 4) else { throw fail(elem, before) }
                year = y
            case .year:
                guard let y = num(2, 2) else { throw fail(elem, before) }
                year = y >= 69 ? y + 1900 : y + 2000
            case .longMonth:
                guard let m = name(longMonths, nil) else { throw fail(elem, before) }
                month = m + 1
            case .month:
                guard let m = name(longMonths, 3) else { throw fail(elem, before) }
                month = m + 1
            case .numMonth, .zeroMonth:
                guard let m = ch == .zeroMonth ? num(2, 2) : num(1, 2) else { throw fail(elem, before) }
                if m < 1 || m > 12 { throw fail(elem, before, ": month out of range") }
                month = m
            case .longWeekday: guard name(longDays, nil) != nil else { throw fail(elem, before) }
            case .weekday: guard name(longDays, 3) != nil else { throw fail(elem, before) }
            case .day, .underDay, .zeroDay:
                if ch == .underDay && v.first == " " { v = v.dropFirst() }
                guard let d = ch == .zeroDay ? num(2, 2) : num(1, 2) else { throw fail(elem, before) }
                day = d
            case .yearDay, .zeroYearDay, .underYearDay:
                while ch == .underYearDay && v.first == " " { v = v.dropFirst() }
                guard let d = ch == .zeroYearDay ? num(3, 3) : num(1, 3) else { throw fail(elem, before) }
                yday = d
            case .hour:
                guard let h = num(2, 2), h < 24 else { throw fail(elem, before, ": hour out of range") }
                hour = h
            case .hour12, .zeroHour12:
                guard let h = ch == .zeroHour12 ? num(2, 2) : num(1, 2) else { throw fail(elem, before) }
                if h > 12 { throw fail(elem, before, ": hour out of range") }
                hour = h
            case .minute, .zeroMinute:
                guard let m = ch == .zeroMinute ? num(2, 2) : num(1, 2) else { throw fail(elem, before) }
                if m > 59 { throw fail(elem, before, ": minute out of range") }
                minute = m
            case .second, .zeroSecond:
                guard let s = ch == .zeroSecond ? num(2, 2) : num(1, 2) else { throw fail(elem, before) }
                if s > 59 { throw fail(elem, before, ": second out of range") }
                second = s
                // A fractional second may follow even when the layout has none.
                var nextIsFrac = false
                if ci + 1 < all.count, case .frac = all[ci + 1] { nextIsFrac = true }
                if !nextIsFrac, let f = v.first, f == "." || f == ",", v.dropFirst().first?.isNumber == true {
                    let digits = v.dropFirst().prefix { $0.isASCII && $0.isNumber }
                    nanos = fracNanos(digits)
                    v = v.dropFirst(1 + digits.count)
                }
            case .pm(let upper):
                let p = String(v.prefix(2))
                switch upper ? p : p.lowercased() {
                case "PM", "pm": pm = true
                case "AM", "am": pm = false
                default: throw fail(elem, before)
                }
                pmSet = true
                v = v.dropFirst(2)
            case .tz:
                if v.hasPrefix("UTC") { zoneName = "UTC"; zoneOffset = 0; v = v.dropFirst(3); break }
                let letters = v.prefix { $0.isASCII && $0.isUppercase }
                guard letters.count >= 3 else { throw fail(elem, before) }
                zoneName = String(letters)
                v = v.dropFirst(letters.count)
            case .iso8601(let s), .numTZ(let s):
                if s.hasPrefix("Z") && v.first == "Z" { v = v.dropFirst(); zoneOffset = 0; zoneName = "UTC"; break }
                guard let sign = v.first, sign == "+" || sign == "-" else { throw fail(elem, before) }
                v = v.dropFirst()
                let body = s.dropFirst()
                guard let h = num(2, 2) else { throw fail(elem, before) }
                var m = 0, sec = 0
                if body.count > 2 {
                    if body.contains(":") { guard v.first == ":" else { throw fail(elem, before) }; v = v.dropFirst() }
                    guard let mm = num(2, 2) else { throw fail(elem, before) }
                    m = mm
                    if body.count > 5 || body == "070000" {
                        if body.contains(":") { guard v.first == ":" else { throw fail(elem, before) }; v = v.dropFirst() }
                        guard let ss = num(2, 2) else { throw fail(elem, before) }
                        sec = ss
                    }
                }
                let off = h * 3600 + m * 60 + sec
                zoneOffset = sign == "-" ? -off : off
            case .frac(let digits, let nines, _):
                if nines {
                    if let f = v.first, f == "." || f == "," {
                        let d = v.dropFirst().prefix { $0.isASCII && $0.isNumber }
                        nanos = fracNanos(d); v = v.dropFirst(1 + d.count)
                    }
                } else {
                    let d = v.dropFirst().prefix(digits)
                    guard v.count > digits, d.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw fail(elem, before) }
                    nanos = fracNanos(d); v = v.dropFirst(1 + digits)
                }
            }
        }
        if !v.isEmpty { throw FunctionError("parsing time \(GoQuote.quote(orig)): extra text: \(GoQuote.quote(String(v)))") }
        if pmSet && pm && hour < 12 { hour += 12 } else if pmSet && !pm && hour == 12 { hour = 0 }
        if yday >= 0 {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            var d = yday
            let lens = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            month = 1
            while month <= 12 && d > lens[month - 1] { d -= lens[month - 1]; month += 1 }
            day = d
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lens = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        if day < 1 || day > lens[month - 1] {
            throw FunctionError("parsing time \(GoQuote.quote(orig)): day out of range")
        }
        let localSecs = GoTime.daysFromCivil(year, month, day) * 86400 + Int64(hour * 3600 + minute * 60 + second)
        let local = GoZone.local
        if let off = zoneOffset {
            let utc = localSecs - Int64(off)
            if zoneName == "UTC" && off == 0 { return GoTime(seconds: utc, nanosecond: nanos, zone: .utc) }
            if local.offset(at: utc) == off { return GoTime(seconds: utc, nanosecond: nanos, zone: local) }
            return GoTime(seconds: utc, nanosecond: nanos, zone: .fixed(name: "", offset: off))
        }
        if let n = zoneName {
            // Go: a known local abbreviation takes the local zone; others a zero-offset zone of that name.
            let guess = localSecs - Int64(local.offset(at: localSecs))
            if local.abbreviation(at: guess) == n { return GoTime(seconds: guess, nanosecond: nanos, zone: local) }
            return GoTime(seconds: localSecs, nanosecond: nanos, zone: .fixed(name: n, offset: 0))
        }
        // No zone in the value: interpret in Local.
        var utc = localSecs - Int64(local.offset(at: localSecs))
        utc = localSecs - Int64(local.offset(at: utc))
        return GoTime(seconds: utc, nanosecond: nanos, zone: local)
    }

    static func fracNanos(_ d: Substring) -> Int64 {
        var s = String(d.prefix(9))
        s += String(repeating: "0", count: 9 - s.count)
        return Int64(s) ?? 0
    }

    static func chunkText(_ c: Chunk) -> String {
        switch c {
        case .lit(let s): s
        case .longMonth: "January"
        case .month: "Jan"
        case .numMonth: "1"
        case .zeroMonth: "01"
        case .longWeekday: "Monday"
        case .weekday: "Mon"
        case .day: "2"
        case .underDay: "_2"
        case .zeroDay: "02"
        case .yearDay: "__2"
        case .zeroYearDay: "002"
        case .underYearDay: "__2"
        case .hour: "15"
        case .hour12: "3"
        case .zeroHour12: "03"
        case .minute: "4"
        case .zeroMinute: "04"
        case .second: "5"
        case .zeroSecond: "05"
        case .longYear: "2006"
        case .year: "06"
        case .pm(let u): u ? "PM" : "pm"
        case .tz: "MST"
        case .iso8601(let s), .numTZ(let s): s
        case .frac(let n, let nines, let sep): String(sep) + String(repeating: nines ? "9" : "0", count: n)
        }
    }
}

/// Zone abbreviations from the tz database files, as Go reads them (Foundation on Linux gives "GMT-5").
enum TZif {
    /// Each zone's file is read once per process; a chart formats many dates in few zones.
    private static let files = Mutex<[String: [UInt8]?]>([:])

    static func contents(zone: String) -> [UInt8]? {
        if let known = files.withLock({ $0[zone] }) { return known }
        let bytes = FileManager.default.contents(atPath: "/usr/share/zoneinfo/" + zone).map { [UInt8]($0) }
        files.withLock { $0[zone] = bytes }
        return bytes
    }

    static func abbreviation(zone: String, at t: Int64, offset: Int) -> String? {
        guard let b = contents(zone: zone) else { return nil }
        func u32(_ i: Int) -> Int { i + 4 <= b.count ? Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) : 0 }
        func i64(_ i: Int) -> Int64 {
            var v: UInt64 = 0
            for k in 0..<8 where i + k < b.count { v = v << 8 | UInt64(b[i + k]) }
            return Int64(bitPattern: v)
        }
        guard b.count >= 44, b[0] == 0x54, b[1] == 0x5A, b[2] == 0x69, b[3] == 0x66 else { return nil }
        func counts(_ h: Int) -> (Int, Int, Int, Int, Int, Int) { (u32(h + 20), u32(h + 24), u32(h + 28), u32(h + 32), u32(h + 36), u32(h + 40)) }
        var h = 0
        var timeSize = 4
        var (isut, isstd, leap, timecnt, typecnt, charcnt) = counts(0)
        if b[4] >= 0x32 {
            h = 44 + timecnt * 4 + timecnt + typecnt * 6 + charcnt + leap * 8 + isstd + isut
            guard h + 44 <= b.count else { return nil }
            (isut, isstd, leap, timecnt, typecnt, charcnt) = counts(h)
            timeSize = 8
        }
        let times = h + 44
        let idx = times + timecnt * timeSize
        let types = idx + timecnt
        let chars = types + typecnt * 6
        guard chars + charcnt <= b.count, typecnt > 0 else { return nil }
        func abbr(_ ty: Int) -> (off: Int, name: String) {
            let p = types + ty * 6
            let off = Int(Int32(bitPattern: UInt32(u32(p))))
            var j = chars + Int(b[p + 5])
            var n: [UInt8] = []
            while j < chars + charcnt && b[j] != 0 { n.append(b[j]); j += 1 }
            return (off, String(decoding: n, as: UTF8.self))
        }
        var last = -1
        for k in 0..<timecnt {
            let tt = timeSize == 8 ? i64(times + k * 8) : Int64(Int32(bitPattern: UInt32(u32(times + k * 4))))
            if tt <= t { last = k } else { break }
        }
        if last >= 0 && last < timecnt - 1 {
            let a = abbr(Int(b[idx + last]))
            if a.off == offset { return a.name }
        }
        // Past the table (or no match): the latest type with this offset.
        for k in stride(from: timecnt - 1, through: 0, by: -1) {
            let a = abbr(Int(b[idx + k]))
            if a.off == offset { return a.name }
        }
        for ty in 0..<typecnt where abbr(ty).off == offset { return abbr(ty).name }
        return nil
    }
}
