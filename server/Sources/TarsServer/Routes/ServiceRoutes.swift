import Hummingbird

/// `GET /`, `GET /health`, `GET /ready`, `GET /metrics/prometheus`.
struct ServiceRoutes: Sendable {
    struct Info: ResponseEncodable { let service: String; let version: String; let environment: String }
    struct Health: ResponseEncodable { let status: String }

    let configuration: ServerConfiguration
    let readiness: ReadinessChecker
    let metrics: ServerMetrics

    func register(on router: Router<AppRequestContext>) {
        router.get("/") { _, _ in
            Info(service: configuration.appName, version: configuration.appVersion, environment: configuration.environment)
        }
        router.get("/health") { _, _ in Health(status: "ok") }
        router.get("/ready") { _, _ -> EditedResponse<ReadinessReport> in
            let report = await readiness.check()
            let postgresDown = report.checks["postgres"]?.status == "error"
            return EditedResponse(status: postgresDown ? .serviceUnavailable : .ok, response: report)
        }
        if configuration.metricsEnabled {
            router.get("/metrics/prometheus") { _, _ in Self.exposition(metrics) }
        }
    }

    static func exposition(_ metrics: ServerMetrics) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.exposition()))
        )
    }
}

extension ReadinessReport: ResponseEncodable {}
