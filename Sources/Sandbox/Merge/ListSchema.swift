import KubeClient
/// How a list field merges, from the Kubernetes schema facts both strategic merge patch and
/// server-side apply rely on. The sandbox has no per-kind schema, so lists are recognised by
/// their field name and the shape of their items.
enum ListKind: Equatable {
    case keyed([String])
    case set
    case atomic
}

enum ListSchema {
    /// Lists of custom resources are atomic: their CRD schema is not interpreted.
    static func kind(field: String, items: [JSON], forApply: Bool, custom: Bool) -> ListKind {
        if custom { return .atomic }
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets":
            return .keyed(["name"])
        case "ports":
            let isContainerPort = items.contains { $0["containerPort"] != nil }
            if isContainerPort { return .keyed(forApply ? ["containerPort", "protocol"] : ["containerPort"]) }
            return .keyed(forApply ? ["port", "protocol"] : ["port"])
        case "volumeMounts": return .keyed(["mountPath"])
        case "volumeDevices": return .keyed(["devicePath"])
        case "hostAliases": return .keyed(["ip"])
        case "topologySpreadConstraints": return .keyed(["topologyKey", "whenUnsatisfiable"])
        case "conditions": return .keyed(["type"])
        case "ownerReferences": return .keyed(["uid"])
        case "finalizers": return .set
        default: return .atomic
        }
    }

    /// The key object of a list item, with defaults filled for `protocol`.
    static func keyObject(_ item: JSON, keys: [String]) -> JSON {
        var fields: [String: JSON] = [:]
        for k in keys {
            if let v = item[k] { fields[k] = v } else if k == "protocol" { fields[k] = "TCP" }
        }
        return .object(fields)
    }

    static func sameKey(_ a: JSON, _ b: JSON, keys: [String]) -> Bool {
        keyObject(a, keys: keys) == keyObject(b, keys: keys)
    }
}
