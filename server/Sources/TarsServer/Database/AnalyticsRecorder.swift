import Logging
import PostgresNIO
import ServiceLifecycle

/// One answered query, without its text (queries may hold personal data).
struct QueryEvent: Sendable {
    let clientID: String
    let topK: Int
    let resultCount: Int
    let cached: Bool
    let generator: String
    let latencyMs: Double
}

/// Writes query events to PostgreSQL off the request path: handlers enqueue, this service
/// inserts them one by one in a single task. The queue is bounded; when PostgreSQL falls behind, new events are dropped.
final class AnalyticsRecorder: Service {
    let client: PostgresClient
    let logger: Logger
    private let stream: AsyncStream<QueryEvent>
    private let continuation: AsyncStream<QueryEvent>.Continuation

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: QueryEvent.self, bufferingPolicy: .bufferingOldest(10_000))
    }

    func record(_ event: QueryEvent) { continuation.yield(event) }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await event in stream {
                await insert([event])
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }

    private func insert(_ events: [QueryEvent]) async {
        do {
            try await client.query("""
                INSERT INTO query_events (client_id, top_k, result_count, cached, generator, latency_ms)
                SELECT * FROM unnest(\(events.map(\.clientID))::text[], \(events.map(\.topK))::int[],
                    \(events.map(\.resultCount))::int[], \(events.map(\.cached))::bool[],
                    \(events.map(\.generator))::text[], \(events.map(\.latencyMs))::float8[])
                """, logger: logger)
        } catch {
            logger.warning("could not store analytics events", metadata: ["count": "\(events.count)", "error": "\(error)"])
        }
    }
}

/// What `GET /analytics/summary` reports.
struct AnalyticsSummary: Codable, Sendable {
    let total_queries: Int
    let cached_queries: Int
    let cache_hit_rate: Double
    let unique_clients: Int
    let average_latency_ms: Double
    let p95_latency_ms: Double
    let queries_last_24h: Int
    let by_generator: [String: Int]
}

struct AnalyticsStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    func summary() async throws -> AnalyticsSummary {
        let rows = try await client.query("""
            SELECT count(*)::int8, count(*) FILTER (WHERE cached)::int8, count(DISTINCT client_id)::int8,
                   coalesce(avg(latency_ms), 0)::float8,
                   coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms), 0)::float8,
                   count(*) FILTER (WHERE created_at > now() - interval '24 hours')::int8
            FROM query_events
            """, logger: logger)
        var totals: (Int, Int, Int, Double, Double, Int) = (0, 0, 0, 0, 0, 0)
        for try await row in rows.decode((Int, Int, Int, Double, Double, Int).self) { totals = row }
        var byGenerator: [String: Int] = [:]
        for try await (generator, count) in try await client.query(
            "SELECT generator, count(*)::int8 FROM query_events GROUP BY generator", logger: logger
        ).decode((String, Int).self) {
            byGenerator[generator] = count
        }
        return AnalyticsSummary(
            total_queries: totals.0, cached_queries: totals.1,
            cache_hit_rate: totals.0 == 0 ? 0 : Double(totals.1) / Double(totals.0),
            unique_clients: totals.2, average_latency_ms: totals.3, p95_latency_ms: totals.4,
            queries_last_24h: totals.5, by_generator: byGenerator
        )
    }
}
