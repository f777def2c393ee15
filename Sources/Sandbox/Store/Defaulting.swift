import KubeClient
/// The defaults the real API server fills in and that rollout checks and diffs rely on.
extension Cluster {
    func lockedDefault(_ type: ResourceType, _ object: inout JSON) {
        guard !type.isCustom else { return }
        switch (type.group, type.plural) {
        case ("apps", "deployments"):
            setDefault(&object, ["spec", "replicas"], 1)
            setDefault(&object, ["spec", "revisionHistoryLimit"], 10)
            setDefault(&object, ["spec", "progressDeadlineSeconds"], 600)
            setDefault(&object, ["spec", "strategy"], ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": "25%", "maxUnavailable": "25%"]])
            defaultPodTemplate(&object, ["spec", "template", "spec"])
        case ("apps", "statefulsets"):
            setDefault(&object, ["spec", "replicas"], 1)
            setDefault(&object, ["spec", "podManagementPolicy"], "OrderedReady")
            setDefault(&object, ["spec", "revisionHistoryLimit"], 10)
            setDefault(&object, ["spec", "updateStrategy"], ["type": "RollingUpdate", "rollingUpdate": ["partition": 0]])
            defaultPodTemplate(&object, ["spec", "template", "spec"])
        case ("apps", "daemonsets"):
            setDefault(&object, ["spec", "revisionHistoryLimit"], 10)
            setDefault(&object, ["spec", "updateStrategy"], ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": 1, "maxSurge": 0]])
            defaultPodTemplate(&object, ["spec", "template", "spec"])
        case ("apps", "replicasets"):
            setDefault(&object, ["spec", "replicas"], 1)
            defaultPodTemplate(&object, ["spec", "template", "spec"])
        case ("batch", "jobs"):
            setDefault(&object, ["spec", "backoffLimit"], 6)
            setDefault(&object, ["spec", "completions"], 1)
            setDefault(&object, ["spec", "parallelism"], 1)
            setDefault(&object, ["spec", "template", "spec", "restartPolicy"], "Never")
            defaultPodTemplate(&object, ["spec", "template", "spec"])
        case ("batch", "cronjobs"):
            setDefault(&object, ["spec", "concurrencyPolicy"], "Allow")
            setDefault(&object, ["spec", "suspend"], false)
            setDefault(&object, ["spec", "successfulJobsHistoryLimit"], 3)
            setDefault(&object, ["spec", "failedJobsHistoryLimit"], 1)
        case ("", "pods"):
            defaultPodTemplate(&object, ["spec"])
            setDefault(&object, ["status", "phase"], "Pending")
        case ("", "services"):
            defaultService(&object)
        case ("", "persistentvolumeclaims"):
            setDefault(&object, ["spec", "volumeMode"], "Filesystem")
            if object["status"] == nil { object["status"] = ["phase": "Pending"] }
        case ("", "secrets"):
            setDefault(&object, ["type"], "Opaque")
        case ("", "namespaces"):
            setDefault(&object, ["spec", "finalizers"], ["kubernetes"])
            if object["status"] == nil { object["status"] = ["phase": "Active"] }
            if let name = object[path: ["metadata", "name"]]?.stringValue {
                object[path: ["metadata", "labels", "kubernetes.io/metadata.name"]] = .string(name)
            }
        default:
            break
        }
    }

    private func setDefault(_ object: inout JSON, _ path: [String], _ value: JSON) {
        if object[path: path] == nil { object[path: path] = value }
    }

    private func defaultPodTemplate(_ object: inout JSON, _ specPath: [String]) {
        guard var spec = object[path: specPath], case .object = spec else { return }
        setDefault(&spec, ["restartPolicy"], "Always")
        setDefault(&spec, ["dnsPolicy"], "ClusterFirst")
        setDefault(&spec, ["schedulerName"], "default-scheduler")
        setDefault(&spec, ["securityContext"], .object([:]))
        setDefault(&spec, ["terminationGracePeriodSeconds"], 30)
        for list in ["containers", "initContainers"] {
            guard let containers = spec[list]?.arrayValue else { continue }
            spec[list] = .array(containers.map { container in
                var c = container
                let image = c["image"]?.stringValue ?? ""
                let tagged = image.split(separator: "/").last?.contains(":") ?? false
                let latest = !tagged || image.hasSuffix(":latest")
                setDefault(&c, ["imagePullPolicy"], latest && !image.contains("@") ? "Always" : "IfNotPresent")
                setDefault(&c, ["terminationMessagePath"], "/dev/termination-log")
                setDefault(&c, ["terminationMessagePolicy"], "File")
                setDefault(&c, ["resources"], .object([:]))
                if let ports = c["ports"]?.arrayValue {
                    c["ports"] = .array(ports.map { p in var p = p; if p["protocol"] == nil { p["protocol"] = "TCP" }; return p })
                }
                return c
            })
        }
        object[path: specPath] = spec
    }

    private func defaultService(_ object: inout JSON) {
        setDefault(&object, ["spec", "type"], "ClusterIP")
        setDefault(&object, ["spec", "sessionAffinity"], "None")
        if object[path: ["spec", "clusterIP"]] == nil && object[path: ["spec", "type"]]?.stringValue != "ExternalName" {
            nextClusterIP += 1
            let ip = "10.96.\((nextClusterIP >> 8) & 0xFF).\(nextClusterIP & 0xFF)"
            object[path: ["spec", "clusterIP"]] = .string(ip)
            object[path: ["spec", "clusterIPs"]] = [.string(ip)]
        }
        setDefault(&object, ["spec", "ipFamilies"], ["IPv4"])
        setDefault(&object, ["spec", "ipFamilyPolicy"], "SingleStack")
        setDefault(&object, ["spec", "internalTrafficPolicy"], "Cluster")
        if let ports = object[path: ["spec", "ports"]]?.arrayValue {
            object[path: ["spec", "ports"]] = .array(ports.map { p in
                var p = p
                if p["protocol"] == nil { p["protocol"] = "TCP" }
                if p["targetPort"] == nil, let port = p["port"] { p["targetPort"] = port }
                return p
            })
        }
        if object["status"] == nil { object["status"] = ["loadBalancer": .object([:])] }
    }
}
