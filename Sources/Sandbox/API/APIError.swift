import KubeClient
/// A failure answered to the client as a Kubernetes `Status` object; `code` is the HTTP status.
public struct APIError: Error, Sendable, Equatable {
    public struct Cause: Sendable, Equatable {
        public var reason: String
        public var message: String
        public var field: String
    }

    public var code: Int
    public var reason: String
    public var message: String
    public var name: String?
    public var group: String?
    public var kind: String?
    public var causes: [Cause] = []
    public var retryAfterSeconds: Int?

    public init(code: Int, reason: String, message: String, name: String? = nil, group: String? = nil, kind: String? = nil, causes: [Cause] = [], retryAfterSeconds: Int? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static func notFound(_ type: ResourceType, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(type.qualifiedPlural) \"\(name)\" not found", name: name, group: type.group, kind: type.plural)
    }

    public static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found", name: namespace, group: "", kind: "namespaces")
    }

    public static func alreadyExists(_ type: ResourceType, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(type.qualifiedPlural) \"\(name)\" already exists", name: name, group: type.group, kind: type.plural)
    }

    public static func conflict(_ type: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(type.qualifiedPlural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
            name: name, group: type.group, kind: type.plural)
    }

    public static func invalid(_ type: ResourceType, _ name: String, _ causes: [Cause]) -> APIError {
        let detail = causes.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        return APIError(code: 422, reason: "Invalid", message: "\(type.qualifiedKind) \"\(name)\" is invalid: \(detail)", name: name, group: type.group, kind: type.kind, causes: causes)
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    public static func methodNotAllowed(_ message: String = "the server does not allow this method on the requested resource") -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: message)
    }

    public static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got \(contentType))")
    }

    public static func forbiddenTerminating(_ type: ResourceType, _ name: String, namespace: String) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: "\(type.qualifiedPlural) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated", name: name, group: type.group, kind: type.plural)
    }

    public static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    public static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    public static func tooManyRequests(retryAfter: Int) -> APIError {
        APIError(code: 429, reason: "TooManyRequests", message: "the server has received too many requests and has asked us to try again later", retryAfterSeconds: retryAfter)
    }

    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }

    /// The `Status` object the API server would send.
    public var statusObject: JSON {
        var details: [String: JSON] = [:]
        if let name { details["name"] = .string(name) }
        if let group { details["group"] = .string(group) }
        if let kind { details["kind"] = .string(kind) }
        if !causes.isEmpty {
            details["causes"] = .array(causes.map { .object(["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)]) })
        }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .int(Int64(retryAfterSeconds)) }
        var status: [String: JSON] = [
            "kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if !details.isEmpty { status["details"] = .object(details) }
        return .object(status)
    }
}
