import Logging
import PostgresNIO

/// A chunk found by full-text search, with its rank in 0…1 (`ts_rank_cd` normalisation 32).
public struct RankedChunk: Sendable, Codable, Equatable {
    public let document_id: String
    public let title: String
    public let ordinal: Int
    public let content: String
    public let score: Double
}

/// Documents and their chunks in PostgreSQL; search is `tsvector` + GIN, ranked by cover density.
struct DocumentStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    struct NewDocument: Sendable {
        let id: String
        let title: String
        let source: String?
        let contentLength: Int
        let chunks: [String]
    }

    /// Inserts or replaces documents (old chunks of a replaced id are dropped) in one transaction.
    func upsert(_ documents: [NewDocument], by clientID: String) async throws {
        try await client.withTransaction(logger: logger) { connection in
            let ids = documents.map(\.id)
            try await connection.query("DELETE FROM documents WHERE id = ANY(\(ids))", logger: logger)
            let titles = documents.map(\.title)
            let sources = documents.map { $0.source ?? "" }
            let lengths = documents.map(\.contentLength)
            let counts = documents.map(\.chunks.count)
            try await connection.query("""
                INSERT INTO documents (id, title, source, content_length, chunk_count, indexed_by)
                SELECT id, title, NULLIF(source, ''), len, n, \(clientID)
                FROM unnest(\(ids)::text[], \(titles)::text[], \(sources)::text[], \(lengths)::int[], \(counts)::int[]) AS t(id, title, source, len, n)
                """, logger: logger)
            var chunkDocs: [String] = [], ordinals: [Int] = [], contents: [String] = []
            for document in documents {
                for (ordinal, chunk) in document.chunks.enumerated() {
                    chunkDocs.append(document.id); ordinals.append(ordinal); contents.append(chunk)
                }
            }
            try await connection.query("""
                INSERT INTO chunks (document_id, ordinal, content)
                SELECT * FROM unnest(\(chunkDocs)::text[], \(ordinals)::int[], \(contents)::text[])
                """, logger: logger)
        }
    }

    /// Deletes a document and its chunks; false when there was no such id.
    func delete(id: String) async throws -> Bool {
        let rows = try await client.query("DELETE FROM documents WHERE id = \(id) RETURNING id", logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// The best `limit` chunks for the words of `query` (any word may match), best first.
    func search(words: [String], limit: Int, minScore: Double) async throws -> [RankedChunk] {
        guard !words.isEmpty else { return [] }
        let tsquery = words.joined(separator: " | ")
        let rows = try await client.query("""
            SELECT c.document_id, d.title, c.ordinal, c.content, ts_rank_cd(c.tsv, q, 32)::float8 AS score
            FROM to_tsquery('english', \(tsquery)) AS q, chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.tsv @@ q AND ts_rank_cd(c.tsv, q, 32) >= \(minScore)
            ORDER BY score DESC, c.document_id, c.ordinal
            LIMIT \(limit)
            """, logger: logger)
        var result: [RankedChunk] = []
        for try await (documentID, title, ordinal, content, score) in rows.decode((String, String, Int, String, Double).self) {
            result.append(RankedChunk(document_id: documentID, title: title, ordinal: ordinal, content: content, score: score))
        }
        return result
    }

    struct Stats: Sendable { let documents: Int; let chunks: Int; let characters: Int }

    func stats() async throws -> Stats {
        let rows = try await client.query("""
            SELECT (SELECT count(*) FROM documents)::int8, (SELECT count(*) FROM chunks)::int8,
                   (SELECT coalesce(sum(content_length), 0) FROM documents)::int8
            """, logger: logger)
        for try await (documents, chunks, characters) in rows.decode((Int, Int, Int).self) {
            return Stats(documents: documents, chunks: chunks, characters: characters)
        }
        return Stats(documents: 0, chunks: 0, characters: 0)
    }
}
