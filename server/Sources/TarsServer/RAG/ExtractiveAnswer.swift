import Foundation

/// Builds an answer from the retrieved chunks themselves when no generator is available: the
/// sentences that share the most words with the question, in rank order.
enum ExtractiveAnswer {
    static func words(of text: String) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for token in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) where token.count >= 2 {
            let word = String(token.prefix(64))
            if seen.insert(word).inserted { result.append(word) }
            if result.count == 32 { break }
        }
        return result
    }

    static func answer(question: String, chunks: [RankedChunk], maxSentences: Int = 3) -> String {
        guard !chunks.isEmpty else { return "No indexed document matches this question." }
        let questionWords = Set(words(of: question))
        var candidates: [(overlap: Int, rank: Int, sentence: String)] = []
        for (rank, chunk) in chunks.enumerated() {
            for sentence in sentences(in: chunk.content) {
                let overlap = Set(words(of: sentence)).intersection(questionWords).count
                if overlap > 0 { candidates.append((overlap, rank, sentence)) }
            }
        }
        let best = candidates.sorted { ($0.overlap, -$0.rank) > ($1.overlap, -$1.rank) }.prefix(maxSentences)
        guard !best.isEmpty else { return String(chunks[0].content.prefix(300)) }
        var seen = Set<String>()
        return best.map(\.sentence).filter { seen.insert($0).inserted }.joined(separator: " ")
    }

    /// Splits after `.`, `!` or `?` followed by whitespace, and at line breaks.
    static func sentences(in text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var previous: Character = " "
        for character in text {
            if character.isNewline || (character.isWhitespace && ".!?".contains(previous)) {
                let sentence = current.trimmingCharacters(in: .whitespaces)
                if !sentence.isEmpty { result.append(sentence) }
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { result.append(last) }
        return result
    }
}
