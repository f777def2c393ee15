import AsyncHTTPClient
import Foundation
import NIOCore

/// Generates answers with Ollama's `/api/generate` (non-streaming).
struct OllamaClient: Sendable {
    let baseURL: String
    let model: String
    let timeout: Duration
    let http: HTTPClient

    struct GenerateRequest: Encodable { let model: String; let prompt: String; let stream: Bool }
    struct GenerateResponse: Decodable { let response: String }

    func generate(question: String, context chunks: [RankedChunk]) async throws -> String {
        let context = chunks.enumerated().map { "[\($0.offset + 1)] \($0.element.title): \($0.element.content)" }.joined(separator: "\n\n")
        let prompt = """
            Answer the question using only the numbered context passages. Cite passages like [1]. \
            If the context does not contain the answer, say so.

            Context:
            \(context)

            Question: \(question)
            Answer:
            """
        var request = HTTPClientRequest(url: baseURL + "/api/generate")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(GenerateRequest(model: model, prompt: prompt, stream: false))))
        let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
        guard response.status == .ok else { throw GenerationError(message: "Ollama answered HTTP \(response.status.code)") }
        let body = try await response.body.collect(upTo: 8 << 20)
        let text = try JSONDecoder().decode(GenerateResponse.self, from: body).response.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw GenerationError(message: "Ollama returned an empty answer") }
        return text
    }
}

struct GenerationError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
