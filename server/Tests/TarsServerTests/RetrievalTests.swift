import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TarsServer

@Suite(.serialized) struct RetrievalTests {
    static let documents = #"""
    {"documents": [
      {"id": "rate-limits", "title": "Rate limits", "content": "Every client may send thirty requests per minute. The sliding window resets gradually, and a rejected request carries a Retry-After header."},
      {"id": "migrations", "title": "Migrations", "content": "The migration hook runs tars-server migrate before an upgrade. An advisory lock keeps concurrent runners from applying a version twice."},
      {"id": "penguins", "title": "Penguins", "content": "Emperor penguins breed during the Antarctic winter. The males incubate the eggs on their feet."}
    ]}
    """#

    @Test(arguments: ["redis", "memory"])
    func indexesDocumentsAndAnswersFromThem(cacheBackend: String) async throws {
        var overrides = ["ADMIN_CLIENT_IDS": "root", "RATE_LIMIT_PER_MINUTE": "1000"]
        if cacheBackend == "memory" { overrides["REDIS_HOST"] = "" }
        let configuration = try await TestServices.configuration(overrides)
        try await TestServices.flushRedis(configuration)
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        try await app.test(.router) { client in
            let token = try await client.authenticate("reader")
            let indexed = try await client.json("/documents", .post, token: token, body: Self.documents)
            #expect(indexed.status == .created, "\(indexed.text)")

            let query = #"{"query": "How do penguins incubate their eggs?", "top_k": 2}"#
            let first = try await client.json("/rag/query", .post, token: token, body: query)
            #expect(first.status == .ok, "\(first.text)")
            let answer = try first.decode(RAGAnswer.self)
            #expect(answer.sources.first?.document_id == "penguins")
            #expect(answer.answer.contains("incubate the eggs"))
            #expect(answer.generator == "extractive")
            #expect(answer.cached == false)
            #expect(answer.sources.count <= 2)

            let second = try await client.json("/rag/query", .post, token: token, body: query).decode(RAGAnswer.self)
            #expect(second.cached == true)
            #expect(second.answer == answer.answer)

            let metrics = try await client.json("/metrics/prometheus").text
            #expect(metrics.contains("tars_cache_hits_total 1"))
            #expect(metrics.contains("tars_cache_misses_total 1"))
            #expect(metrics.contains("tars_rag_queries_total 2"))
            #expect(metrics.contains("tars_documents_indexed_total 3"))
            #expect(metrics.contains("tars_http_requests_total{"))
            #expect(metrics.contains("tars_http_request_duration_seconds_bucket{"))

            let stats = try await client.json("/rag/stats", token: token)
            #expect(stats.text.contains(#""documents":3"#))
            #expect(stats.text.contains(#""cache_backend":"\#(cacheBackend)""#))

            let admin = try await client.authenticate("root")
            let cleared = try await client.json("/admin/clear-cache", .delete, token: admin)
            #expect(cleared.text.contains(#""cleared":1"#), "\(cleared.text)")
            let third = try await client.json("/rag/query", .post, token: token, body: query).decode(RAGAnswer.self)
            #expect(third.cached == false)

            #expect(try await client.json("/documents/penguins", .delete, token: token).status == .ok)
            #expect(try await client.json("/documents/penguins", .delete, token: token).status == .notFound)
            let afterDelete = try await client.json("/rag/query", .post, token: token, body: #"{"query": "emperor penguins antarctic"}"#).decode(RAGAnswer.self)
            #expect(afterDelete.sources.isEmpty)
            #expect(afterDelete.answer.contains("No indexed document"))

            // Events reach PostgreSQL asynchronously; wait for the four queries above.
            var summary: AnalyticsSummary?
            for _ in 0..<50 {
                summary = try await client.json("/analytics/summary", token: admin).decode(AnalyticsSummary.self)
                if summary?.total_queries == 4 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(summary?.total_queries == 4)
            #expect(summary?.cached_queries == 1)
            #expect(summary?.unique_clients == 1)
        }
    }

    @Test func rejectsOutOfRangeTopK() async throws {
        let configuration = try await TestServices.configuration()
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        try await app.test(.router) { client in
            let token = try await client.authenticate("reader")
            let response = try await client.json("/rag/query", .post, token: token, body: #"{"query": "x", "top_k": 500}"#)
            #expect(response.status == .badRequest)
            #expect(response.text.contains("RAG_MAX_TOP_K"))
        }
    }

    @Test func refreshTokensIssueNewAccessTokens() async throws {
        let configuration = try await TestServices.configuration()
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        try await app.test(.router) { client in
            let tokens = try await client.json("/auth/authenticate", .post, body: #"{"client_id":"svc-1"}"#).decode(TokenService.Tokens.self)
            #expect(tokens.expires_in == 86_400)
            #expect(tokens.scope == "read write")
            let refreshed = try await client.json("/auth/refresh", .post, body: #"{"refresh_token":"\#(tokens.refresh_token)"}"#)
            #expect(refreshed.status == .ok)
            let viaAccess = try await client.json("/auth/refresh", .post, body: #"{"refresh_token":"\#(tokens.access_token)"}"#)
            #expect(viaAccess.status == .unauthorized)
        }
    }

    @Test func readinessReportsEachDependency() async throws {
        let configuration = try await TestServices.configuration(["OLLAMA_URL": "http://127.0.0.1:9", "READY_CHECK_TIMEOUT_SECONDS": "1"])
        let app = try await buildApplication(configuration: configuration, logger: TestServices.logger)
        try await app.test(.router) { client in
            let response = try await client.json("/ready")
            #expect(response.status == .ok)
            let report = try response.decode(ReadinessReport.self)
            #expect(report.status == "degraded")
            #expect(report.checks["postgres"]?.status == "ok")
            #expect(report.checks["redis"]?.status == "ok")
            #expect(report.checks["chromadb"]?.status == "not_configured")
            #expect(report.checks["ollama"]?.status == "error")
            let info = try await client.json("/").text
            #expect(info.contains(#""version":"0.4.0-alpha""#))
        }
        let healthy = try await TestServices.configuration()
        try await buildApplication(configuration: healthy, logger: TestServices.logger).test(.router) { client in
            let report = try await client.json("/ready").decode(ReadinessReport.self)
            #expect(report.status == "ready", "\(report)")
        }
        let noDatabase = try await TestServices.configuration(["POSTGRES_PORT": "9", "READY_CHECK_TIMEOUT_SECONDS": "1"], migrate: false)
        try await buildApplication(configuration: noDatabase, logger: TestServices.logger).test(.router) { client in
            let response = try await client.json("/ready")
            #expect(response.status == .serviceUnavailable)
            #expect(try response.decode(ReadinessReport.self).checks["postgres"]?.status == "error")
        }
    }
}
