import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing
@testable import TarsServer

/// The real PostgreSQL and Redis that `scripts/test.sh` starts; tests fail (never skip) without them.
enum TestServices {
    struct NotConfigured: Error, CustomStringConvertible {
        let variable: String
        var description: String { "\(variable) is not set: run the tests through server/scripts/test.sh, which starts PostgreSQL and Redis" }
    }

    static let secret = "test-secret-key-that-is-long-enough-for-hs384-and-hs512-0123456789abcdef"
    static let logger: Logger = {
        var logger = Logger(label: "tars-tests")
        logger.logLevel = .warning
        return logger
    }()

    static func environment() throws -> [String: String] {
        let env = ProcessInfo.processInfo.environment
        for name in ["POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "REDIS_HOST", "REDIS_PORT"] where env[name] == nil {
            throw NotConfigured(variable: name)
        }
        var result: [String: String] = [:]
        for name in ServerConfiguration.variableNames { result[name] = env[name] }
        result["JWT_SECRET_KEY"] = secret
        result["PORT"] = "0"
        result["METRICS_PORT"] = "0"
        result["LOG_LEVEL"] = "warning"
        return result
    }

    /// A fresh, migrated database for one test, so tests never see each other's rows.
    static func configuration(_ overrides: [String: String] = [:], migrate: Bool = true) async throws -> ServerConfiguration {
        var env = try environment()
        let database = "tars_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await createDatabase(database, environment: env)
        env["POSTGRES_DB"] = database
        env.merge(overrides) { $1 }
        let configuration = try ServerConfiguration(environment: env)
        if migrate { try await migrateDatabase(configuration: configuration, logger: logger) }
        return configuration
    }

    static func createDatabase(_ name: String, environment env: [String: String]) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: env["POSTGRES_HOST"] ?? "127.0.0.1", port: Int(env["POSTGRES_PORT"] ?? "") ?? 5432,
                username: env["POSTGRES_USER"] ?? "postgres", password: env["POSTGRES_PASSWORD"],
                database: "postgres", tls: .disable
            ),
            id: 1, logger: logger
        )
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// Removes cached answers left by earlier tests in the shared Redis.
    static func flushRedis(_ configuration: ServerConfiguration) async throws {
        guard let host = configuration.redisHost else { return }
        let redis = RedisClient(host: host, port: configuration.redisPort, database: configuration.redisDatabase)
        _ = try await redis.send(["FLUSHDB"])
        await redis.shutdown()
    }
}

extension TestClientProtocol {
    func authenticate(_ clientID: String) async throws -> String {
        try await execute(uri: "/auth/authenticate", method: .post, headers: [.contentType: "application/json"],
                          body: ByteBuffer(string: #"{"client_id":"\#(clientID)"}"#)) { response in
            #expect(response.status == .ok)
            let tokens = try JSONDecoder().decode(TokenService.Tokens.self, from: Data(buffer: response.body))
            return tokens.access_token
        }
    }

    func json(_ uri: String, _ method: HTTPRequest.Method = .get, token: String? = nil, body: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { $0 }
    }
}

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(buffer: body))
    }
    var text: String { String(buffer: body) }
}
