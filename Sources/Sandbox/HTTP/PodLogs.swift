import KubeClient

/// `GET /api/v1/namespaces/NS/pods/NAME/log`: the sandbox runs no containers, so a Pod's "log"
/// is the text of its `sandbox.tarsctl.dev/log` annotation (empty without one), the same for
/// every container. The errors are the API server's: 404 `pods "NAME" not found`, 400 for a
/// container the Pod does not have or for a multi-container Pod asked without `container=`.
/// Other log options (`tailLines`, `follow`, `previous`, …) are accepted and ignored.
enum PodLogs {
    static let annotation = "sandbox.tarsctl.dev/log"

    static func answer(_ request: APIRequest, pod: JSON) throws(APIError) -> APIResponse {
        guard request.method == "GET" else { throw APIError.methodNotAllowed() }
        let name = pod[path: ["metadata", "name"]]?.stringValue ?? ""
        let names: (JSON?) -> [String] = { list in (list?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } }
        let containers = names(pod[path: ["spec", "containers"]])
        let initContainers = names(pod[path: ["spec", "initContainers"]])
        if let container = request.query["container"], !container.isEmpty {
            let ephemeral = names(pod[path: ["spec", "ephemeralContainers"]])
            guard (containers + initContainers + ephemeral).contains(container) else {
                throw APIError.badRequest("container \(container) is not valid for pod \(name)")
            }
        } else if containers.count != 1 {
            var message = "a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]"
            if !initContainers.isEmpty { message += " or one of the init containers: [\(initContainers.joined(separator: " "))]" }
            throw APIError.badRequest(message)
        }
        let text = pod[path: ["metadata", "annotations", annotation]]?.stringValue ?? ""
        return .raw(status: 200, body: Array(text.utf8), contentType: "text/plain")
    }
}
