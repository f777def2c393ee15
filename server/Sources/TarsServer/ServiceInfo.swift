/// What `GET /` reports about the running service.
public struct ServiceInfo: Sendable, Equatable {
    public var service = "T.A.R.S."
    public var version = "0.4.0-alpha"
    public init() {}
}
