/// Paths that probes and scrapers call: no rate limit, no HTTPS redirect, no token parsing.
enum ExemptPaths {
    static let all: Set<String> = ["/health", "/ready", "/metrics/prometheus"]

    static func contains(_ path: String) -> Bool { all.contains(path) }
}
