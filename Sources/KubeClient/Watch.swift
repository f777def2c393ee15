import Foundation

/// The loop behind `KubeClient.watch`: list (unless a resourceVersion is given), then watch
/// from the last resourceVersion seen; reconnect after the server ends the stream or the
/// connection drops; relist on 410 Gone and emit only what changed. A cache of the objects
/// seen (like an informer's) drops replayed events, so none is repeated.
struct Watcher: Sendable {
    let client: KubeClient
    let apiVersion: String
    let kind: String
    let namespace: String?
    let allNamespaces: Bool
    let labelSelector: String?
    let fieldSelector: String?
    let resourceVersion: String?
    let timeoutSeconds: Int?

    typealias Continuation = AsyncThrowingStream<WatchEvent, Error>.Continuation

    func stream() -> AsyncThrowingStream<WatchEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchEvent, Error>.makeStream(bufferingPolicy: .unbounded)
        let task = Task { await run(continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private static func key(_ object: JSON) -> String {
        (object[path: ["metadata", "namespace"]]?.stringValue ?? "") + "/" + (object[path: ["metadata", "name"]]?.stringValue ?? "")
    }

    private static func version(_ object: JSON) -> String { object[path: ["metadata", "resourceVersion"]]?.stringValue ?? "" }
    private static func uid(_ object: JSON) -> String { object[path: ["metadata", "uid"]]?.stringValue ?? "" }

    /// The state the consumer has been told about.
    private struct Known {
        var objects: [String: JSON] = [:]
        /// True when `objects` came from a list, so it is the whole picture.
        var complete = false
    }

    private func run(_ out: Continuation) async {
        let transport = client.transport
        do {
            let r = try await client.resource(apiVersion: apiVersion, kind: kind)
            let ns: String? = r.namespaced && !allNamespaces ? (namespace ?? client.defaultNamespace) : nil
            let what = r.qualifiedResource + (ns.map { " in namespace \($0)" } ?? "")
            var known = Known()
            var rv = resourceVersion ?? ""
            if rv.isEmpty {
                rv = try await relist(into: &known, out)
            }
            var failures = 0
            while !Task.isCancelled {
                do {
                    let timeout = timeoutSeconds ?? Int.random(in: 300...600)
                    var query: [(String, String)] = [("allowWatchBookmarks", "true")]
                    if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
                    if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
                    query += [("resourceVersion", rv), ("timeoutSeconds", String(timeout)), ("watch", "true")]
                    let call = Call(method: .GET, path: r.path(namespace: ns) + KubeClient.query(query), verb: "watch", resource: r.qualifiedResource, namespace: ns)
                    let response = try await transport.openStream(call, timeout: .seconds(timeout + 30))
                    failures = 0
                    var buffer: [UInt8] = []
                    for try await chunk in response.body {
                        buffer.append(contentsOf: chunk.readableBytesView)
                        while let newline = buffer.firstIndex(of: 0x0A) {
                            let line = Array(buffer[buffer.startIndex..<newline])
                            buffer.removeSubrange(buffer.startIndex...newline)
                            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                            let event: JSON
                            do { event = try JSONParser.parse(line) } catch {
                                throw KubeClientError(.decoding, "a watch event from \(transport.server) was not JSON (\(error.description))")
                            }
                            if let next = try handle(event, known: &known, out, call: call) { rv = next }
                        }
                    }
                    transport.log("watch of \(what) ended by the server; resuming from resourceVersion \(rv)")
                } catch let error as KubeAPIError where error.code == 410 {
                    transport.log("watch of \(what): resourceVersion \(rv) is too old (410 \(error.reason)); relisting")
                    rv = try await relist(into: &known, out)
                } catch {
                    if error is CancellationError || Task.isCancelled { break }
                    guard Self.retriable(error) else { throw error }
                    failures += 1
                    if failures > max(3, client.options.maxRetries * 2) { throw error }
                    var wait = transport.backoff(failures)
                    if let api = error as? KubeAPIError, let after = api.retryAfterSeconds { wait = min(.seconds(after), client.options.maxRetryAfter) }
                    transport.log("watch of \(what) dropped (\(Self.summary(error))); retry \(failures), resuming from resourceVersion \(rv) in \(Transport.format(wait))")
                    try await Task.sleep(for: wait)
                }
            }
            out.finish()
        } catch {
            if error is CancellationError || Task.isCancelled { out.finish() } else { out.finish(throwing: error) }
        }
    }

    /// Applies one event line; answers the resourceVersion to resume from.
    private func handle(_ event: JSON, known: inout Known, _ out: Continuation, call: Call) throws -> String? {
        let object = event["object"] ?? .null
        switch event["type"]?.stringValue {
        case "ERROR":
            throw client.transport.apiError(RawResponse(status: Int(object["code"]?.intValue ?? 500), headers: [:], body: JSONWriter.bytes(object)), call)
        case "BOOKMARK":
            let v = Self.version(object)
            return v.isEmpty ? nil : v
        case "DELETED":
            let k = Self.key(object)
            if known.objects[k] == nil && known.complete { return Self.version(object) }
            known.objects[k] = nil
            out.yield(WatchEvent(type: .deleted, object: object))
            return Self.version(object)
        case "ADDED", "MODIFIED":
            let k = Self.key(object)
            let v = Self.version(object)
            if let old = known.objects[k] {
                if Self.version(old) == v { return v }
                if Self.uid(old) != Self.uid(object) && !Self.uid(old).isEmpty {
                    out.yield(WatchEvent(type: .deleted, object: old))
                    known.objects[k] = object
                    out.yield(WatchEvent(type: .added, object: object))
                    return v
                }
                known.objects[k] = object
                out.yield(WatchEvent(type: .modified, object: object))
            } else {
                known.objects[k] = object
                out.yield(WatchEvent(type: .added, object: object))
            }
            return v.isEmpty ? nil : v
        default:
            return nil
        }
    }

    /// Lists the current objects and tells the consumer only the differences to what it knew.
    private func relist(into known: inout Known, _ out: Continuation) async throws -> String {
        let list = try await client.list(apiVersion: apiVersion, kind: kind, namespace: namespace, allNamespaces: allNamespaces,
                                         labelSelector: labelSelector, fieldSelector: fieldSelector)
        var seen = Set<String>()
        for item in list.items {
            let k = Self.key(item)
            seen.insert(k)
            if let old = known.objects[k] {
                if Self.uid(old) != Self.uid(item) && !Self.uid(old).isEmpty {
                    out.yield(WatchEvent(type: .deleted, object: old))
                    out.yield(WatchEvent(type: .added, object: item))
                } else if Self.version(old) != Self.version(item) {
                    out.yield(WatchEvent(type: .modified, object: item))
                }
            } else {
                out.yield(WatchEvent(type: .added, object: item))
            }
            known.objects[k] = item
        }
        for k in known.objects.keys.sorted() where !seen.contains(k) {
            if let old = known.objects.removeValue(forKey: k) { out.yield(WatchEvent(type: .deleted, object: old)) }
        }
        known.complete = true
        return list.resourceVersion
    }

    /// Errors a reconnect can cure: lost connections, timeouts, overload.
    static func retriable(_ error: Error) -> Bool {
        if let api = error as? KubeAPIError { return api.code == 429 || api.code >= 500 }
        if let client = error as? KubeClientError {
            // A handshake cut short is an outage; a certificate the trust roots reject is not.
            return client.kind == .connection || client.kind == .timeout || client.kind == .decoding
                || (client.kind == .tls && !client.description.contains("certificate verify failed") && !client.description.contains("not valid for"))
        }
        // Errors from reading the body (the connection dropped mid-stream).
        return true
    }

    static func summary(_ error: Error) -> String {
        if let api = error as? KubeAPIError { return "HTTP \(api.code) \(api.reason)" }
        if let client = error as? KubeClientError { return "\(client.kind)" }
        return String(describing: type(of: error))
    }
}
