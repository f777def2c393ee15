import NIOConcurrencyHelpers
import NIOCore

/// Where answered queries are kept for `CACHE_TTL_SECONDS`.
protocol QueryCache: Sendable {
    /// `redis` or `memory`, reported by `/rag/stats`.
    var backend: String { get }
    func get(_ key: String) async throws -> String?
    func set(_ key: String, value: String, ttlSeconds: Int) async throws
    /// Removes every cached answer; returns how many entries were removed.
    func clear() async throws -> Int
}

/// Redis-backed cache; keys live under `tars:rag:` so clearing never touches other data.
struct RedisQueryCache: QueryCache {
    static let prefix = "tars:rag:"
    let redis: RedisClient
    var backend: String { "redis" }

    func get(_ key: String) async throws -> String? {
        guard case .bulkString(let value?) = try await redis.send(["GET", Self.prefix + key]) else { return nil }
        return String(buffer: value)
    }

    func set(_ key: String, value: String, ttlSeconds: Int) async throws {
        _ = try await redis.send(["SET", Self.prefix + key, value, "EX", String(ttlSeconds)])
    }

    func clear() async throws -> Int {
        var cursor = "0"
        var removed = 0
        repeat {
            guard case .array(let reply?) = try await redis.send(["SCAN", cursor, "MATCH", Self.prefix + "*", "COUNT", "500"]),
                  reply.count == 2, case .bulkString(let next?) = reply[0], case .array(let keys?) = reply[1] else {
                throw RedisError(message: "unexpected SCAN reply")
            }
            cursor = String(buffer: next)
            let names = keys.compactMap { key -> String? in
                if case .bulkString(let name?) = key { return String(buffer: name) }
                return nil
            }
            if !names.isEmpty, case .integer(let count) = try await redis.send(["DEL"] + names) { removed += count }
        } while cursor != "0"
        return removed
    }
}

/// In-process cache used when `REDIS_HOST` is empty; bounded so it cannot grow without limit.
final class MemoryQueryCache: QueryCache {
    private struct Entry { let value: String; let expires: ContinuousClock.Instant }
    private let entries = NIOLockedValueBox([String: Entry]())
    let capacity: Int
    var backend: String { "memory" }

    init(capacity: Int = 10_000) { self.capacity = capacity }

    func get(_ key: String) async throws -> String? {
        let now = ContinuousClock.now
        return entries.withLockedValue { table in
            guard let entry = table[key] else { return nil }
            if entry.expires <= now { table[key] = nil; return nil }
            return entry.value
        }
    }

    func set(_ key: String, value: String, ttlSeconds: Int) async throws {
        let now = ContinuousClock.now
        entries.withLockedValue { table in
            if table.count >= capacity {
                table = table.filter { $0.value.expires > now }
                if table.count >= capacity, let victim = table.keys.first { table[victim] = nil }
            }
            table[key] = Entry(value: value, expires: now + .seconds(ttlSeconds))
        }
    }

    func clear() async throws -> Int {
        entries.withLockedValue { table in
            defer { table.removeAll() }
            return table.count
        }
    }
}
