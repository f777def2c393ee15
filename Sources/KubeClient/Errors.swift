/// An error answered by the API server: the decoded `Status` object plus what the client was
/// doing, so the message can say what failed, where and what to do.
public struct KubeAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Cause: Sendable, Equatable {
        public var reason: String
        public var message: String
        public var field: String
        public init(reason: String, message: String, field: String) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    /// The HTTP status (= `Status.code`).
    public var code: Int
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Forbidden`, … (empty when the body was no Status).
    public var reason: String
    public var message: String
    public var causes: [Cause] = []
    /// `details.group`, `details.kind` (a plural resource or a Kind, as the server words it) and `details.name`.
    public var group: String?
    public var kind: String?
    public var name: String?
    public var retryAfterSeconds: Int?

    /// What the client asked: `get`, `list`, `create`, `apply`, `patch`, `delete`, `watch`, `discover`.
    public var verb: String = ""
    /// The resource the request addressed, `deployments.apps` or `configmaps`.
    public var resource: String = ""
    public var namespace: String?
    public var objectName: String?
    /// The server URL, the kubeconfig context and user the request was sent with.
    public var server: String = ""
    public var contextName: String = ""
    public var userName: String = ""

    public init(code: Int, reason: String, message: String, causes: [Cause] = [], group: String? = nil, kind: String? = nil, name: String? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.causes = causes
        self.group = group
        self.kind = kind
        self.name = name
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Decodes a `Status` body; a body that is not a Status still gives an error with the HTTP code.
    public static func decode(status: Int, body: [UInt8]) -> KubeAPIError {
        guard let json = try? JSONParser.parse(body), json["kind"]?.stringValue == "Status" else {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return KubeAPIError(code: status, reason: reasonForCode(status), message: text.isEmpty ? "the server answered HTTP \(status)" : "the server answered HTTP \(status): \(text)")
        }
        let details = json["details"]
        let causes: [Cause] = (details?["causes"]?.arrayValue ?? []).map {
            Cause(reason: $0["reason"]?.stringValue ?? "", message: $0["message"]?.stringValue ?? "", field: $0["field"]?.stringValue ?? "")
        }
        let code = json["code"]?.intValue.map(Int.init) ?? status
        return KubeAPIError(
            code: code == 0 ? status : code, reason: json["reason"]?.stringValue ?? reasonForCode(status), message: json["message"]?.stringValue ?? "",
            causes: causes, group: details?["group"]?.stringValue, kind: details?["kind"]?.stringValue, name: details?["name"]?.stringValue,
            retryAfterSeconds: details?["retryAfterSeconds"]?.intValue.map(Int.init))
    }

    static func reasonForCode(_ code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 409: "Conflict"
        case 410: "Expired"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }

    public var isNotFound: Bool { code == 404 }
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    public var isFieldManagerConflict: Bool { code == 409 && causes.contains { $0.reason == "FieldManagerConflict" } }
    public var isInvalid: Bool { code == 422 }
    public var isGone: Bool { code == 410 }
    public var isUnauthorized: Bool { code == 401 }
    public var isForbidden: Bool { code == 403 }

    /// The RBAC verb a request needs: server-side apply is a `patch`, discovery a `get`.
    private var rbacVerb: String {
        switch verb {
        case "apply": "patch"
        case "discover", "": "get"
        default: verb
        }
    }

    private var target: String {
        var s = resource.isEmpty ? "the resource" : resource
        if let objectName, !objectName.isEmpty { s += " \"\(objectName)\"" }
        if let namespace, !namespace.isEmpty { s += " in namespace \"\(namespace)\"" }
        return s
    }

    public var description: String {
        let who = "user \"\(userName.isEmpty ? "(none)" : userName)\" of context \"\(contextName)\""
        switch code {
        case 401:
            return "Unauthorized: the API server \(server) rejected the credentials of \(who) while trying to \(verb.isEmpty ? "talk to it" : verb + " " + target). "
                + "Check that the token, client certificate or exec plugin of that user is current (tokens expire: re-run your cluster's get-credentials command, "
                + "e.g. `aws eks update-kubeconfig` or `gcloud container clusters get-credentials`), or choose another context with --kube-context."
        case 403:
            return "Forbidden: \(who) may not \(verb.isEmpty ? "access" : verb) \(target) on \(server): \(message). "
                + "Ask a cluster administrator for an RBAC role that allows `\(rbacVerb)` on \(resource.isEmpty ? "this resource" : resource), or use a context with more rights."
        default:
            var text = "Error from server (\(reason.isEmpty ? String(code) : reason)): \(message.isEmpty ? "HTTP \(code)" : message)"
            let unlisted = causes.filter { !$0.message.isEmpty && !message.contains($0.message) }
            for cause in unlisted { text += "\n  - \(cause.field.isEmpty ? "" : cause.field + ": ")\(cause.message)" }
            if isFieldManagerConflict {
                text += "\nAnother field manager owns these fields; re-run with --force-conflicts to take them over, or drop them from your manifest."
            } else if isNotFound && !resource.isEmpty && verb != "get" && verb != "delete" {
                text += " (while trying to \(verb) \(target) on \(server))"
            } else if code == 429 || code >= 500 {
                text += " (while trying to \(verb) \(target) on \(server); the server is overloaded or failing, try again later)"
            }
            return text
        }
    }
}

/// A failure before or outside an API answer: configuration, credentials, TLS, connection,
/// discovery. Messages name the server or file and say what to check.
public struct KubeClientError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        case configuration, credentials, tls, connection, timeout, decoding, unknownKind, cancelled
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
