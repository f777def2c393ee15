import KubeClient
import Foundation

/// One HTTP request as the router sees it, independent of NIO.
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var contentType: String
    public var accept: String
    public var body: [UInt8]

    public init(method: String, uri: String, contentType: String = "", accept: String = "", body: [UInt8] = []) {
        self.method = method
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map(String.init) ?? "/"
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.decode(kv[0])
                query[key] = kv.count > 1 ? Self.decode(kv[1]) : ""
            }
        }
        self.query = query
        self.contentType = contentType
        self.accept = accept
        self.body = body
    }

    private static func decode(_ s: Substring) -> String {
        // Most keys and values carry no escapes; Foundation's decoding is slow to find that out.
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(s) }
        let plus = String(s).replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }
}

/// What a request is answered with.
public enum APIResponse: Sendable {
    case json(status: Int, body: JSON, contentType: String = "application/json", headers: [(String, String)] = [])
    /// A body that is not JSON (a Pod's log, `text/plain`).
    case raw(status: Int, body: [UInt8], contentType: String)
    case watch(WatchRequest)
}

/// A watch the transport keeps open and feeds events into.
public struct WatchRequest: Sendable {
    public var typeID: String
    public var namespace: String?
    public var fieldSelector: FieldSelector?
    public var labelSelector: LabelSelector?
    public var resourceVersion: Int64?
    public var bookmarks: Bool
    public var initialEvents: Bool
    public var timeoutSeconds: Int64
    /// Set when the client asked for Table output: event objects are printed as one-row Tables.
    public var table: ResourceType?
}
