import NIOConcurrencyHelpers
import NIOCore

/// A request over the per-minute limit: how long until a slot frees up.
struct RateLimitExceeded: Error, Sendable {
    let limit: Int
    let retryAfterSeconds: Int
}

/// Per-client sliding-window log: a client may make `limit` requests in any 60-second window.
/// Each client keeps at most `limit` timestamps, and idle clients are pruned as the table grows.
final class SlidingWindowRateLimiter: Sendable {
    let limit: Int
    let window: Duration
    private let state = NIOLockedValueBox([String: CircularBuffer<ContinuousClock.Instant>]())

    init(limit: Int, window: Duration = .seconds(60)) {
        self.limit = limit
        self.window = window
    }

    /// Records a request by `key` at `now`; throws ``RateLimitExceeded`` when the window is full.
    func acquire(_ key: String, now: ContinuousClock.Instant = .now) throws {
        let windowStart = now - window
        let retryAfter: Duration? = state.withLockedValue { table in
            if table.count > 50_000 { Self.prune(&table, before: windowStart) }
            var log = table[key] ?? CircularBuffer(initialCapacity: min(limit, 64))
            while let first = log.first, first <= windowStart { log.removeFirst() }
            if log.count >= limit, let oldest = log.first {
                table[key] = log
                return oldest + window - now
            }
            log.append(now)
            table[key] = log
            return nil
        }
        if let retryAfter {
            let seconds = Int((Double(retryAfter.components.seconds) + Double(retryAfter.components.attoseconds) / 1e18).rounded(.up))
            throw RateLimitExceeded(limit: limit, retryAfterSeconds: max(1, seconds))
        }
    }

    private static func prune(_ table: inout [String: CircularBuffer<ContinuousClock.Instant>], before start: ContinuousClock.Instant) {
        table = table.filter { _, log in log.last.map { $0 > start } ?? false }
    }
}
