import Hummingbird

/// Bodies the API accepts, with their validation rules.
struct AuthenticateRequest: Decodable, Sendable {
    let client_id: String
}

struct RefreshRequest: Decodable, Sendable {
    let refresh_token: String
}

struct QueryRequest: Decodable, Sendable {
    let query: String
    let top_k: Int?
}

struct DocumentInput: Decodable, Sendable {
    let id: String?
    let title: String?
    let content: String
    let source: String?
}

/// Either one document or `{"documents": [...]}`.
struct IndexRequest: Decodable, Sendable {
    let documents: [DocumentInput]

    private enum CodingKeys: String, CodingKey { case documents }

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: CodingKeys.self), container.contains(.documents) {
            documents = try container.decode([DocumentInput].self, forKey: .documents)
        } else {
            documents = [try DocumentInput(from: decoder)]
        }
    }
}

/// Identifiers clients choose (client ids, document ids): letters, digits, `-`, `_`, `.`,
/// 1–128 characters, not starting with a dot; so `..`, `/` and `%2F` never reach storage or logs.
enum Identifier {
    static func validate(_ value: String, what: String) throws -> String {
        let ok = (1...128).contains(value.utf8.count)
            && value.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
            && !value.hasPrefix(".") && !value.contains("..")
        guard ok else {
            throw HTTPError(.badRequest, message: "invalid \(what): use 1-128 letters, digits, '-', '_' or '.', not starting with '.' and without '..'")
        }
        return value
    }
}

extension Request {
    /// Decodes a JSON body; decoding errors reach ``ErrorResponse`` unchanged so the 400 names
    /// the missing or mistyped field, and the body size limit of the context applies.
    func decodeJSON<T: Decodable>(as type: T.Type, context: AppRequestContext) async throws -> T {
        try await context.requestDecoder.decode(T.self, from: self, context: context)
    }
}
