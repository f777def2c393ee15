import Prometheus

/// The Prometheus registry and the `tars_*` series the server exports.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let ragQueries: Counter
    let cacheHits: Counter
    let cacheMisses: Counter
    let documentsIndexed: Counter

    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init() {
        ragQueries = registry.makeCounter(name: "tars_rag_queries_total", help: "RAG queries answered")
        cacheHits = registry.makeCounter(name: "tars_cache_hits_total", help: "RAG queries answered from the cache")
        cacheMisses = registry.makeCounter(name: "tars_cache_misses_total", help: "RAG queries not found in the cache")
        documentsIndexed = registry.makeCounter(name: "tars_documents_indexed_total", help: "Documents indexed since start")
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            name: "tars_http_requests_total",
            labels: [("method", method), ("route", route), ("status", String(status))],
            help: "HTTP requests by method, route template and status"
        ).increment()
        registry.makeDurationHistogram(
            name: "tars_http_request_duration_seconds",
            labels: [("method", method), ("route", route)],
            buckets: Self.durationBuckets,
            help: "HTTP request duration by method and route template"
        ).record(duration)
    }

    public func exposition() -> String { registry.emitToString() }
}
