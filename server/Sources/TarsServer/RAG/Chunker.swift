import Foundation

/// Splits text into chunks of about `size` characters that overlap by `overlap`, cutting at
/// whitespace when there is some in the last fifth of a chunk so words stay whole.
struct Chunker: Sendable {
    let size: Int
    let overlap: Int

    func chunks(of text: String) -> [String] {
        let characters = Array(text)
        var result: [String] = []
        var start = 0
        while start < characters.count {
            var end = min(start + size, characters.count)
            if end < characters.count {
                let floor = start + size * 4 / 5
                if let space = characters[floor..<end].lastIndex(where: \.isWhitespace) { end = space }
            }
            let piece = String(characters[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
            if !piece.isEmpty { result.append(piece) }
            if end >= characters.count { break }
            start = max(end - overlap, start + 1)
        }
        return result
    }
}
