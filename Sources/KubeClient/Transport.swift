import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

typealias HTTPVerb = HTTPMethod

/// One request as the verbs describe it; `verb`/`resource`/`namespace`/`name` only feed messages.
struct Call: Sendable {
    var method: HTTPMethod
    /// Absolute path with query, appended to the server URL.
    var path: String
    var body: [UInt8]?
    var contentType: String?
    var accept = "application/json"
    /// Whether repeating the request is harmless (GET, PUT, DELETE, apply). Non-idempotent
    /// requests are retried only when they cannot have reached the server.
    var idempotent = true
    var verb: String
    var resource: String
    var namespace: String?
    var name: String?
    /// nil: the client's request timeout.
    var timeout: Duration?

    init(method: HTTPMethod, path: String, verb: String, resource: String, namespace: String? = nil, name: String? = nil) {
        self.method = method
        self.path = path
        self.verb = verb
        self.resource = resource
        self.namespace = namespace
        self.name = name
    }
}

struct RawResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    /// Answered over HTTP/2: the connection carries any number of requests at once.
    var multiplexed = false
}

/// A value behind a lock, for the few mutable bits the client shares between tasks.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Token bucket: `burst` requests at once, then `qps` per second (kubectl's client-side limiter).
final class RateLimiter: Sendable {
    private struct State {
        var tokens: Double
        var last: ContinuousClock.Instant
    }

    private let qps: Double
    private let burst: Double
    private let state: LockedBox<State>

    init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = Double(max(1, burst))
        self.state = LockedBox(State(tokens: Double(max(1, burst)), last: .now))
    }

    /// Takes a token, waiting when none is left; answers how long it waited.
    @discardableResult
    func acquire() async throws -> Duration {
        guard qps > 0 else { return .zero }
        let wait: Double = state.withLock { s in
            let now = ContinuousClock.now
            let elapsed = now - s.last
            s.last = now
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            s.tokens = min(burst, s.tokens + seconds * qps)
            s.tokens -= 1
            return s.tokens >= 0 ? 0 : -s.tokens / qps
        }
        guard wait > 0 else { return .zero }
        let d = Duration.nanoseconds(Int64(wait * 1e9))
        try await Task.sleep(for: d)
        return d
    }
}

/// HTTPS to one API server as one user: TLS from the kubeconfig, credentials, one connection
/// pool, rate limiting, retries with backoff, and the debug log.
final class Transport: Sendable {
    let http: HTTPClient
    /// The URL requests go to (the host replaced by `tls-server-name` when set; DNS maps it back).
    let baseURL: String
    /// The server URL as the kubeconfig writes it, for messages.
    let server: String
    let config: Kubeconfig.Resolved
    let options: KubeClientOptions
    let limiter: RateLimiter
    let credentials: Credentials
    let userAgent: String
    private let isShutDown = LockedBox(false)

    init(config: Kubeconfig.Resolved, options: KubeClientOptions) throws(KubeClientError) {
        self.config = config
        self.options = options
        let cluster = config.cluster
        var server = cluster.server
        while server.hasSuffix("/") { server.removeLast() }
        self.server = server
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            throw KubeClientError(.configuration, "the server URL \"\(cluster.server)\" of cluster \"\(config.clusterName)\" is not an http(s) URL; fix `server:` in the kubeconfig")
        }
        let clusterName = config.clusterName.isEmpty ? config.contextName : config.clusterName
        var tls: TLSConfiguration?
        var dnsOverride: [String: String] = [:]
        var base = server
        if scheme == "https" {
            tls = try Self.tlsConfiguration(config, clusterName: clusterName, options: options)
            if let sni = cluster.tlsServerName, !sni.isEmpty, sni != host {
                // Connect to the real host but send SNI and check the certificate for `tls-server-name`.
                dnsOverride[sni] = host
                let hostPart = host.contains(":") ? "[\(host)]" : host
                if let range = base.range(of: hostPart) { base.replaceSubrange(range, with: sni) }
            }
        }
        self.baseURL = base
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(options.connectTimeout.nanoseconds), read: nil),
            connectionPool: .init(idleTimeout: .seconds(90), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, options.maxConnections)),
            proxy: try Self.proxy(cluster.proxyURL, clusterName: clusterName), decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.dnsOverride = dnsOverride
        configuration.httpVersion = .automatic
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.limiter = RateLimiter(qps: options.qps, burst: options.burst)
        self.userAgent = UserAgent.value(version: options.version)
        self.credentials = Credentials(config: config, baseTLS: tls, options: options)
    }

    deinit {
        // HTTPClient insists on being shut down; do it for callers that forgot.
        if !isShutDown.withLock({ $0 }) { http.shutdown { _ in } }
    }

    func shutdown() async {
        let already = isShutDown.withLock { v -> Bool in
            defer { v = true }
            return v
        }
        if !already { try? await http.shutdown() }
    }

    // MARK: TLS

    static func tlsConfiguration(_ config: Kubeconfig.Resolved, clusterName: String, options: KubeClientOptions) throws(KubeClientError) -> TLSConfiguration {
        let cluster = config.cluster
        var tls = TLSConfiguration.makeClientConfiguration()
        let caBytes: [UInt8]?
        if let data = cluster.certificateAuthorityData {
            caBytes = Array(data)
        } else if let file = cluster.certificateAuthority {
            caBytes = try readFile(file, what: "certificate-authority file of cluster \"\(clusterName)\"")
        } else {
            caBytes = nil
        }
        if cluster.insecureSkipTLSVerify {
            if caBytes != nil {
                throw KubeClientError(.configuration, "cluster \"\(clusterName)\" sets both insecure-skip-tls-verify and a certificate authority; remove one of them from the kubeconfig")
            }
            options.warn("warning: insecure-skip-tls-verify is set for cluster \"\(clusterName)\" (\(cluster.server)): the server's certificate is not checked, so anyone on the network path can read and change this traffic")
            tls.certificateVerification = .none
        } else if let caBytes {
            // The cluster CA is the only trust root, as kubectl does it.
            tls.trustRoots = .certificates(try certificates(caBytes, what: "certificate authority of cluster \"\(clusterName)\""))
        }
        let user = config.user
        let userName = config.userName.isEmpty ? config.contextName : config.userName
        var certBytes = user.clientCertificateData.map { Array($0) }
        if certBytes == nil, let path = user.clientCertificate {
            certBytes = try readFile(path, what: "client-certificate file of user \"\(userName)\"")
        }
        var keyBytes = user.clientKeyData.map { Array($0) }
        if keyBytes == nil, let path = user.clientKey {
            keyBytes = try readFile(path, what: "client-key file of user \"\(userName)\"")
        }
        switch (certBytes, keyBytes) {
        case (let cert?, let key?):
            tls.certificateChain = try certificates(cert, what: "client certificate of user \"\(userName)\"").map { .certificate($0) }
            tls.privateKey = .privateKey(try privateKey(key, what: "client key of user \"\(userName)\""))
        case (nil, nil):
            break
        case (.some, nil):
            throw KubeClientError(.configuration, "user \"\(userName)\" has a client certificate but no client-key(-data); add the key to the kubeconfig")
        case (nil, .some):
            throw KubeClientError(.configuration, "user \"\(userName)\" has a client key but no client-certificate(-data); add the certificate to the kubeconfig")
        }
        return tls
    }

    static func readFile(_ path: String, what: String) throws(KubeClientError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw KubeClientError(.configuration, "cannot read the \(what) \(path): \(exists ? "permission denied" : "no such file"); fix the path in the kubeconfig")
        }
        return Array(data)
    }

    static func certificates(_ bytes: [UInt8], what: String) throws(KubeClientError) -> [NIOSSLCertificate] {
        if let pem = try? NIOSSLCertificate.fromPEMBytes(bytes), !pem.isEmpty { return pem }
        if let der = try? NIOSSLCertificate(bytes: bytes, format: .der) { return [der] }
        throw KubeClientError(.configuration, "the \(what) is not a PEM or DER certificate; check the kubeconfig entry")
    }

    static func privateKey(_ bytes: [UInt8], what: String) throws(KubeClientError) -> NIOSSLPrivateKey {
        if let key = try? NIOSSLPrivateKey(bytes: bytes, format: .pem) { return key }
        if let key = try? NIOSSLPrivateKey(bytes: bytes, format: .der) { return key }
        // Never quote key material: say only what is wrong.
        throw KubeClientError(.configuration, "the \(what) is not a PEM or DER private key; check the kubeconfig entry")
    }

    static func proxy(_ url: String?, clusterName: String) throws(KubeClientError) -> HTTPClient.Configuration.Proxy? {
        guard let url, !url.isEmpty else { return nil }
        guard let parsed = URL(string: url), let host = parsed.host, let scheme = parsed.scheme?.lowercased() else {
            throw KubeClientError(.configuration, "proxy-url \"\(url)\" of cluster \"\(clusterName)\" is not a URL")
        }
        switch scheme {
        case "http": return .server(host: host, port: parsed.port ?? 80)
        case "socks5", "socks5h": return .socksServer(host: host, port: parsed.port ?? 1080)
        default:
            throw KubeClientError(.configuration, "proxy-url \"\(url)\" of cluster \"\(clusterName)\": only http:// and socks5:// proxies are supported")
        }
    }

    // MARK: requests

    func log(_ line: @autoclosure () -> String) {
        if let log = options.debugLog { log(line()) }
    }

    /// Sends with rate limiting, credentials and retries; any HTTP status comes back (no throwing on 4xx).
    func sendRaw(_ call: Call) async throws -> RawResponse {
        if isShutDown.withLock({ $0 }) {
            throw KubeClientError(.connection, "the client for \(server) was shut down; create a new one")
        }
        var attempt = 0
        var refreshedCredentials = false
        let url = baseURL + call.path
        while true {
            attempt += 1
            let waited = try await limiter.acquire()
            if waited > .milliseconds(10) { log("rate limiter: waited \(Self.format(waited)) before \(call.method.rawValue) \(url)") }
            let auth = try await credentials.current()
            var request = HTTPClientRequest(url: url)
            request.method = call.method
            request.headers.add(name: "User-Agent", value: userAgent)
            request.headers.add(name: "Accept", value: call.accept)
            if let type = call.contentType { request.headers.add(name: "Content-Type", value: type) }
            if let bearer = auth.bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
            if let tls = auth.tls { request.tlsConfiguration = tls }
            if let body = call.body { request.body = .bytes(ByteBuffer(bytes: body)) }
            if options.debugBodies, options.debugLog != nil {
                log("request headers: " + Redaction.headers(request.headers))
                if let body = call.body { log("request body: " + Redaction.body(body)) }
            }
            let started = ContinuousClock.now
            let deadline = NIODeadline.now() + .nanoseconds((call.timeout ?? options.requestTimeout).nanoseconds)
            let outcome: Result<RawResponse, Error>
            do {
                let response = try await http.execute(request, deadline: deadline)
                let body = try await response.body.collect(upTo: 512 * 1024 * 1024)
                outcome = .success(RawResponse(status: Int(response.status.code), headers: response.headers, body: Array(body.readableBytesView),
                                               multiplexed: response.version.major >= 2))
            } catch {
                outcome = .failure(error)
            }
            let elapsed = Self.format(ContinuousClock.now - started)
            switch outcome {
            case .success(let response):
                log("\(call.method.rawValue) \(url) \(response.status) in \(elapsed) (attempt \(attempt))")
                if options.debugBodies, !response.body.isEmpty { log("response body: " + Redaction.body(response.body)) }
                if response.status == 401, !refreshedCredentials, credentials.canRefresh {
                    refreshedCredentials = true
                    credentials.invalidate()
                    log("401 Unauthorized: refreshing the credentials of user \"\(config.userName)\" and trying once more")
                    attempt -= 1
                    continue
                }
                let retriable = response.status == 429 || (call.idempotent && [500, 502, 503, 504].contains(response.status))
                if retriable && attempt <= options.maxRetries {
                    let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                    let wait: Duration
                    let why: String
                    if let retryAfter, retryAfter >= 0 {
                        wait = min(.seconds(retryAfter), options.maxRetryAfter)
                        why = "Retry-After"
                    } else {
                        wait = backoff(attempt)
                        why = "backoff"
                    }
                    log("retry \(attempt)/\(options.maxRetries) of \(call.method.rawValue) \(url) after HTTP \(response.status) \(KubeAPIError.reasonForCode(response.status)): waiting \(Self.format(wait)) (\(why))")
                    try await Task.sleep(for: wait)
                    continue
                }
                return response
            case .failure(let error):
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                let failure = classify(error, call: call)
                let retriable = failure.phase == .connect || (failure.phase == .afterSend && call.idempotent)
                if retriable && attempt <= options.maxRetries {
                    let wait = backoff(attempt)
                    log("retry \(attempt)/\(options.maxRetries) of \(call.method.rawValue) \(url) after \(failure.summary): waiting \(Self.format(wait)) (backoff)")
                    try await Task.sleep(for: wait)
                    continue
                }
                log("\(call.method.rawValue) \(url) failed after \(elapsed) (attempt \(attempt)): \(failure.summary)")
                throw failure.error
            }
        }
    }

    /// Opens a streaming request (watch): one attempt, the caller retries. A non-2xx answer
    /// is read and thrown as `KubeAPIError`; a 401 refreshes refreshable credentials once.
    func openStream(_ call: Call, timeout: Duration) async throws -> HTTPClientResponse {
        let url = baseURL + call.path
        var refreshed = false
        while true {
            try await limiter.acquire()
            let auth = try await credentials.current()
            var request = HTTPClientRequest(url: url)
            request.method = call.method
            request.headers.add(name: "User-Agent", value: userAgent)
            request.headers.add(name: "Accept", value: call.accept)
            if let bearer = auth.bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
            if let tls = auth.tls { request.tlsConfiguration = tls }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, deadline: .now() + .nanoseconds(timeout.nanoseconds))
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                throw classify(error, call: call).error
            }
            let status = Int(response.status.code)
            log("\(call.method.rawValue) \(url) \(status) (watch stream)")
            if (200..<300).contains(status) { return response }
            let body = try await response.body.collect(upTo: 1024 * 1024)
            if status == 401, !refreshed, credentials.canRefresh {
                refreshed = true
                credentials.invalidate()
                continue
            }
            throw apiError(RawResponse(status: status, headers: response.headers, body: Array(body.readableBytesView)), call)
        }
    }

    /// `sendRaw`, throwing `KubeAPIError` for any status outside 2xx.
    func send(_ call: Call) async throws -> RawResponse {
        let response = try await sendRaw(call)
        guard (200..<300).contains(response.status) else { throw apiError(response, call) }
        return response
    }

    func json(_ call: Call) async throws -> JSON {
        try Self.decode(try await send(call), call)
    }

    static func decode(_ response: RawResponse, _ call: Call) throws -> JSON {
        if response.body.isEmpty { return .object([:]) }
        do { return try JSONParser.parse(response.body) } catch {
            throw KubeClientError(.decoding, "the answer to \(call.verb) \(call.resource) was not JSON (\(error.description)); is the server URL a Kubernetes API server?")
        }
    }

    func apiError(_ response: RawResponse, _ call: Call) -> KubeAPIError {
        var error = KubeAPIError.decode(status: response.status, body: response.body)
        error.verb = call.verb
        error.resource = call.resource
        error.namespace = call.namespace
        error.objectName = call.name
        error.server = server
        error.contextName = config.contextName
        error.userName = config.userName
        return error
    }

    /// Exponential backoff with ±50 % jitter.
    func backoff(_ attempt: Int) -> Duration {
        let base = Double(options.initialBackoff.nanoseconds) * pow(2, Double(min(attempt - 1, 20)))
        let capped = min(base, Double(options.maxBackoff.nanoseconds))
        return .nanoseconds(Int64(capped * Double.random(in: 0.5...1.5)))
    }

    static func format(_ d: Duration) -> String {
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return seconds < 1 ? "\(Int((seconds * 1000).rounded()))ms" : String(format: "%.2fs", seconds)
    }

    // MARK: transport errors

    struct Failure {
        enum Phase { case connect, afterSend, permanent }
        var phase: Phase
        var summary: String
        var error: Error
    }

    /// Sorts a transport error into "never reached the server" (safe to retry anything),
    /// "may have reached it" (retry only idempotent requests) and permanent (TLS trust).
    func classify(_ error: Error, call: Call) -> Failure {
        let described = String(describing: error)
        let typeName = String(describing: type(of: error))
        let ctx = "context \"\(config.contextName)\""
        if let ssl = error as? NIOSSLError {
            if case .handshakeFailed = ssl {
                if described.contains("CERTIFICATE_VERIFY_FAILED") || described.lowercased().contains("certificate verify failed") {
                    return Failure(phase: .permanent, summary: "TLS certificate verification failed", error: KubeClientError(.tls, tlsTrustMessage()))
                }
                if described.contains("EOF during handshake") || described.contains("syscall") {
                    return Failure(phase: .connect, summary: "connection closed during the TLS handshake", error: KubeClientError(.connection,
                        "the connection to \(server) was closed during the TLS handshake (\(ctx)); check that the API server is running and that the server URL names its HTTPS port"))
                }
                return Failure(phase: .connect, summary: "TLS handshake failed", error: KubeClientError(.tls,
                    "TLS handshake with \(server) failed (\(ctx)): \(described). Check that the server URL uses the API server's HTTPS port and that its TLS settings match the kubeconfig"))
            }
            return Failure(phase: .connect, summary: "connection closed during the TLS handshake", error: KubeClientError(.connection,
                "the connection to \(server) was closed during the TLS handshake (\(ctx)); check that the API server is running and reachable"))
        }
        if error is NIOSSLExtraError || described.contains("failedToValidateHostname") {
            let name = config.cluster.tlsServerName.map { "tls-server-name \"\($0)\"" } ?? "the host of the server URL"
            return Failure(phase: .permanent, summary: "TLS hostname mismatch", error: KubeClientError(.tls,
                "TLS error talking to \(server) (\(ctx)): the server's certificate is not valid for \(name). Check the server URL, or set tls-server-name in the cluster entry of the kubeconfig to a name the certificate covers"))
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout, .tlsHandshakeTimeout:
                return Failure(phase: .connect, summary: "connect timeout", error: KubeClientError(.timeout,
                    "timed out connecting to \(server) (\(ctx)); check that the server is reachable from here (VPN, firewall, proxy-url)"))
            case .remoteConnectionClosed, .cancelled:
                // `.cancelled` is not our cancellation (handled before classifying): AsyncHTTPClient
                // also reports it for a request handed to an HTTP/2 connection the server had just
                // closed (the pool had not seen the close yet) or running when it shut down.
                return Failure(phase: .afterSend, summary: "connection closed by the server", error: KubeClientError(.connection,
                    "\(server) closed the connection before answering \(call.method.rawValue) \(call.path.split(separator: "?").first ?? "") (\(ctx)); the request may or may not have been applied, check the object and try again"))
            case .deadlineExceeded, .readTimeout:
                return Failure(phase: .afterSend, summary: "request timed out", error: KubeClientError(.timeout,
                    "\(call.verb) \(call.resource) on \(server) did not answer within \(Self.format(call.timeout ?? options.requestTimeout)) (\(ctx)); the server may be overloaded, try again"))
            default:
                break
            }
        }
        if typeName.contains("NIOConnectionError") || error is IOError || described.contains("connectTimeout") || described.contains("connection refused")
            || described.contains("Connection refused")
        {
            return Failure(phase: .connect, summary: "cannot connect", error: KubeClientError(.connection,
                "cannot connect to \(server) (\(ctx)): \(Self.shortConnectReason(described)). Check that the cluster is running and the server URL in the kubeconfig is right"))
        }
        if let channel = error as? ChannelError, channel == .eof || channel == .ioOnClosedChannel || channel == .alreadyClosed || channel == .outputClosed {
            return Failure(phase: .afterSend, summary: "connection lost", error: KubeClientError(.connection,
                "the connection to \(server) was lost (\(ctx)); the request may or may not have been applied, try again"))
        }
        return Failure(phase: .permanent, summary: typeName, error: KubeClientError(.connection, "request to \(server) failed (\(ctx)): \(described)"))
    }

    static func shortConnectReason(_ described: String) -> String {
        if described.contains("refused") { return "connection refused" }
        if described.lowercased().contains("timeout") || described.lowercased().contains("timed out") { return "connection timed out" }
        if described.contains("resolve") || described.contains("getaddrinfo") { return "the host name does not resolve" }
        return described
    }

    func tlsTrustMessage() -> String {
        let cluster = config.clusterName.isEmpty ? config.contextName : config.clusterName
        let source: String
        if config.cluster.certificateAuthorityData != nil {
            source = "certificate-authority-data of cluster \"\(cluster)\""
        } else if let file = config.cluster.certificateAuthority {
            source = "certificate-authority file \(file) of cluster \"\(cluster)\""
        } else {
            source = "system trust store (cluster \"\(cluster)\" names no certificate-authority)"
        }
        return "TLS error talking to \(server) (context \"\(config.contextName)\"): the server's certificate is not signed by a trusted authority (certificate verify failed). "
            + "Check that the \(source) belongs to this cluster and that the server URL points to the right cluster; refresh the kubeconfig if the cluster was recreated"
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
