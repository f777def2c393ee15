import Foundation

/// `trimmingCharacters(in: .whitespacesAndNewlines)` without Foundation's UTF-16 round trip in
/// the common case: ASCII whitespace is trimmed over the UTF-8 bytes; when a non-ASCII scalar
/// sits at either edge, Foundation decides (so the result is always Foundation's).
enum TextTrim {
    static func isASCIISpace(_ c: UInt8) -> Bool {
        c == 0x20 || (c >= 0x09 && c <= 0x0D)
    }

    static func trimmed(_ s: String) -> String {
        var s = s
        return s.withUTF8 { b -> String in
            var lo = 0, hi = b.count
            while lo < hi && isASCIISpace(b[lo]) { lo += 1 }
            while hi > lo && isASCIISpace(b[hi - 1]) { hi -= 1 }
            if lo < hi && (b[lo] >= 0x80 || b[hi - 1] >= 0x80) {
                return String(decoding: b, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if lo == 0 && hi == b.count { return String(decoding: b, as: UTF8.self) }
            return String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self)
        }
    }

    /// Whether the text is empty after trimming.
    static func isBlank(_ s: String) -> Bool {
        for c in s.utf8 {
            if isASCIISpace(c) { continue }
            if c < 0x80 { return false }
            return s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        return true
    }
}
