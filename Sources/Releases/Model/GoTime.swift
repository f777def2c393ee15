/// An instant as Go's `time.Time` writes it in JSON (RFC 3339 with nanoseconds and the zone's
/// offset), kept exactly: the seconds, the nanoseconds and the UTC offset it was written with, so a
/// record Helm wrote is read and written back with the same text.
public struct GoTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    public var nanoseconds: Int32
    /// The offset from UTC the time is shown in; 0 prints `Z`.
    public var utcOffsetSeconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0, utcOffsetSeconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The current instant in UTC.
    public static func now() -> GoTime {
        let d = WallClock.wallClockNanoseconds()
        return GoTime(seconds: d / 1_000_000_000, nanoseconds: Int32(d % 1_000_000_000))
    }

    /// Go's zero time (`0001-01-01T00:00:00Z`), which Helm treats as "not set".
    public var isGoZero: Bool { seconds == -62_135_596_800 && nanoseconds == 0 }

    public static func < (a: GoTime, b: GoTime) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    /// RFC 3339 with nanoseconds, trailing zeros of the fraction dropped (Go's `RFC3339Nano`).
    public var description: String {
        let (days, secs) = localDaysAndSeconds
        let (y, m, d) = Self.civil(fromDays: days)
        var out = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        out += pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
        if nanoseconds != 0 {
            var frac = pad(Int64(nanoseconds), 9)
            while frac.hasSuffix("0") { frac.removeLast() }
            out += "." + frac
        }
        if utcOffsetSeconds == 0 { return out + "Z" }
        let off = abs(Int64(utcOffsetSeconds))
        out += (utcOffsetSeconds < 0 ? "-" : "+") + pad(off / 3600, 2) + ":" + pad(off / 60 % 60, 2)
        return out
    }

    /// Go's `time.ANSIC` layout (`Mon Jan _2 15:04:05 2006`) in the time's own offset, as Helm's
    /// `status` and `history` print dates: no zone, the day padded with a space.
    public var ansic: String {
        let (local, secs) = localDaysAndSeconds
        let (y, m, d) = Self.civil(fromDays: local)
        // 1970-01-01 was a Thursday.
        let weekday = Int(((local % 7) + 7 + 4) % 7)
        let day = d < 10 ? " \(d)" : String(d)
        return "\(Self.weekdays[weekday]) \(Self.months[Int(m) - 1]) \(day) " + pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
            + " " + pad(y, 4)
    }

    /// Go's `time.Time.String()` (`2006-01-02 15:04:05.999999999 -0700 MST`), as `helm list`
    /// prints UPDATED. A fixed offset has no zone name: UTC for zero, else the offset again.
    public var goString: String {
        let (local, secs) = localDaysAndSeconds
        let (y, m, d) = Self.civil(fromDays: local)
        var out = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + " " + pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
        if nanoseconds != 0 {
            var frac = pad(Int64(nanoseconds), 9)
            while frac.hasSuffix("0") { frac.removeLast() }
            out += "." + frac
        }
        let off = abs(Int64(utcOffsetSeconds))
        let numeric = (utcOffsetSeconds < 0 ? "-" : "+") + pad(off / 3600, 2) + pad(off / 60 % 60, 2)
        return out + " " + numeric + " " + (utcOffsetSeconds == 0 ? "UTC" : numeric)
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days since the epoch and seconds into that day, in the time's own offset.
    private var localDaysAndSeconds: (Int64, Int64) {
        let local = seconds + Int64(utcOffsetSeconds)
        var days = local / 86_400
        var secs = local % 86_400
        if secs < 0 { secs += 86_400; days -= 1 }
        return (days, secs)
    }

    /// Parses RFC 3339 as Go's `time.Time.UnmarshalJSON` accepts it; nil when malformed.
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func num(_ lo: Int, _ n: Int) -> Int64? {
            guard lo + n <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[lo..<(lo + n)] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), b[4] == 0x2D, let mo = num(5, 2), b[7] == 0x2D, let d = num(8, 2),
              b[10] == 0x54 || b[10] == 0x74, let h = num(11, 2), b[13] == 0x3A, let mi = num(14, 2), b[16] == 0x3A,
              let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 60
        else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanos *= 10 }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            guard i + 1 == b.count else { return nil }
        } else {
            guard b[i] == 0x2B || b[i] == 0x2D, i + 6 == b.count, let oh = num(i + 1, 2), b[i + 3] == 0x3A,
                  let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == 0x2D ? -1 : 1)
        }
        let days = Self.days(fromCivil: y, mo, d)
        self.init(seconds: days * 86_400 + h * 3600 + mi * 60 + s - offset, nanoseconds: Int32(nanos),
                  utcOffsetSeconds: Int32(offset))
    }

    /// Seconds since the epoch to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

private func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum WallClock {
    /// Wall-clock nanoseconds since the epoch.
    static func wallClockNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
