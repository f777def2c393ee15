import Foundation
import Testing
@testable import ChartRender

/// The regex implementation ManifestSorter.split replaced (Helm's `(?:^|\s*\n)---\s*` through
/// NSRegularExpression, trimming with Foundation): the reference for the byte scan.
private func referenceSplit(_ text: String) -> [String] {
    let separator = try! NSRegularExpression(pattern: "(?:^|[\\t\\n\\f\\r ]*\\n)---[\\t\\n\\f\\r ]*")
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let ns = trimmed as NSString
    var docs: [String] = []
    var last = 0
    for m in separator.matches(in: trimmed, range: NSRange(location: 0, length: ns.length)) {
        docs.append(ns.substring(with: NSRange(location: last, length: m.range.location - last)))
        last = m.range.location + m.range.length
    }
    docs.append(ns.substring(from: last))
    return docs.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
}

/// Byte-wise (String's == would accept canonically equivalent text).
private func bytes(_ docs: [String]) -> [[UInt8]] { docs.map { Array($0.utf8) } }

/// A deterministic generator (the same cases on every run).
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Test(arguments: [
    ("a: 1\n---\nb: 2\n", ["a: 1", "b: 2"]),
    ("---\na: 1", ["a: 1"]),
    ("a\n---\n---\nb", ["a", "---\nb"]),
    ("a\n----\nb", ["a", "-\nb"]),
    ("a ---\nb", ["a ---\nb"]),
    ("  \n\n", []),
    ("a\n \t\n---  \n\n b \n", ["a", "b"]),
    ("x: é\n---\n\u{00A0}y: 2\u{00A0}", ["x: é", "y: 2"]),
])
func splitManifestsAsHelm(_ input: String, _ expected: [String]) {
    #expect(bytes(ManifestSorter.split(input)) == bytes(expected))
    #expect(bytes(referenceSplit(input)) == bytes(expected))
}

@Test func splitAgreesWithTheRegexOnGeneratedStreams() {
    let pieces = ["---", "-", "\n", "\n", " ", "\t", "\r", "\u{0C}", "\u{0B}", "a", "k: v", "é", "\u{00A0}", "\u{2028}", "\u{85}", "#"]
    var rng = SplitMix(state: 42)
    var mismatches: [String] = []
    for _ in 0..<3000 {
        let n = Int.random(in: 0...14, using: &rng)
        let text = (0..<n).map { _ in pieces.randomElement(using: &rng)! }.joined()
        if bytes(ManifestSorter.split(text)) != bytes(referenceSplit(text)) { mismatches.append(text) }
    }
    #expect(mismatches.isEmpty, "split differs from the regex for \(mismatches.prefix(5).map { GoQuote.quote($0) })")
}

@Test func trimAgreesWithFoundation() {
    let pieces = [" ", "\n", "\t", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "a", "é", "\u{00A0}", "\u{2028}", "\u{3000}", "\u{85}", "\u{301}"]
    var rng = SplitMix(state: 7)
    for _ in 0..<3000 {
        let text = (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
        let expected = text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Array(TextTrim.trimmed(text).utf8) == Array(expected.utf8), "\(GoQuote.quote(text))")
        #expect(TextTrim.isBlank(text) == expected.isEmpty, "\(GoQuote.quote(text))")
    }
}
