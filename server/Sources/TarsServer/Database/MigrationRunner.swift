import Logging
import PostgresNIO

/// Applies pending ``Migration``s. Runners serialise on a PostgreSQL advisory lock held for the
/// whole run, so concurrent `tars-server migrate` processes (several hook pods, or a retry racing
/// the first attempt) apply each migration exactly once; a second run finds nothing to do.
public struct MigrationRunner: Sendable {
    /// Arbitrary constant shared by every runner: "TARS" in ASCII.
    static let advisoryLockKey: Int64 = 0x5441_5253

    let client: PostgresClient
    let migrations: [Migration]
    let logger: Logger

    public init(client: PostgresClient, migrations: [Migration] = Migration.all, logger: Logger) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// Returns the versions this run applied (empty when the schema was already current).
    @discardableResult
    public func run() async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let applied = try await applyPending(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
    }

    private func applyPending(on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var done = Set<Int>()
        for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
            done.insert(version)
        }
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !done.contains(migration.version) {
            logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            try await connection.query("BEGIN", logger: logger)
            do {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw MigrationError(version: migration.version, name: migration.name, underlying: String(reflecting: error))
            }
            applied.append(migration.version)
        }
        if applied.isEmpty { logger.info("schema is up to date", metadata: ["version": "\(migrations.map(\.version).max() ?? 0)"]) }
        return applied
    }
}

/// A migration that failed; the transaction was rolled back so it can be retried after a fix.
public struct MigrationError: Error, CustomStringConvertible {
    public let version: Int
    public let name: String
    let underlying: String
    public var description: String {
        "migration \(version) (\(name)) failed and was rolled back: \(underlying); fix the database or the migration and run `tars-server migrate` again"
    }
}

/// Connects with `POSTGRES_*`, applies pending migrations and disconnects: `tars-server migrate`.
@discardableResult
public func migrateDatabase(configuration: ServerConfiguration, logger: Logger) async throws -> [Int] {
    let client = PostgresClient(configuration: configuration.postgresClientConfiguration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await MigrationRunner(client: client, logger: logger).run()
    }
}
