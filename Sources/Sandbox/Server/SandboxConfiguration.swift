import Foundation

/// How to run a sandbox. Defaults suit an in-process test: ephemeral port, no data directory.
public struct SandboxConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    /// Where certificates, the token and the object store persist; nil keeps everything in memory.
    public var dataDirectory: String?
    /// The bearer token clients must send; generated when nil (and stored in the data directory).
    public var token: String?
    public var controllers = ControllerSettings()
    public var faults = FaultSettings()
    public var threads = 2
    /// Offer h2 over ALPN, as kube-apiserver does; false serves HTTP/1.1 only (as before), to
    /// compare the two or to serve a client that mishandles h2.
    public var http2 = true

    public init(port: Int = 0, dataDirectory: String? = nil, token: String? = nil, readyDelay: Duration = .milliseconds(500), faults: FaultSettings = FaultSettings()) {
        self.port = port
        self.dataDirectory = dataDirectory
        self.token = token
        self.controllers = ControllerSettings(readyDelay: readyDelay)
        self.faults = faults
    }
}

/// Failures the sandbox can inject, for testing clients' retries and timeouts.
public struct FaultSettings: Sendable {
    /// Added before every answer.
    public var latency: Duration = .zero
    /// Share of requests (0…1) answered 429 TooManyRequests with `Retry-After`.
    public var tooManyRequestsRate = 0.0
    /// Share of requests answered 500 InternalError.
    public var serverErrorRate = 0.0
    /// Share of requests whose connection is closed without an answer.
    public var dropRate = 0.0
    /// New connections are closed at once during this long after start.
    public var refuseConnectionsFor: Duration = .zero
    public var retryAfterSeconds = 1

    public init(latency: Duration = .zero, tooManyRequestsRate: Double = 0, serverErrorRate: Double = 0, dropRate: Double = 0, refuseConnectionsFor: Duration = .zero, retryAfterSeconds: Int = 1) {
        self.latency = latency
        self.tooManyRequestsRate = tooManyRequestsRate
        self.serverErrorRate = serverErrorRate
        self.dropRate = dropRate
        self.refuseConnectionsFor = refuseConnectionsFor
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Reads `SANDBOX_FAULT_LATENCY_MS`, `SANDBOX_FAULT_429_RATE`, `SANDBOX_FAULT_500_RATE`,
    /// `SANDBOX_FAULT_DROP_RATE` and `SANDBOX_FAULT_REFUSE_SECONDS`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> FaultSettings {
        var f = FaultSettings()
        if let v = env["SANDBOX_FAULT_LATENCY_MS"].flatMap(Int.init) { f.latency = .milliseconds(v) }
        if let v = env["SANDBOX_FAULT_429_RATE"].flatMap(Double.init) { f.tooManyRequestsRate = v }
        if let v = env["SANDBOX_FAULT_500_RATE"].flatMap(Double.init) { f.serverErrorRate = v }
        if let v = env["SANDBOX_FAULT_DROP_RATE"].flatMap(Double.init) { f.dropRate = v }
        if let v = env["SANDBOX_FAULT_REFUSE_SECONDS"].flatMap(Double.init) { f.refuseConnectionsFor = .milliseconds(Int64(v * 1000)) }
        return f
    }

    /// What to do with one request.
    enum Decision { case proceed, drop, tooManyRequests, serverError }

    func decide<G: RandomNumberGenerator>(using generator: inout G) -> Decision {
        let roll = Double.random(in: 0..<1, using: &generator)
        if roll < dropRate { return .drop }
        if roll < dropRate + tooManyRequestsRate { return .tooManyRequests }
        if roll < dropRate + tooManyRequestsRate + serverErrorRate { return .serverError }
        return .proceed
    }
}
