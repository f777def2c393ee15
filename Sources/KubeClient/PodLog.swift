extension KubeClient {
    /// `GET /api/v1/namespaces/NS/pods/NAME/log` (`kubectl logs`): the text one container has
    /// written so far. `container` nil asks for the Pod's only container; the server answers
    /// 400 for a Pod with several, 404 for a Pod that does not exist (thrown as `KubeAPIError`).
    public func podLog(namespace: String? = nil, name: String, container: String? = nil) async throws -> String {
        let ns = namespace ?? defaultNamespace
        var query: [(String, String)] = []
        if let container, !container.isEmpty { query.append(("container", container)) }
        let path = "/api/v1/namespaces/\(APIResource.segment(ns))/pods/\(APIResource.segment(name))/log" + Self.query(query)
        var call = Call(method: .GET, path: path, verb: "get", resource: "pods/log", namespace: ns, name: name)
        // The log is text/plain; errors still come as a JSON Status.
        call.accept = "application/json, */*"
        return String(decoding: try await transport.send(call).body, as: UTF8.self)
    }
}
