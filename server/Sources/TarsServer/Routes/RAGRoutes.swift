import Foundation
import Hummingbird

/// `POST /rag/query`, `GET /rag/stats`, `POST /documents`, `DELETE /documents/{id}`.
struct RAGRoutes: Sendable {
    struct Stats: ResponseEncodable {
        let documents: Int
        let chunks: Int
        let characters: Int
        let search_backend: String
        let embedding_model: String
        let chroma_collection: String
        let generator: String
        let cache_backend: String
        let chunk_size: Int
        let chunk_overlap: Int
    }
    struct Indexed: ResponseEncodable { let indexed: [String]; let chunks: Int }
    struct Deleted: ResponseEncodable { let deleted: String }

    let configuration: ServerConfiguration
    let retrieval: RetrievalService
    let analytics: AnalyticsRecorder?
    let metrics: ServerMetrics

    func register(on router: Router<AppRequestContext>) {
        let timeout = Duration.seconds(configuration.requestTimeoutSeconds)
        let reader = router.group().add(middleware: RequireScopeMiddleware(scope: .read))
        reader.post("/rag/query") { request, context -> RAGAnswer in
            let body = try await request.decodeJSON(as: QueryRequest.self, context: context)
            let query = body.query.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...4000).contains(query.count) else {
                throw HTTPError(.badRequest, message: "query must be 1-4000 characters")
            }
            let topK = body.top_k ?? configuration.ragTopK
            guard (1...configuration.ragMaxTopK).contains(topK) else {
                throw HTTPError(.badRequest, message: "top_k must be between 1 and \(configuration.ragMaxTopK) (RAG_MAX_TOP_K)")
            }
            let retrieval = self.retrieval
            let answer = try await withDeadline(timeout) { try await retrieval.answer(query: query, topK: topK) }
            analytics?.record(QueryEvent(
                clientID: context.identity?.clientID ?? "", topK: topK, resultCount: answer.sources.count,
                cached: answer.cached, generator: answer.generator, latencyMs: answer.latency_ms
            ))
            return answer
        }
        reader.get("/rag/stats") { _, _ -> Stats in
            let stats = try await retrieval.store.stats()
            return Stats(
                documents: stats.documents, chunks: stats.chunks, characters: stats.characters,
                search_backend: "postgresql-fts", embedding_model: configuration.embeddingModel,
                chroma_collection: configuration.chromaCollection,
                generator: retrieval.ollama == nil ? "extractive" : "ollama (extractive fallback)",
                cache_backend: retrieval.cache?.backend ?? "disabled",
                chunk_size: configuration.ragChunkSize, chunk_overlap: configuration.ragChunkOverlap
            )
        }

        let writer = router.group().add(middleware: RequireScopeMiddleware(scope: .write))
        writer.post("/documents") { request, context -> EditedResponse<Indexed> in
            let body = try await request.decodeJSON(as: IndexRequest.self, context: context)
            guard (1...1000).contains(body.documents.count) else {
                throw HTTPError(.badRequest, message: "send 1-1000 documents per request")
            }
            let chunker = Chunker(size: configuration.ragChunkSize, overlap: configuration.ragChunkOverlap)
            var seen = Set<String>()
            let documents = try body.documents.map { input -> DocumentStore.NewDocument in
                let id = try Identifier.validate(input.id ?? UUID().uuidString.lowercased(), what: "document id")
                guard seen.insert(id).inserted else { throw HTTPError(.badRequest, message: "document id \(id) appears twice") }
                let chunks = chunker.chunks(of: input.content)
                guard !chunks.isEmpty else { throw HTTPError(.badRequest, message: "document \(id) has no text") }
                return .init(id: id, title: String((input.title ?? id).prefix(500)), source: input.source.map { String($0.prefix(2000)) },
                             contentLength: input.content.count, chunks: chunks)
            }
            let store = retrieval.store
            let clientID = context.identity?.clientID ?? ""
            try await withDeadline(timeout) { try await store.upsert(documents, by: clientID) }
            metrics.documentsIndexed.increment(by: Int64(documents.count))
            return EditedResponse(status: .created, response: Indexed(indexed: documents.map(\.id), chunks: documents.reduce(0) { $0 + $1.chunks.count }))
        }
        writer.delete("/documents/{id}") { _, context -> Deleted in
            let raw = try context.parameters.require("id")
            let id = try Identifier.validate(raw, what: "document id")
            guard try await retrieval.store.delete(id: id) else {
                throw HTTPError(.notFound, message: "no document with id \(id)")
            }
            return Deleted(deleted: id)
        }
    }
}

extension RAGAnswer: ResponseEncodable {}
