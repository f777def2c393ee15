import Foundation

/// Sprig's date, duration and random-value functions, following Sprig 3 and Go's `time` package:
/// Go reference layouts ("2006-01-02 15:04:05 MST"), Go's duration syntax and spelling, and
/// Sprig's loose argument handling (a non-time, non-int64 date means now).
enum SprigTime {
    typealias F = TemplateFunction

    static let functions: [TemplateFunction] = dates

    static let dates: [TemplateFunction] = [
        F("now") { _, _ in .object(GoTime.now()) },
        F("date", [.string, .interface]) { a, _ in .string(inZone(str(a[0]), a[1], "Local")) },
        F("dateInZone", [.string, .interface, .string]) { a, _ in .string(inZone(str(a[0]), a[1], str(a[2]))) },
        F("date_in_zone", [.string, .interface, .string]) { a, _ in .string(inZone(str(a[0]), a[1], str(a[2]))) },
        F("htmlDate", [.interface]) { a, _ in .string(inZone("2006-01-02", a[0], "Local")) },
        F("htmlDateInZone", [.interface, .string]) { a, _ in .string(inZone("2006-01-02", a[0], str(a[1]))) },
        F("dateModify", [.string, GoTime.type]) { a, _ in try modify(a, must: false) },
        F("date_modify", [.string, GoTime.type]) { a, _ in try modify(a, must: false) },
        F("mustDateModify", [.string, GoTime.type]) { a, _ in try modify(a, must: true) },
        F("must_date_modify", [.string, GoTime.type]) { a, _ in try modify(a, must: true) },
        F("ago", [.interface]) { a, _ in
            let t = time(a[0], allowInt32: false)
            return .string(GoDuration.string(GoDuration.round(GoTime.now().nanos - t.nanos, to: 1_000_000_000)))
        },
        F("duration", [.interface]) { a, _ in
            var n: Int64 = 0
            switch a[0] {
            case .string(let s): n = Int64(s) ?? 0
            case .int64(let i): n = i
            default: n = 0
            }
            return .string(GoDuration.string(n &* 1_000_000_000))
        },
        F("durationRound", [.interface]) { a, _ in
            var d: Int64 = 0
            switch a[0] {
            case .string(let s): d = (try? GoDuration.parse(s)) ?? 0
            case .int64(let i): d = i
            case .object(let t as GoTime): d = GoTime.now().nanos - t.nanos
            default: d = 0
            }
            let u = d.magnitude
            let hour: UInt64 = 3_600_000_000_000
            let steps: [(UInt64, String)] = [(hour * 24 * 365, "y"), (hour * 24 * 30, "mo"), (hour * 24, "d"), (hour, "h"), (60_000_000_000, "m"), (1_000_000_000, "s")]
            for (unit, name) in steps where u > unit { return .string("\(u / unit)\(name)") }
            return .string("0s")
        },
        F("toDate", [.string, .string]) { a, _ in
            .object((try? GoTimeLayout.parse(str(a[0]), str(a[1]))) ?? GoTime.zero)
        },
        F("mustToDate", [.string, .string]) { a, _ in .object(try GoTimeLayout.parse(str(a[0]), str(a[1]))) },
        F("unixEpoch", [GoTime.type]) { a, _ in
            guard case .object(let t as GoTime) = a[0] else { throw FunctionError("wrong type for value; expected time.Time; got \(a[0].typeName)") }
            return .string(String(t.unix))
        },
    ]

    static func str(_ v: Value) -> String { v.stringValue ?? "" }

    /// Sprig's date argument: a time, or Unix seconds as int/int64 (int32 too for dateInZone); anything else is now.
    static func time(_ v: Value, allowInt32: Bool = true) -> GoTime {
        switch v {
        case .object(let t as GoTime): return t
        case .int(let i): return GoTime(seconds: Int64(i), nanosecond: 0, zone: .local)
        case .int64(let i): return GoTime(seconds: i, nanosecond: 0, zone: .local)
        default: return GoTime.now()
        }
    }

    static func inZone(_ layout: String, _ date: Value, _ zone: String) -> String {
        let t = time(date)
        let z = GoZone.load(zone) ?? .utc
        return GoTimeLayout.format(t.in(z), layout)
    }

    static func modify(_ a: [Value], must: Bool) throws -> Value {
        guard case .object(let t as GoTime) = a[1] else {
            throw FunctionError("wrong type for value; expected time.Time; got \(a[1].typeName)")
        }
        do {
            let d = try GoDuration.parse(str(a[0]))
            return .object(t.adding(d))
        } catch {
            if must { throw error }
            return a[1]
        }
    }
}

/// A time zone as Go's *time.Location: a tz database zone or a fixed offset with a name.
enum GoZone: Sendable, Equatable {
    case tz(TimeZone, name: String)
    case fixed(name: String, offset: Int)

    static let utc = GoZone.fixed(name: "UTC", offset: 0)
    static var local: GoZone {
        let env = ProcessInfo.processInfo.environment["TZ"]
        if env == "" || env == "UTC" { return .utc }
        if let e = env, let tz = TimeZone(identifier: e) { return .tz(tz, name: "Local") }
        if env == nil {
            let tz = TimeZone.current
            if tz.identifier == "UTC" || tz.identifier == "GMT" || tz.identifier == "Etc/UTC" { return .utc }
            return .tz(tz, name: "Local")
        }
        return .utc
    }

    static func load(_ name: String) -> GoZone? {
        if name == "" || name == "UTC" { return .utc }
        if name == "Local" { return .local }
        guard let tz = TimeZone(identifier: name) else { return nil }
        return .tz(tz, name: name)
    }

    func offset(at seconds: Int64) -> Int {
        switch self {
        case .fixed(_, let o): o
        case .tz(let tz, _): tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
    }

    func abbreviation(at seconds: Int64) -> String {
        switch self {
        case .fixed(let n, let o): return n.isEmpty ? GoTimeLayout.numericZone(o) : n
        case .tz(let tz, _):
            if let a = TZif.abbreviation(zone: tz.identifier, at: seconds, offset: offset(at: seconds)) { return a }
            let a = tz.abbreviation(for: Date(timeIntervalSince1970: TimeInterval(seconds))) ?? ""
            // Go names zones without a tz abbreviation by their offset ("+03"); ICU says "GMT+3".
            if a.hasPrefix("GMT") && a != "GMT" {
                let o = offset(at: seconds)
                let h = abs(o) / 3600, m = (abs(o) % 3600) / 60
                return (o < 0 ? "-" : "+") + (h < 10 ? "0" : "") + String(h) + (m == 0 ? "" : (m < 10 ? "0" : "") + String(m))
            }
            if a == "GMT" && tz.identifier.hasPrefix("Etc/") == false && tz.identifier != "GMT" && tz.identifier != "Europe/London" { return a }
            return a
        }
    }
}

/// A Go time.Time: an instant (Unix seconds and nanoseconds) seen in a zone.
struct GoTime: TemplateObject {
    var seconds: Int64
    var nanosecond: Int64
    var zone: GoZone
    /// Nanoseconds on the monotonic clock since the process first read it, as Go prints after `m=`.
    var monotonic: Int64? = nil

    static let monotonicStart: Int64 = monotonicNow()
    static func monotonicNow() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func now() -> GoTime {
        let start = monotonicStart
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return GoTime(seconds: Int64(ts.tv_sec), nanosecond: Int64(ts.tv_nsec), zone: .local, monotonic: monotonicNow() - start + 1)
    }

    /// Go's zero time, January 1, year 1, 00:00:00 UTC.
    static let zero = GoTime(seconds: -62_135_596_800, nanosecond: 0, zone: .utc)

    var nanos: Int64 { seconds &* 1_000_000_000 &+ nanosecond }
    var unix: Int64 { seconds }

    func `in`(_ z: GoZone) -> GoTime { GoTime(seconds: seconds, nanosecond: nanosecond, zone: z, monotonic: monotonic) }

    func adding(_ d: Int64) -> GoTime {
        var s = seconds + d / 1_000_000_000
        var n = nanosecond + d % 1_000_000_000
        if n >= 1_000_000_000 { s += 1; n -= 1_000_000_000 }
        if n < 0 { s -= 1; n += 1_000_000_000 }
        return GoTime(seconds: s, nanosecond: n, zone: zone, monotonic: monotonic.map { $0 &+ d })
    }

    static let type = GoType.named("time.Time", kind: "struct")
    var goType: GoType { Self.type }
    var formatted: String {
        GoTimeLayout.format(self, "2006-01-02 15:04:05.999999999 -0700 MST") + (monotonic.map { " m=" + ($0 < 0 ? "-" : "+") + GoTimeLayout.pad(Int($0.magnitude / 1_000_000_000), 1) + "." + GoTimeLayout.pad(Int($0.magnitude % 1_000_000_000), 9) } ?? "")
    }
    func field(_ name: String) -> Value? { nil }
    func method(_ name: String) -> TemplateFunction? {
        switch name {
        case "Unix": TemplateFunction("Unix") { _, _ in .int64(seconds) }
        case "UnixNano": TemplateFunction("UnixNano") { _, _ in .int64(nanos) }
        case "Year": TemplateFunction("Year") { _, _ in .int(civil.year) }
        case "Month": TemplateFunction("Month") { _, _ in .string(GoTimeLayout.longMonths[civil.month - 1]) }
        case "Day": TemplateFunction("Day") { _, _ in .int(civil.day) }
        case "Hour": TemplateFunction("Hour") { _, _ in .int(civil.hour) }
        case "Minute": TemplateFunction("Minute") { _, _ in .int(civil.minute) }
        case "Second": TemplateFunction("Second") { _, _ in .int(civil.second) }
        case "Nanosecond": TemplateFunction("Nanosecond") { _, _ in .int(Int(nanosecond)) }
        case "YearDay": TemplateFunction("YearDay") { _, _ in .int(civil.yday) }
        case "Weekday": TemplateFunction("Weekday") { _, _ in .string(GoTimeLayout.longDays[civil.weekday]) }
        case "UTC": TemplateFunction("UTC") { _, _ in .object(self.in(.utc)) }
        case "Local": TemplateFunction("Local") { _, _ in .object(self.in(.local)) }
        case "Format": TemplateFunction("Format", [.string]) { a, _ in .string(GoTimeLayout.format(self, a[0].stringValue ?? "")) }
        default: nil
        }
    }
    func isEqual(to other: any TemplateObject) -> Bool {
        guard let o = other as? GoTime else { return false }
        return o.seconds == seconds && o.nanosecond == nanosecond && o.zone == zone
    }

    /// Civil fields in the time's zone (proleptic Gregorian, as Go).
    var civil: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int, yday: Int, offset: Int) {
        let off = zone.offset(at: seconds)
        let local = seconds + Int64(off)
        var days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secs = Int(local - days * 86400)
        let weekday = Int(((days % 7) + 11) % 7) // 1970-01-01 was a Thursday (4)
        // Civil-from-days (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        var y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        if m <= 2 { y += 1 }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let cum = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
        let yday = cum[Int(m) - 1] + Int(d) + (leap && m > 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d), secs / 3600, (secs % 3600) / 60, secs % 60, weekday, yday, off)
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y0 - 1 : y0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mm = Int64(m > 2 ? m - 3 : m + 9)
        let doy = (153 * mm + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
