import KubeClient
import Foundation

/// Server-side printing (`meta.k8s.io/v1` Table), which `kubectl get` asks for to print its usual columns.
enum TablePrinter {
    struct Column: Sendable {
        var name: String
        var type = "string"
        var format = ""
        var cell: @Sendable (JSON, Date) -> JSON
    }

    static func wants(_ accept: String) -> Bool { accept.contains("as=Table") }

    static func table(_ type: ResourceType, items: [JSON], resourceVersion: String, continueToken: String? = nil, now: Date = Date()) -> JSON {
        let cols = columns(for: type)
        var metadata: JSON = ["resourceVersion": .string(resourceVersion)]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        return ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
                "columnDefinitions": .array(cols.map { ["name": .string($0.name), "type": .string($0.type), "format": .string($0.format), "description": "", "priority": 0] }),
                "rows": .array(items.map { row($0, cols, now) })]
    }

    private static func row(_ object: JSON, _ cols: [Column], _ now: Date) -> JSON {
        ["cells": .array(cols.map { $0.cell(object, now) }),
         "object": ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object["metadata"] ?? .object([:])]]
    }

    private static let name = Column(name: "Name", format: "name") { o, _ in .string(o.name) }
    private static let age = Column(name: "Age") { o, now in .string(humanAge(o[path: ["metadata", "creationTimestamp"]]?.stringValue, now)) }

    private static func int(_ o: JSON, _ path: [String]) -> Int64 { o[path: path]?.intValue ?? 0 }

    static func columns(for type: ResourceType) -> [Column] {
        switch (type.group, type.plural) {
        case ("", "pods"):
            return [name,
                    Column(name: "Ready") { o, _ in
                        let statuses = o[path: ["status", "containerStatuses"]]?.arrayValue ?? []
                        let total = o[path: ["spec", "containers"]]?.arrayValue?.count ?? 0
                        return .string("\(statuses.filter { $0["ready"] == true }.count)/\(total)")
                    },
                    Column(name: "Status") { o, _ in o[path: ["status", "phase"]] ?? "Pending" },
                    Column(name: "Restarts", type: "string") { _, _ in "0" }, age]
        case ("apps", "deployments"):
            return [name,
                    Column(name: "Ready") { o, _ in .string("\(int(o, ["status", "readyReplicas"]))/\(o[path: ["spec", "replicas"]]?.intValue ?? 1)") },
                    Column(name: "Up-to-date", type: "integer") { o, _ in .int(int(o, ["status", "updatedReplicas"])) },
                    Column(name: "Available", type: "integer") { o, _ in .int(int(o, ["status", "availableReplicas"])) }, age]
        case ("apps", "replicasets"):
            return [name,
                    Column(name: "Desired", type: "integer") { o, _ in .int(o[path: ["spec", "replicas"]]?.intValue ?? 1) },
                    Column(name: "Current", type: "integer") { o, _ in .int(int(o, ["status", "replicas"])) },
                    Column(name: "Ready", type: "integer") { o, _ in .int(int(o, ["status", "readyReplicas"])) }, age]
        case ("apps", "statefulsets"):
            return [name, Column(name: "Ready") { o, _ in .string("\(int(o, ["status", "readyReplicas"]))/\(o[path: ["spec", "replicas"]]?.intValue ?? 1)") }, age]
        case ("", "services"):
            return [name,
                    Column(name: "Type") { o, _ in o[path: ["spec", "type"]] ?? "ClusterIP" },
                    Column(name: "Cluster-IP") { o, _ in o[path: ["spec", "clusterIP"]] ?? "<none>" },
                    Column(name: "External-IP") { o, _ in
                        .string(o[path: ["status", "loadBalancer", "ingress"]]?.arrayValue?.first?["ip"]?.stringValue ?? (o[path: ["spec", "type"]] == "LoadBalancer" ? "<pending>" : "<none>"))
                    },
                    Column(name: "Port(s)") { o, _ in
                        let ports = (o[path: ["spec", "ports"]]?.arrayValue ?? []).map { "\($0["port"]?.intValue ?? 0)/\($0["protocol"]?.stringValue ?? "TCP")" }
                        return .string(ports.isEmpty ? "<none>" : ports.joined(separator: ","))
                    }, age]
        case ("batch", "jobs"):
            return [name,
                    Column(name: "Status") { o, _ in
                        let conditions = o[path: ["status", "conditions"]]?.arrayValue ?? []
                        if conditions.contains(where: { $0["type"] == "Complete" && $0["status"] == "True" }) { return "Complete" }
                        if conditions.contains(where: { $0["type"] == "Failed" && $0["status"] == "True" }) { return "Failed" }
                        return "Running"
                    },
                    Column(name: "Completions") { o, _ in .string("\(int(o, ["status", "succeeded"]))/\(o[path: ["spec", "completions"]]?.intValue ?? 1)") }, age]
        case ("", "persistentvolumeclaims"):
            return [name, Column(name: "Status") { o, _ in o[path: ["status", "phase"]] ?? "Pending" },
                    Column(name: "Capacity") { o, _ in o[path: ["status", "capacity", "storage"]] ?? "" }, age]
        case ("", "namespaces"):
            return [name, Column(name: "Status") { o, _ in o[path: ["status", "phase"]] ?? "Active" }, age]
        case ("", "configmaps"), ("", "secrets"):
            return [name, Column(name: "Data", type: "integer") { o, _ in .int(Int64(o["data"]?.objectValue?.count ?? 0)) }, age]
        default:
            return [name, age]
        }
    }

    /// kubectl's short age: 45s, 5m30s, 45m, 5h30m, 30h, 12d.
    static func humanAge(_ timestamp: String?, _ now: Date) -> String {
        guard let timestamp, let date = ISO8601DateFormatter().date(from: timestamp) else { return "<unknown>" }
        let s = max(0, Int(now.timeIntervalSince(date)))
        switch s {
        case ..<120: return "\(s)s"
        case ..<600: return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s"
        case ..<10_800: return "\(s / 60)m"
        case ..<28_800: return (s / 60) % 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h\((s / 60) % 60)m"
        case ..<172_800: return "\(s / 3600)h"
        default: return "\(s / 86400)d"
        }
    }
}
