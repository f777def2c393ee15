import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO

/// The state of one dependency in `GET /ready`.
struct DependencyStatus: Codable, Sendable {
    /// `ok`, `error` or `not_configured`.
    let status: String
    let latency_ms: Double?
    let error: String?

    static let notConfigured = DependencyStatus(status: "not_configured", latency_ms: nil, error: nil)
}

struct ReadinessReport: Codable, Sendable {
    /// `ready` when every configured dependency answers, `degraded` otherwise.
    let status: String
    let checks: [String: DependencyStatus]
}

/// Checks PostgreSQL, Redis, ChromaDB and Ollama concurrently, each under a deadline.
struct ReadinessChecker: Sendable {
    let postgres: PostgresClient
    let redis: RedisClient?
    let chromaURL: String?
    let ollamaURL: String?
    let http: HTTPClient
    let timeout: Duration
    let logger: Logger

    func check() async -> ReadinessReport {
        async let postgres = probe { _ = try await self.postgres.query("SELECT 1", logger: self.logger).collect() }
        async let redis = probe(ifConfigured: redis) { client in _ = try await client.send(["PING"]) }
        async let chroma = probe(ifConfigured: chromaURL) { url in try await self.get(url + "/api/v2/heartbeat", fallback: url + "/api/v1/heartbeat") }
        async let ollama = probe(ifConfigured: ollamaURL) { url in try await self.get(url + "/api/tags") }
        let checks: [String: DependencyStatus] = [
            "postgres": await postgres,
            "redis": await redis,
            "chromadb": await chroma,
            "ollama": await ollama,
        ]
        let ready = checks.values.allSatisfy { $0.status != "error" }
        return ReadinessReport(status: ready ? "ready" : "degraded", checks: checks)
    }

    private func probe<Target: Sendable>(ifConfigured target: Target?, _ operation: @escaping @Sendable (Target) async throws -> Void) async -> DependencyStatus {
        guard let target else { return .notConfigured }
        return await probe { try await operation(target) }
    }

    private func probe(_ operation: @escaping @Sendable () async throws -> Void) async -> DependencyStatus {
        let start = ContinuousClock.now
        do {
            try await withDeadline(timeout) { try await operation() }
            return DependencyStatus(status: "ok", latency_ms: RetrievalService.milliseconds(since: start), error: nil)
        } catch {
            return DependencyStatus(status: "error", latency_ms: RetrievalService.milliseconds(since: start), error: Self.summary(of: error))
        }
    }

    /// A short reason without connection strings or credentials.
    static func summary(of error: any Error) -> String {
        switch error {
        case is PSQLError: return "PostgreSQL did not answer: \(String(describing: error))"
        case let error as RedisError: return error.description
        case let error as ProbeError: return error.message
        default: return "\(type(of: error)): unreachable or timed out"
        }
    }

    private struct ProbeError: Error { let message: String }

    private func get(_ url: String, fallback: String? = nil) async throws {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(Int64(timeout.components.seconds)))
        if response.status == .ok { return }
        if let fallback, response.status == .notFound { return try await get(fallback) }
        throw ProbeError(message: "HTTP \(response.status.code)")
    }
}
