import Foundation
import Testing
@testable import ChartRender

/// SimpleRegex against ICU on texts where Go's and ICU's rules agree (ASCII, no line breaks),
/// Go's rules where they differ, and what it leaves to ICU.
@Suite struct SimpleRegexTests {
    /// The patterns of Values/values.schema.json, the format patterns, and more of the subset.
    static let patterns = [
        #"^([^@\s]+@[^@\s]+)?$"#, #"^(https?://[^/\s]+.*)?$"#, #"^(sha256:[a-f0-9]{64})?$"#, #"^[0-9]+%$"#,
        #"^[0-9]+(Ki|Mi|Gi|Ti)$"#, #"^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$"#, #"^[0-9]+(b|kb|mb|gb)?$"#, #"^https?://"#,
        #"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#, #"^\d{4}-\d{2}-\d{2}$"#,
        #"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"#,
        #"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$"#, #"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$"#,
        "abc", "a|b|", "(ab)+c", "x*", "^$", "a.c", "[^a-c]+", #"\w+@\w+\.com"#, "a{2,}", "a{0}b", "(?:ab|cd){2,3}$",
        #"[\d\-x]"#, #"[.*+?]"#, "colou?r", "^(a|ab)(c|bcd)(d*)$", "([a-z]+)?[0-9]*$",
    ]
    static let texts = [
        "", "a", "abc", "xabcx", "ab", "aab", "10", "10%", "1.5Gi", "15Mi", "2x", "20gb", "https://example.com/x", "http:/x",
        "user@example.com", "a@b@c", "sha256:" + String(repeating: "ab", count: 32), "sha256:abc", "2026-11-23", "2026-11-23T10:59:08.5Z",
        "2026-11-23t10:59:08+05:30", "my-host.example.com", "-bad.example", String(repeating: "a", count: 70) + ".com", "192.168.0.1",
        "256.1.1.1", "urn:isbn:123", "9urn:x", "abab", "abcdcd", "ababab", "cd", "color", "colour", "abcd", "acd", "x-", "*",
    ]

    @Test(arguments: patterns)
    func agreesWithICU(_ pattern: String) throws {
        let simple = try #require(SimpleRegex(pattern), "outside the subset: \(pattern)")
        let icu = try NSRegularExpression(pattern: pattern)
        for text in Self.texts {
            let expected = icu.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
            #expect(simple.matches(text) == expected, "\(pattern) on \(text.debugDescription)")
        }
    }

    @Test func followsGoWhereICUDiffers() throws {
        // Go: \d is ASCII, `$` is the end of the text, `.` stops only at \n.
        #expect(try #require(SimpleRegex(#"^\d+$"#)).matches("\u{0663}") == false)
        #expect(try #require(SimpleRegex("^abc$")).matches("abc\n") == false)
        #expect(try #require(SimpleRegex("^a.c$")).matches("a\rc"))
        #expect(try #require(SimpleRegex("^a.c$")).matches("a\nc") == false)
        #expect(try #require(SimpleRegex(#"^\s$"#)).matches("\u{00A0}") == false)
        #expect(try #require(SimpleRegex("^é+$")).matches("éé"))
    }

    @Test(arguments: [#"(?=a)b"#, #"\bword"#, #"(a)\1"#, #"\p{L}+"#, "(?i)abc", "a*+", "[[:alpha:]]", "a**", "[]a]", "a{2", "(ab", "ab)", #"\"#, "a{1001}"])
    func leavesTheRestToICU(_ pattern: String) {
        #expect(SimpleRegex(pattern) == nil)
    }

    /// Linear time: nested repetition that makes a backtracking engine explode ends at once.
    @Test(.timeLimit(.minutes(1))) func nestedRepetitionStaysLinear() throws {
        let r = try #require(SimpleRegex("^(a*)*b$"))
        #expect(r.matches(String(repeating: "a", count: 20_000)) == false)
        #expect(r.matches(String(repeating: "a", count: 20_000) + "b"))
    }

    /// The schema check uses it: a pattern violation is still reported as before.
    @Test func schemaPatternsStillFail() {
        #expect(JSONSchema.matches("12Qi", #"^[0-9]+(Ki|Mi|Gi|Ti)$"#) == false)
        #expect(JSONSchema.matches("12Gi", #"^[0-9]+(Ki|Mi|Gi|Ti)$"#))
        #expect(JSONSchema.matches("abc", #"(?<=a)bc"#))   // ICU path
        #expect(JSONSchema.matches("abc", "(") == false)    // invalid: matches nothing
    }
}

/// The template regex functions compile each pattern once per process; results stay those of a
/// fresh compile, from any thread, and an invalid pattern fails every time.
@Suite struct GoRegexCacheTests {
    @Test func aPatternIsCompiledOnceAndSharedBetweenThreads() throws {
        let pattern = #"(?i)(chang[e][-_]?me|^secret$)"#
        let first = try #require(GoRegex.compile(pattern))
        #expect(GoRegex.compile(pattern) === first)
        let texts = ["CHANGE-ME", "change_me", "secret", "my secret", "Secret", "keep"]
        let expected = texts.map { GoRegex.matches(pattern, $0) }
        #expect(expected == [true, true, true, false, true, false])
        let results = LargeStack.forEach(64, workers: 4) { i in GoRegex.matches(pattern, texts[i % texts.count]) }
        #expect(results == (0..<64).map { expected[$0 % texts.count] })
        #expect(try GoRegex.replaceAll("^[a-zA-Z]+://([^/:]+).*$", in: "https://db.example:5432/x", with: "${1}", literal: false) == "db.example")
    }

    @Test func anInvalidPatternFailsEveryTime() {
        for _ in 0..<2 {
            #expect(GoRegex.compile("(") == nil)
            #expect(throws: FunctionError.self) { try GoRegex.compileOrThrow("(", must: true) }
        }
    }
}
