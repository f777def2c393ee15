import NIOCore
import Testing
@testable import TarsServer

@Suite struct UnitTests {
    @Test func chunksOverlapAndCoverTheText() {
        let text = (1...200).map { "word\($0)" }.joined(separator: " ")
        let chunks = Chunker(size: 100, overlap: 20).chunks(of: text)
        #expect(chunks.count > 10)
        #expect(chunks.allSatisfy { $0.count <= 100 })
        #expect(chunks.first?.hasPrefix("word1 ") == true)
        #expect(chunks.last?.hasSuffix("word200") == true)
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            let lastWord = a.split(separator: " ").last.map(String.init) ?? ""
            #expect(b.contains(lastWord), "consecutive chunks do not overlap")
        }
    }

    @Test func slidingWindowAllowsTheLimitThenSaysWhenToRetry() throws {
        let limiter = SlidingWindowRateLimiter(limit: 3)
        let start = ContinuousClock.now
        for i in 0..<3 { try limiter.acquire("a", now: start + .seconds(i)) }
        #expect(throws: RateLimitExceeded.self) { try limiter.acquire("a", now: start + .seconds(10)) }
        do {
            try limiter.acquire("a", now: start + .seconds(10))
        } catch let error as RateLimitExceeded {
            #expect(error.retryAfterSeconds == 50)
        }
        try limiter.acquire("b", now: start + .seconds(10))
        try limiter.acquire("a", now: start + .seconds(60.5))
    }

    @Test func parsesRESPRepliesIncrementally() throws {
        var buffer = ByteBuffer(string: "*2\r\n$3\r\nabc\r\n:42\r\n")
        #expect(try RESPDecoder.parse(&buffer) == .array([.bulkString(ByteBuffer(string: "abc")), .integer(42)]))
        var partial = ByteBuffer(string: "$5\r\nab")
        #expect(try RESPDecoder.parse(&partial) == nil)
        var error = ByteBuffer(string: "-ERR wrong\r\n")
        #expect(try RESPDecoder.parse(&error) == .error("ERR wrong"))
    }

    @Test func extractiveAnswersPreferSentencesSharingWords() {
        let chunks = [RankedChunk(document_id: "d", title: "t", ordinal: 0, content: "Cats sleep a lot. Penguins eat fish daily. Dogs bark.", score: 0.5)]
        #expect(ExtractiveAnswer.answer(question: "what do penguins eat", chunks: chunks, maxSentences: 1) == "Penguins eat fish daily.")
        #expect(ExtractiveAnswer.answer(question: "x", chunks: []).contains("No indexed document"))
    }
}
