import Foundation
import PostgresNIO
import Testing
@testable import TarsServer

@Suite struct MigrationTests {
    func appliedVersions(_ configuration: ServerConfiguration) async throws -> [Int] {
        let client = PostgresClient(configuration: configuration.postgresClientConfiguration, backgroundLogger: TestServices.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            var versions: [Int] = []
            for try await version in try await client.query("SELECT version FROM schema_migrations ORDER BY version").decode(Int.self) {
                versions.append(version)
            }
            return versions
        }
    }

    @Test func secondRunChangesNothing() async throws {
        let configuration = try await TestServices.configuration(migrate: false)
        let first = try await migrateDatabase(configuration: configuration, logger: TestServices.logger)
        #expect(first == Migration.all.map(\.version))
        let second = try await migrateDatabase(configuration: configuration, logger: TestServices.logger)
        #expect(second.isEmpty)
        #expect(try await appliedVersions(configuration) == Migration.all.map(\.version))
    }

    @Test func concurrentRunnersApplyEachMigrationOnce() async throws {
        let configuration = try await TestServices.configuration(migrate: false)
        let runs = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask { try await migrateDatabase(configuration: configuration, logger: TestServices.logger) }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        #expect(runs.flatMap { $0 }.sorted() == Migration.all.map(\.version))
        #expect(runs.filter { !$0.isEmpty }.count == 1)
        #expect(try await appliedVersions(configuration) == Migration.all.map(\.version))
    }

    @Test func aFailingMigrationIsRolledBackAndNamed() async throws {
        let configuration = try await TestServices.configuration(migrate: false)
        let broken = Migration.all + [Migration(version: 99, name: "broken", statements: ["CREATE TABLE t99 (id int)", "SELECT * FROM no_such_table"])]
        let client = PostgresClient(configuration: configuration.postgresClientConfiguration, backgroundLogger: TestServices.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                try await MigrationRunner(client: client, migrations: broken, logger: TestServices.logger).run()
                Issue.record("the broken migration succeeded")
            } catch let error as MigrationError {
                #expect(error.version == 99)
                #expect(error.description.contains("rolled back"))
            }
            let leftovers = try await client.query("SELECT count(*)::int8 FROM pg_tables WHERE tablename = 't99'").decode(Int.self)
            for try await count in leftovers { #expect(count == 0) }
        }
        #expect(try await appliedVersions(configuration) == Migration.all.map(\.version))
    }
}
