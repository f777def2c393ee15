import KubeClient

/// One block of `tarsctl test --logs`: a test Pod's log (one container's, for a Pod with
/// several), or why it could not be read.
public struct TestPodLog: Sendable, Equatable {
    public var pod: String
    public var namespace: String
    /// Set for a Pod with more than one container: each gets its own block.
    public var container: String?
    /// The test hook the Pod belongs to, `Pod/NAME` or `Job/NAME`.
    public var hook: String
    public var text: String
    /// Why the log could not be read (then `text` is empty).
    public var error: String?

    /// Helm's block: `POD LOGS: NAME`, the log, one newline.
    public var rendered: String {
        "POD LOGS: \(pod)\(container.map { " (container \($0))" } ?? "")\n\(text)\n"
    }
}

/// Reads the logs of test hooks' Pods: a Pod hook's own Pod, a Job hook's Pods (label
/// `job-name`, oldest first). Other kinds run no Pod and have no log.
struct TestLogReader: Sendable {
    let client: KubeClient
    /// The release namespace, for hooks whose manifest names none.
    let namespace: String

    func logs(of hooks: [Hook]) async -> [TestPodLog] {
        var out: [TestPodLog] = []
        for hook in hooks where hook.kind == "Pod" || hook.kind == "Job" {
            let object = (try? ManifestObjects.parse(hook.manifest, source: hook.path))?.first { $0["kind"]?.stringValue == hook.kind }
            let own = object?[path: ["metadata", "namespace"]]?.stringValue ?? ""
            let ns = own.isEmpty ? namespace : own
            let label = "\(hook.kind)/\(hook.name)"
            if hook.kind == "Pod" {
                out += await read(pod: hook.name, namespace: ns, spec: object?["spec"], hook: label)
                continue
            }
            let pods: [JSON]
            do {
                pods = try await client.list(apiVersion: "v1", kind: "Pod", namespace: ns, labelSelector: "job-name=\(hook.name)").items
            } catch {
                out.append(TestPodLog(pod: hook.name, namespace: ns, container: nil, hook: label, text: "",
                                      error: "unable to list the Pods of test hook \(label) in namespace \"\(ns)\" to read their logs: \(ReleaseEngine.message(for: error))"))
                continue
            }
            if pods.isEmpty {
                out.append(TestPodLog(pod: hook.name, namespace: ns, container: nil, hook: label, text: "",
                                      error: "test hook \(label) in namespace \"\(ns)\" has no Pods left (label job-name=\(hook.name)) to read logs from; "
                                          + "a Job's ttlSecondsAfterFinished or the cluster's Pod garbage collection may have removed them"))
                continue
            }
            let ordered = pods.sorted {
                let (a, b) = ($0[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", $1[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "")
                return a != b ? a < b : ($0[path: ["metadata", "name"]]?.stringValue ?? "") < ($1[path: ["metadata", "name"]]?.stringValue ?? "")
            }
            for pod in ordered {
                out += await read(pod: pod[path: ["metadata", "name"]]?.stringValue ?? "", namespace: ns, spec: pod["spec"], hook: label)
            }
        }
        return out
    }

    /// One block per container when the Pod has several (the API needs `container=` then),
    /// else one for the Pod.
    private func read(pod: String, namespace ns: String, spec: JSON?, hook: String) async -> [TestPodLog] {
        let containers = (spec?["containers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        let targets: [String?] = containers.count > 1 ? containers : [nil]
        var out: [TestPodLog] = []
        for container in targets {
            var entry = TestPodLog(pod: pod, namespace: ns, container: container, hook: hook, text: "", error: nil)
            do {
                entry.text = try await client.podLog(namespace: ns, name: pod, container: container)
            } catch {
                let which = container.map { "container \"\($0)\" of " } ?? ""
                entry.error = "unable to get the log of \(which)Pod \"\(pod)\" in namespace \"\(ns)\" (test hook \(hook)): \(ReleaseEngine.message(for: error))"
            }
            out.append(entry)
        }
        return out
    }
}
