import Hummingbird

/// `GET /analytics/summary` (admin) and `DELETE /admin/clear-cache` (admin).
struct AdminRoutes: Sendable {
    struct Cleared: ResponseEncodable { let cleared: Int; let backend: String }

    let analytics: AnalyticsStore
    let cache: (any QueryCache)?

    func register(on router: Router<AppRequestContext>) {
        let admin = router.group().add(middleware: RequireScopeMiddleware(scope: .admin))
        admin.get("/analytics/summary") { _, _ -> AnalyticsSummary in
            try await analytics.summary()
        }
        admin.delete("/admin/clear-cache") { _, context -> Cleared in
            let cleared = try await cache?.clear() ?? 0
            context.logger.notice("cache cleared", metadata: ["entries": "\(cleared)", "by": "\(context.identity?.clientID ?? "")"])
            return Cleared(cleared: cleared, backend: cache?.backend ?? "disabled")
        }
    }
}

extension AnalyticsSummary: ResponseEncodable {}
