import KubeClient

/// One kube-linter check from its default set (plus `privileged-ports`, which the issue asks for
/// although kube-linter leaves it off by default). Names, scopes and parameters follow kube-linter;
/// the code and messages are ours.
struct KubeLinterCheck: Sendable {
    /// The kinds a check looks at, as kube-linter scopes them.
    enum Scope: Sendable {
        case deploymentLike, service, deploymentLikeOrService, podDisruptionBudget, anyKind

        func contains(_ kind: String) -> Bool { contains(kind, deploymentLike: PodSpecView.isDeploymentLike(kind)) }

        /// `deploymentLike` is worked out once per object by the caller.
        func contains(_ kind: String, deploymentLike: Bool) -> Bool {
            switch self {
            case .deploymentLike: deploymentLike
            case .service: kind == "Service"
            case .deploymentLikeOrService: deploymentLike || kind == "Service"
            case .podDisruptionBudget: kind == "PodDisruptionBudget"
            case .anyKind: true
            }
        }
    }

    let id: String
    let description: String
    let remediation: String
    let enabledByDefaultInKubeLinter: Bool
    let scope: Scope
    /// Per-object checks run once per object; cross-object ones get the whole run's index.
    let run: @Sendable (inout CheckContext) -> Void

    init(id: String, description: String, remediation: String, enabledByDefaultInKubeLinter: Bool,
         scope: Scope = .deploymentLike, run: @escaping @Sendable (inout CheckContext) -> Void) {
        self.id = id
        self.description = description
        self.remediation = remediation
        self.enabledByDefaultInKubeLinter = enabledByDefaultInKubeLinter
        self.scope = scope
        self.run = run
    }
}

/// What a check sees of one object, and where it reports.
struct CheckContext {
    let item: ScannedObject
    let pod: PodSpecView?
    let index: ObjectIndex
    let skip: (String) -> Bool
    var findings: [Finding] = []
    /// Init and regular containers of the pod spec, collected once per object.
    let containers: [(name: String, path: ContainerPath, c: [String: JSON])]

    init(item: ScannedObject, pod: PodSpecView?, index: ObjectIndex, skip: @escaping (String) -> Bool) {
        self.item = item
        self.pod = pod
        self.index = index
        self.skip = skip
        var containers: [(name: String, path: ContainerPath, c: [String: JSON])] = []
        if let pod {
            pod.forEachContainer(includeEphemeral: false) { list, i, c in
                containers.append((c["name"]?.stringValue ?? "#\(i)", ContainerPath(pod: pod.path, list: list, index: i), c))
            }
        }
        self.containers = containers
    }

    var kind: String { item.ref.kind }

    mutating func report(_ ruleID: String, _ message: String, path: String? = nil) {
        guard !skip(ruleID) else { return }
        findings.append(Finding(ruleID: ruleID, severity: .warning,
                                message: "\(item.ref.display): \(message)",
                                location: item.location, object: item.ref, path: path))
    }
}

/// A container's JSON path, spelled out only when a finding needs it.
struct ContainerPath: CustomStringConvertible {
    let pod: String
    let list: String
    let index: Int
    var description: String { "\(pod).\(list)[\(index)]" }
}

/// The objects of one run, indexed so cross-object checks stay linear: workloads are found
/// through one of the labels a selector requires, not by scanning every workload.
struct ObjectIndex: Sendable {
    struct Workload: Sendable {
        let namespace: String
        let name: String
        /// Labels of the pods it creates.
        let podLabels: [String: JSON]
        /// Its own selector's matchLabels (or a ReplicationController's selector map).
        let selectorLabels: [String: JSON]?
        /// Declared replicas (1 when left out) for replicated kinds, nil for the others.
        let replicas: Int64?
    }

    private(set) var workloads: [Workload] = []
    /// Workload positions by namespace ("" when unset).
    private var byNamespace: [String: [Int]] = [:]
    /// Workload positions by "namespace NUL key NUL value" of a pod label / of a selector label.
    private var byPodLabel: [String: [Int]] = [:]
    private var bySelectorLabel: [String: [Int]] = [:]
    var serviceAccounts: Set<String> = []  // "namespace/name"
    /// HorizontalPodAutoscaler minReplicas by "namespace/target name".
    var autoscalerMinReplicas: [String: Int64] = [:]

    init(_ items: [ScannedObject]) {
        for item in items {
            let ns = item.ref.namespace ?? ""
            switch item.ref.kind {
            case "ServiceAccount":
                serviceAccounts.insert("\(ns)/\(item.ref.name)")
            case "HorizontalPodAutoscaler":
                let spec = item.object["spec"]
                if let target = spec?["scaleTargetRef"]?["name"]?.stringValue, let min = spec?["minReplicas"]?.looseInt {
                    autoscalerMinReplicas["\(ns)/\(target)"] = min
                }
            default:
                guard let pod = PodSpecView(kind: item.ref.kind, object: item.object) else { continue }
                let selector = item.object["spec"]?["selector"]
                let selectorLabels = item.ref.kind == "ReplicationController"
                    ? selector?.objectValue : selector?["matchLabels"]?.objectValue
                let position = workloads.count
                workloads.append(Workload(namespace: ns, name: item.ref.name, podLabels: pod.podLabels,
                                          selectorLabels: selectorLabels, replicas: Self.replicaCountOf(item)))
                byNamespace[ns, default: []].append(position)
                for (k, v) in pod.podLabels {
                    if let v = v.stringValue { byPodLabel[Self.key(ns, k, v), default: []].append(position) }
                }
                for (k, v) in selectorLabels ?? [:] {
                    if let v = v.stringValue { bySelectorLabel[Self.key(ns, k, v), default: []].append(position) }
                }
            }
        }
    }

    private static func key(_ ns: String, _ k: String, _ v: String) -> String { "\(ns)\u{0}\(k)\u{0}\(v)" }

    /// Workloads in `namespace` that could satisfy `required` label pairs: those carrying the
    /// rarest of the pairs (every workload of the namespace when nothing is required). Callers
    /// still check the full selector.
    func candidates(namespace: String, required: [String: JSON], bySelector: Bool = false) -> [Int] {
        guard !required.isEmpty else { return byNamespace[namespace] ?? [] }
        let table = bySelector ? bySelectorLabel : byPodLabel
        var best: [Int]?
        for (k, v) in required {
            guard let v = v.stringValue else { return [] }
            let bucket = table[Self.key(namespace, k, v)] ?? []
            if best == nil || bucket.count < best!.count { best = bucket }
            if best!.isEmpty { break }
        }
        return best ?? []
    }

    /// The declared replica count of a replicated kind (1 when the field is left out), nil for
    /// kinds without replicas.
    static func replicaCountOf(_ item: ScannedObject) -> Int64? {
        switch item.ref.kind {
        case "Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig":
            return item.object["spec"]?["replicas"]?.looseInt ?? 1
        default:
            return nil
        }
    }
}

enum KubeLinterChecks {
    static let all: [KubeLinterCheck] = PodChecks.all + ObjectChecks.all

    static let byID: [String: KubeLinterCheck] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}
