import KubeClient
import Foundation
@testable import Sandbox

/// Talks to a fresh in-memory cluster through the router, as the HTTP layer would.
struct TestAPI {
    let cluster = Cluster()
    var router: Router { Router(cluster: cluster, serverAddress: "127.0.0.1:0") }

    struct Answer {
        var status: Int
        var body: JSON
        var contentType: String
        var reason: String? { body["reason"]?.stringValue }
        var message: String { body["message"]?.stringValue ?? "" }
    }

    @discardableResult
    func send(_ method: String, _ uri: String, _ body: JSON? = nil, contentType: String = "application/json", accept: String = "application/json") -> Answer {
        let request = APIRequest(method: method, uri: uri, contentType: contentType, accept: accept, body: body.map(JSONWriter.bytes) ?? [])
        switch router.handle(request) {
        case .json(let status, let json, let type, _): return Answer(status: status, body: json, contentType: type)
        case .raw(let status, let bytes, let type): return Answer(status: status, body: .string(String(decoding: bytes, as: UTF8.self)), contentType: type)
        case .watch: return Answer(status: -1, body: .null, contentType: "watch")
        }
    }

    func apply(_ uri: String, _ body: JSON, manager: String, force: Bool = false) -> Answer {
        send("PATCH", "\(uri)?fieldManager=\(manager)&force=\(force)", body, contentType: "application/apply-patch+yaml")
    }

    /// Runs the controllers as if `seconds` had passed, several passes so chains settle.
    func settle(after seconds: Double = 5) {
        for i in 0..<6 { cluster.reconcile(now: Date().addingTimeInterval(seconds + Double(i)), settings: ControllerSettings(readyDelay: .milliseconds(100))) }
    }
}

func configMap(_ name: String, namespace: String = "default", data: JSON = ["a": "1"]) -> JSON {
    ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": .string(namespace)], "data": data]
}

func deployment(_ name: String, replicas: Int64 = 2, image: String = "nginx:1.27") -> JSON {
    ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name), "namespace": "default"],
     "spec": ["replicas": .int(replicas), "selector": ["matchLabels": ["app": .string(name)]],
              "template": ["metadata": ["labels": ["app": .string(name)]],
                           "spec": ["containers": [["name": "web", "image": .string(image), "ports": [["containerPort": 80]]]]]]]]
}
