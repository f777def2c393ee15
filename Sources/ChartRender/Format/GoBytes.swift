/// Byte-wise string operations with Go's semantics (Go compares bytes, not characters).
enum GoBytes {
    /// strings.Replace(s, old, new, -1) for a non-empty `old`: non-overlapping, left to right.
    static func replacing(_ s: [UInt8], _ old: [UInt8], _ new: [UInt8]) -> [UInt8] {
        precondition(!old.isEmpty)
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        let first = old[0]
        var i = 0
        var copied = 0
        let last = s.count - old.count
        while i <= last {
            if s[i] == first {
                var k = 1
                while k < old.count && s[i + k] == old[k] { k += 1 }
                if k == old.count {
                    out.append(contentsOf: s[copied..<i])
                    out.append(contentsOf: new)
                    i += old.count
                    copied = i
                    continue
                }
            }
            i += 1
        }
        out.append(contentsOf: s[copied...])
        return out
    }

    /// Lower-case hex of the bytes (hex.EncodeToString).
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let noValue = Array("<no value>".utf8)

    /// Helm's `strings.ReplaceAll(out, "<no value>", "")` on rendered text.
    static func removingNoValue(_ s: String) -> String {
        var s = s
        let found = s.withUTF8 { b in
            var i = 0
            while i + noValue.count <= b.count {
                if b[i] == UInt8(ascii: "<") && b[i + 1] == UInt8(ascii: "n") {
                    var k = 2
                    while k < noValue.count && b[i + k] == noValue[k] { k += 1 }
                    if k == noValue.count { return true }
                }
                i += 1
            }
            return false
        }
        guard found else { return s }
        return String(decoding: replacing(Array(s.utf8), noValue, []), as: UTF8.self)
    }
}
