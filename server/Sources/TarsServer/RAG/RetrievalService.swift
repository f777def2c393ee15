import Foundation
import Logging

/// A RAG answer as returned by `POST /rag/query`.
struct RAGAnswer: Codable, Sendable {
    struct Source: Codable, Sendable {
        let document_id: String
        let title: String
        let chunk: Int
        let score: Double
        let excerpt: String
    }
    let answer: String
    let sources: [Source]
    /// `ollama` when Ollama wrote the answer, `extractive` when it was taken from the chunks.
    let generator: String
    var cached: Bool
    var latency_ms: Double
}

/// Retrieval-augmented answers: cache → full-text search → Ollama or extractive answer → cache.
struct RetrievalService: Sendable {
    let store: DocumentStore
    let cache: (any QueryCache)?
    let cacheTTLSeconds: Int
    let ollama: OllamaClient?
    let minScore: Double
    let metrics: ServerMetrics
    let logger: Logger

    static func cacheKey(query: String, topK: Int) -> String {
        let normalized = query.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return "v1:\(topK):\(normalized)"
    }

    func answer(query: String, topK: Int) async throws -> RAGAnswer {
        let start = ContinuousClock.now
        metrics.ragQueries.increment()
        let key = Self.cacheKey(query: query, topK: topK)
        if let cache {
            do {
                if let hit = try await cache.get(key), var answer = try? JSONDecoder().decode(RAGAnswer.self, from: Data(hit.utf8)) {
                    metrics.cacheHits.increment()
                    answer.cached = true
                    answer.latency_ms = Self.milliseconds(since: start)
                    return answer
                }
            } catch {
                logger.warning("cache read failed; answering without it", metadata: ["backend": "\(cache.backend)", "error": "\(error)"])
            }
            metrics.cacheMisses.increment()
        }
        let chunks = try await store.search(words: ExtractiveAnswer.words(of: query), limit: topK, minScore: minScore)
        var text: String?
        var generator = "extractive"
        if let ollama, !chunks.isEmpty {
            do {
                text = try await ollama.generate(question: query, context: chunks)
                generator = "ollama"
            } catch {
                logger.warning("Ollama generation failed; using an extractive answer", metadata: ["error": "\(error)"])
            }
        }
        var answer = RAGAnswer(
            answer: text ?? ExtractiveAnswer.answer(question: query, chunks: chunks),
            sources: chunks.map { .init(document_id: $0.document_id, title: $0.title, chunk: $0.ordinal, score: $0.score, excerpt: String($0.content.prefix(240))) },
            generator: generator, cached: false, latency_ms: 0
        )
        if let cache, let encoded = try? JSONEncoder().encode(answer) {
            do {
                try await cache.set(key, value: String(decoding: encoded, as: UTF8.self), ttlSeconds: cacheTTLSeconds)
            } catch {
                logger.warning("cache write failed", metadata: ["backend": "\(cache.backend)", "error": "\(error)"])
            }
        }
        answer.latency_ms = Self.milliseconds(since: start)
        return answer
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
