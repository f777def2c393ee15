import Logging

/// Everything the server reads from its environment. The variable names are the contract with
/// the Helm chart (`server/environment-variables.txt`); nothing else is read.
public struct ServerConfiguration: Sendable {
    public enum LogFormat: String, Sendable { case json, text }

    public var appName = "T.A.R.S."
    public var appVersion = "0.4.0-alpha"
    public var environment = "development"
    public var logLevel = Logger.Level.info
    public var logFormat = LogFormat.json
    public var host = "0.0.0.0"
    public var port = 8000
    public var metricsPort = 9090
    public var requestTimeoutSeconds = 30
    public var maxRequestBodyBytes = 1_048_576
    public var corsAllowedOrigins: [String] = []
    public var corsAllowCredentials = false
    public var rateLimitPerMinute = 30
    public var httpsEnforce = false
    public var securityHeadersEnabled = true
    public var ollamaURL: String?
    public var ollamaModel = "mistral:7b-instruct"
    public var ollamaTimeoutSeconds = 60
    public var chromaURL: String?
    public var chromaCollection = "tars_documents"
    public var postgresHost = "localhost"
    public var postgresPort = 5432
    public var postgresDatabase = "tars"
    public var postgresUser = "tars"
    public var postgresPoolSize = 10
    public var postgresPassword: String?
    public var redisHost: String?
    public var redisPort = 6379
    public var redisDatabase = 0
    public var cacheEnabled = true
    public var cacheTTLSeconds = 3600
    public var ragChunkSize = 1000
    public var ragChunkOverlap = 200
    public var ragTopK = 5
    public var ragMaxTopK = 20
    public var ragMinScore = 0.0
    public var embeddingModel = "all-MiniLM-L6-v2"
    public var analyticsEnabled = true
    public var metricsEnabled = true
    public var readyCheckTimeoutSeconds = 2
    public var jwtAlgorithm = "HS256"
    public var jwtAccessTokenTTLMinutes = 1440
    public var jwtRefreshTokenTTLDays = 7
    public var jwtSecretKey: String
    public var adminClientIDs: Set<String> = []

    /// The environment variables the server reads, in the order of `environment-variables.txt`.
    public static let variableNames: [String] = [
        "APP_NAME", "APP_VERSION", "ENVIRONMENT", "LOG_LEVEL", "LOG_FORMAT", "HOST", "PORT",
        "METRICS_PORT", "REQUEST_TIMEOUT_SECONDS", "MAX_REQUEST_BODY_BYTES", "CORS_ALLOWED_ORIGINS",
        "CORS_ALLOW_CREDENTIALS", "RATE_LIMIT_PER_MINUTE", "HTTPS_ENFORCE", "SECURITY_HEADERS_ENABLED",
        "OLLAMA_URL", "OLLAMA_MODEL", "OLLAMA_TIMEOUT_SECONDS", "CHROMA_URL", "CHROMA_COLLECTION",
        "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_POOL_SIZE",
        "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "CACHE_ENABLED", "CACHE_TTL_SECONDS",
        "RAG_CHUNK_SIZE", "RAG_CHUNK_OVERLAP", "RAG_TOP_K", "RAG_MAX_TOP_K", "RAG_MIN_SCORE",
        "EMBEDDING_MODEL", "ANALYTICS_ENABLED", "METRICS_ENABLED", "READY_CHECK_TIMEOUT_SECONDS",
        "JWT_ALGORITHM", "JWT_ACCESS_TOKEN_TTL_MINUTES", "JWT_REFRESH_TOKEN_TTL_DAYS",
        "JWT_SECRET_KEY", "POSTGRES_PASSWORD", "ADMIN_CLIENT_IDS",
    ]

    /// A configuration with defaults and the given signing key; tests start from this.
    public init(jwtSecretKey: String) {
        self.jwtSecretKey = jwtSecretKey
    }

    /// Reads the configuration from environment variables; empty values count as unset.
    /// Throws ``ConfigurationError`` naming the variable and the expected form.
    public init(environment: [String: String]) throws {
        let env = EnvironmentReader(values: environment)
        guard let secret = env.string("JWT_SECRET_KEY") else {
            throw ConfigurationError(variable: "JWT_SECRET_KEY", problem: "is not set", hint: "set it to a random string of at least 32 bytes (the chart's Secret provides it)")
        }
        self.init(jwtSecretKey: secret)
        appName = env.string("APP_NAME") ?? appName
        appVersion = env.string("APP_VERSION") ?? appVersion
        self.environment = try env.oneOf("ENVIRONMENT", ["development", "staging", "production"]) ?? self.environment
        if let level = try env.oneOf("LOG_LEVEL", ["trace", "debug", "info", "notice", "warning", "error", "critical"]) {
            logLevel = Logger.Level(rawValue: level) ?? .info
        }
        if let format = try env.oneOf("LOG_FORMAT", ["json", "text"]) { logFormat = LogFormat(rawValue: format) ?? .json }
        host = env.string("HOST") ?? host
        port = try env.int("PORT", in: 0...65535) ?? port
        metricsPort = try env.int("METRICS_PORT", in: 0...65535) ?? metricsPort
        requestTimeoutSeconds = try env.int("REQUEST_TIMEOUT_SECONDS", in: 1...3600) ?? requestTimeoutSeconds
        maxRequestBodyBytes = try env.int("MAX_REQUEST_BODY_BYTES", in: 1...(1 << 30)) ?? maxRequestBodyBytes
        corsAllowedOrigins = env.list("CORS_ALLOWED_ORIGINS")
        corsAllowCredentials = try env.bool("CORS_ALLOW_CREDENTIALS") ?? corsAllowCredentials
        rateLimitPerMinute = try env.int("RATE_LIMIT_PER_MINUTE", in: 1...10_000_000) ?? rateLimitPerMinute
        httpsEnforce = try env.bool("HTTPS_ENFORCE") ?? httpsEnforce
        securityHeadersEnabled = try env.bool("SECURITY_HEADERS_ENABLED") ?? securityHeadersEnabled
        ollamaURL = try env.url("OLLAMA_URL")
        ollamaModel = env.string("OLLAMA_MODEL") ?? ollamaModel
        ollamaTimeoutSeconds = try env.int("OLLAMA_TIMEOUT_SECONDS", in: 1...3600) ?? ollamaTimeoutSeconds
        chromaURL = try env.url("CHROMA_URL")
        chromaCollection = env.string("CHROMA_COLLECTION") ?? chromaCollection
        postgresHost = env.string("POSTGRES_HOST") ?? postgresHost
        postgresPort = try env.int("POSTGRES_PORT", in: 1...65535) ?? postgresPort
        postgresDatabase = env.string("POSTGRES_DB") ?? postgresDatabase
        postgresUser = env.string("POSTGRES_USER") ?? postgresUser
        postgresPoolSize = try env.int("POSTGRES_POOL_SIZE", in: 1...1000) ?? postgresPoolSize
        postgresPassword = env.string("POSTGRES_PASSWORD")
        redisHost = env.string("REDIS_HOST")
        redisPort = try env.int("REDIS_PORT", in: 1...65535) ?? redisPort
        redisDatabase = try env.int("REDIS_DB", in: 0...1024) ?? redisDatabase
        cacheEnabled = try env.bool("CACHE_ENABLED") ?? cacheEnabled
        cacheTTLSeconds = try env.int("CACHE_TTL_SECONDS", in: 1...31_536_000) ?? cacheTTLSeconds
        ragChunkSize = try env.int("RAG_CHUNK_SIZE", in: 50...100_000) ?? ragChunkSize
        ragChunkOverlap = try env.int("RAG_CHUNK_OVERLAP", in: 0...50_000) ?? ragChunkOverlap
        ragTopK = try env.int("RAG_TOP_K", in: 1...1000) ?? ragTopK
        ragMaxTopK = try env.int("RAG_MAX_TOP_K", in: 1...1000) ?? ragMaxTopK
        ragMinScore = try env.double("RAG_MIN_SCORE", in: 0...1) ?? ragMinScore
        embeddingModel = env.string("EMBEDDING_MODEL") ?? embeddingModel
        analyticsEnabled = try env.bool("ANALYTICS_ENABLED") ?? analyticsEnabled
        metricsEnabled = try env.bool("METRICS_ENABLED") ?? metricsEnabled
        readyCheckTimeoutSeconds = try env.int("READY_CHECK_TIMEOUT_SECONDS", in: 1...300) ?? readyCheckTimeoutSeconds
        jwtAlgorithm = try env.oneOf("JWT_ALGORITHM", ["HS256"]) ?? jwtAlgorithm
        jwtAccessTokenTTLMinutes = try env.int("JWT_ACCESS_TOKEN_TTL_MINUTES", in: 1...525_600) ?? jwtAccessTokenTTLMinutes
        jwtRefreshTokenTTLDays = try env.int("JWT_REFRESH_TOKEN_TTL_DAYS", in: 1...3650) ?? jwtRefreshTokenTTLDays
        adminClientIDs = Set(env.list("ADMIN_CLIENT_IDS"))
        try validate()
    }

    /// Cross-field checks; also run on configurations built in code.
    public func validate() throws {
        if jwtSecretKey.utf8.count < 32 {
            throw ConfigurationError(variable: "JWT_SECRET_KEY", problem: "is \(jwtSecretKey.utf8.count) bytes long", hint: "use at least 32 bytes, e.g. `openssl rand -hex 32`")
        }
        if ragChunkOverlap >= ragChunkSize {
            throw ConfigurationError(variable: "RAG_CHUNK_OVERLAP", problem: "(\(ragChunkOverlap)) is not smaller than RAG_CHUNK_SIZE (\(ragChunkSize))", hint: "make the overlap smaller than the chunk size")
        }
        if ragTopK > ragMaxTopK {
            throw ConfigurationError(variable: "RAG_TOP_K", problem: "(\(ragTopK)) exceeds RAG_MAX_TOP_K (\(ragMaxTopK))", hint: "lower RAG_TOP_K or raise RAG_MAX_TOP_K")
        }
    }
}
