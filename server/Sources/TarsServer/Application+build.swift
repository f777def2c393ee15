import AsyncHTTPClient
import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle

extension ServerConfiguration {
    /// PostgresNIO settings for `POSTGRES_*`. TLS is off: the chart talks to an in-cluster database.
    public var postgresClientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: postgresHost, port: postgresPort, username: postgresUser,
            password: postgresPassword, database: postgresDatabase, tls: .disable
        )
        configuration.options.maximumConnections = postgresPoolSize
        configuration.options.minimumConnections = 0
        return configuration
    }
}

/// Shares one `HTTPClient` (Ollama, readiness probes) and shuts it down with the service group.
final class HTTPClientService: Service {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}

/// Builds the T.A.R.S. application: used by `tars-server serve` and by the tests.
public func buildApplication(configuration: ServerConfiguration, logger: Logger? = nil) async throws -> some ApplicationProtocol {
    try configuration.validate()
    let logger = logger ?? {
        var logger = Logger(label: "tars-server")
        logger.logLevel = configuration.logLevel
        return logger
    }()
    let postgres = PostgresClient(configuration: configuration.postgresClientConfiguration, backgroundLogger: logger)
    let httpService = HTTPClientService()
    let metrics = ServerMetrics()
    let tokens = await TokenService(configuration: configuration)
    let redis = configuration.redisHost.map { RedisClient(host: $0, port: configuration.redisPort, database: configuration.redisDatabase) }
    let cache: (any QueryCache)? = configuration.cacheEnabled ? (redis.map { RedisQueryCache(redis: $0) } ?? MemoryQueryCache()) : nil
    let analytics = configuration.analyticsEnabled ? AnalyticsRecorder(client: postgres, logger: logger) : nil
    let ollama = configuration.ollamaURL.map {
        OllamaClient(baseURL: $0, model: configuration.ollamaModel, timeout: .seconds(configuration.ollamaTimeoutSeconds), http: httpService.client)
    }
    let retrieval = RetrievalService(
        store: DocumentStore(client: postgres, logger: logger), cache: cache, cacheTTLSeconds: configuration.cacheTTLSeconds,
        ollama: ollama, minScore: configuration.ragMinScore, metrics: metrics, logger: logger
    )
    let readiness = ReadinessChecker(
        postgres: postgres, redis: redis, chromaURL: configuration.chromaURL, ollamaURL: configuration.ollamaURL,
        http: httpService.client, timeout: .seconds(configuration.readyCheckTimeoutSeconds), logger: logger
    )

    let router = Router(context: AppRequestContext.self)
    if configuration.securityHeadersEnabled { router.add(middleware: SecurityHeadersMiddleware()) }
    router.add(middleware: ErrorResponseMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: LogRequestsMiddleware(.debug))
    if configuration.httpsEnforce { router.add(middleware: HTTPSEnforcementMiddleware()) }
    if !configuration.corsAllowedOrigins.isEmpty {
        router.add(middleware: CORSAllowListMiddleware(allowedOrigins: Set(configuration.corsAllowedOrigins), allowCredentials: configuration.corsAllowCredentials))
    }
    router.add(middleware: RequestLimitsMiddleware(maxBodyBytes: configuration.maxRequestBodyBytes))
    router.add(middleware: AuthenticationMiddleware(tokens: tokens))
    router.add(middleware: RateLimitMiddleware(limiter: SlidingWindowRateLimiter(limit: configuration.rateLimitPerMinute)))

    ServiceRoutes(configuration: configuration, readiness: readiness, metrics: metrics).register(on: router)
    AuthRoutes(tokens: tokens).register(on: router)
    RAGRoutes(configuration: configuration, retrieval: retrieval, analytics: analytics, metrics: metrics).register(on: router)
    AdminRoutes(analytics: AnalyticsStore(client: postgres, logger: logger), cache: cache).register(on: router)

    var services: [any Service] = [postgres, httpService]
    if let analytics { services.append(analytics) }
    if configuration.metricsEnabled, configuration.metricsPort != configuration.port, configuration.metricsPort != 0 {
        services.append(metricsApplication(configuration: configuration, metrics: metrics, logger: logger))
    }
    if let redis { services.append(RedisShutdownService(redis: redis)) }
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.requestTimeoutSeconds) * 2))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.appName),
        services: services,
        logger: logger
    )
}

/// The Prometheus endpoint on `METRICS_PORT`, the port the chart's ServiceMonitor scrapes.
func metricsApplication(configuration: ServerConfiguration, metrics: ServerMetrics, logger: Logger) -> some Service {
    let router = Router()
    router.get("/metrics/prometheus") { _, _ in ServiceRoutes.exposition(metrics) }
    router.get("/metrics") { _, _ in ServiceRoutes.exposition(metrics) }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.metricsPort), serverName: configuration.appName),
        logger: logger
    )
}

/// Closes the Redis connection when the service group stops.
struct RedisShutdownService: Service {
    let redis: RedisClient
    func run() async throws {
        try? await gracefulShutdown()
        await redis.shutdown()
    }
}
