import KubeClient
/// The checks the sandbox makes before storing an object; failures are 422 Invalid with causes.
enum Validation {
    static let maxReplicas: Int64 = 1000

    static func validate(_ type: ResourceType, _ object: JSON, name: String) throws(APIError) {
        var causes: [APIError.Cause] = []
        if !isDNSSubdomain(name) {
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", field: "metadata.name"))
        }
        if object["metadata"] != nil, object["metadata"]?.objectValue == nil {
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: metadata must be an object", field: "metadata"))
        }
        for (k, v) in object[path: ["metadata", "labels"]]?.objectValue ?? [:] where v.stringValue == nil {
            causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: label values must be strings", field: "metadata.labels.\(k)"))
        }
        switch (type.group, type.plural) {
        case ("apps", "deployments"), ("apps", "replicasets"), ("apps", "statefulsets"), ("apps", "daemonsets"):
            if object[path: ["spec", "selector"]] == nil {
                causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "spec.selector"))
            } else {
                let selector = LabelSelector.from(object: object[path: ["spec", "selector"]])
                if !selector.matches(object[path: ["spec", "template", "metadata", "labels"]]?.objectValue ?? [:]) {
                    causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: map[string]string{}: `selector` does not match template `labels`", field: "spec.template.metadata.labels"))
                }
            }
            if let replicas = object[path: ["spec", "replicas"]]?.intValue, replicas < 0 {
                causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \(replicas): must be greater than or equal to 0", field: "spec.replicas"))
            } else if let replicas = object[path: ["spec", "replicas"]]?.intValue, replicas > Self.maxReplicas {
                // The sandbox simulates every pod; a real cluster has no such cap.
                causes.append(.init(reason: "FieldValueInvalid", message: "Invalid value: \(replicas): the sandbox simulates at most \(Self.maxReplicas) replicas", field: "spec.replicas"))
            }
            validateContainers(object[path: ["spec", "template", "spec", "containers"]], field: "spec.template.spec.containers", into: &causes)
        case ("", "pods"):
            validateContainers(object[path: ["spec", "containers"]], field: "spec.containers", into: &causes)
        default:
            break
        }
        if !causes.isEmpty { throw APIError.invalid(type, name, causes) }
    }

    private static func validateContainers(_ value: JSON?, field: String, into causes: inout [APIError.Cause]) {
        guard let containers = value?.arrayValue, !containers.isEmpty else {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: field))
            return
        }
        for (i, c) in containers.enumerated() {
            if c["name"]?.stringValue?.isEmpty ?? true {
                causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "\(field)[\(i)].name"))
            }
            if c["image"]?.stringValue?.isEmpty ?? true {
                causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "\(field)[\(i)].image"))
            }
        }
    }

    static func isDNSSubdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        let bytes = Array(name.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 0x2D || $0 == 0x2E }
    }
}
