import Foundation
import Testing
@testable import TarsServer

@Suite struct ConfigurationTests {
    @Test func readsExactlyTheVariablesOfTheChartContract() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("environment-variables.txt")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        #expect(ServerConfiguration.variableNames == lines)
    }

    @Test func everyVariableChangesTheConfiguration() throws {
        // Guards the list against names that are declared but never read.
        let base = ["JWT_SECRET_KEY": String(repeating: "k", count: 40)]
        let defaults = try ServerConfiguration(environment: base)
        let samples: [String: String] = [
            "APP_NAME": "x", "APP_VERSION": "9", "ENVIRONMENT": "production", "LOG_LEVEL": "error", "LOG_FORMAT": "text",
            "HOST": "127.0.0.1", "PORT": "1", "METRICS_PORT": "2", "REQUEST_TIMEOUT_SECONDS": "3", "MAX_REQUEST_BODY_BYTES": "4",
            "CORS_ALLOWED_ORIGINS": "https://a", "CORS_ALLOW_CREDENTIALS": "true", "RATE_LIMIT_PER_MINUTE": "5",
            "HTTPS_ENFORCE": "true", "SECURITY_HEADERS_ENABLED": "false", "OLLAMA_URL": "http://o:1", "OLLAMA_MODEL": "m",
            "OLLAMA_TIMEOUT_SECONDS": "6", "CHROMA_URL": "http://c:1", "CHROMA_COLLECTION": "c", "POSTGRES_HOST": "h",
            "POSTGRES_PORT": "7", "POSTGRES_DB": "d", "POSTGRES_USER": "u", "POSTGRES_POOL_SIZE": "8", "REDIS_HOST": "r",
            "REDIS_PORT": "9", "REDIS_DB": "1", "CACHE_ENABLED": "false", "CACHE_TTL_SECONDS": "10", "RAG_CHUNK_SIZE": "500",
            "RAG_CHUNK_OVERLAP": "11", "RAG_TOP_K": "2", "RAG_MAX_TOP_K": "12", "RAG_MIN_SCORE": "0.5", "EMBEDDING_MODEL": "e",
            "ANALYTICS_ENABLED": "false", "METRICS_ENABLED": "false", "READY_CHECK_TIMEOUT_SECONDS": "13",
            "JWT_ALGORITHM": "HS256", "JWT_ACCESS_TOKEN_TTL_MINUTES": "14", "JWT_REFRESH_TOKEN_TTL_DAYS": "15",
            "JWT_SECRET_KEY": String(repeating: "z", count: 40), "POSTGRES_PASSWORD": "p", "ADMIN_CLIENT_IDS": "root",
        ]
        #expect(Set(samples.keys) == Set(ServerConfiguration.variableNames))
        for (name, value) in samples where name != "JWT_ALGORITHM" {
            let changed = try ServerConfiguration(environment: base.merging([name: value]) { $1 })
            #expect(String(describing: changed) != String(describing: defaults), "\(name) is not read")
        }
    }

    @Test func refusesToStartWithoutASigningKey() {
        #expect(throws: ConfigurationError.self) { try ServerConfiguration(environment: [:]) }
        do {
            _ = try ServerConfiguration(environment: ["JWT_SECRET_KEY": "short"])
            Issue.record("a 5-byte key was accepted")
        } catch let error as ConfigurationError {
            #expect(error.variable == "JWT_SECRET_KEY")
            #expect(!error.description.contains("short"), "the secret must not appear in the error")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [
        ("PORT", "eighty"), ("RATE_LIMIT_PER_MINUTE", "0"), ("HTTPS_ENFORCE", "maybe"), ("JWT_ALGORITHM", "RS256"),
        ("OLLAMA_URL", "ollama:11434"), ("LOG_FORMAT", "xml"), ("RAG_MIN_SCORE", "2"),
    ])
    func rejectsBadValuesNamingTheVariable(name: String, value: String) {
        do {
            _ = try ServerConfiguration(environment: ["JWT_SECRET_KEY": String(repeating: "k", count: 40), name: value])
            Issue.record("\(name)=\(value) was accepted")
        } catch let error as ConfigurationError {
            #expect(error.variable == name)
            #expect(error.description.contains(value))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func defaultsMatchTheDocumentedContract() throws {
        let configuration = try ServerConfiguration(environment: ["JWT_SECRET_KEY": String(repeating: "k", count: 40)])
        #expect(configuration.port == 8000)
        #expect(configuration.metricsPort == 9090)
        #expect(configuration.rateLimitPerMinute == 30)
        #expect(configuration.cacheTTLSeconds == 3600)
        #expect(configuration.maxRequestBodyBytes == 1_048_576)
        #expect(configuration.redisHost == nil)
        #expect(configuration.appVersion == "0.4.0-alpha")
    }
}
