import KubeClient

/// kube-linter checks that read one deployment-like object's pod spec.
enum PodChecks {
    static let all: [KubeLinterCheck] = [
        KubeLinterCheck(
            id: "deprecated-service-account-field",
            description: "Indicates when deployments use the deprecated serviceAccount field.",
            remediation: "Use serviceAccountName instead of serviceAccount; if both are set they must match.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            guard let pod = ctx.pod, let sa = pod.spec["serviceAccount"]?.stringValue, !sa.isEmpty else { return }
            let san = pod.spec["serviceAccountName"]?.stringValue ?? ""
            if san.isEmpty {
                ctx.report("deprecated-service-account-field",
                           "serviceAccount is deprecated; set serviceAccountName: \(sa) instead",
                           path: "\(pod.path).serviceAccount")
            } else if san != sa {
                ctx.report("deprecated-service-account-field",
                           "serviceAccount (\(sa)) and serviceAccountName (\(san)) differ; remove the deprecated serviceAccount or make them match",
                           path: "\(pod.path).serviceAccount")
            }
        },
        hostMountCheck(id: "docker-sock",
                       description: "Alerts on deployments with docker.sock mounted in containers.",
                       remediation: "Remove the hostPath volume and volumeMount of the Docker socket; a container that can reach it controls the host.") {
            $0.hasSuffix("docker.sock")
        },
        hostMountCheck(id: "sensitive-host-mounts",
                       description: "Alerts on deployments with sensitive host system directories mounted in containers.",
                       remediation: "Remove hostPath volumes of host system directories (/, /boot, /dev, /etc, /lib, /proc, /sys, /usr) and their volumeMounts.") {
            sensitiveHostDirs.contains($0)
        },
        KubeLinterCheck(
            id: "drop-net-raw-capability",
            description: "Indicates when containers do not drop the NET_RAW capability.",
            remediation: "Add NET_RAW (or ALL) to securityContext.capabilities.drop and never add it back; NET_RAW lets a process craft raw packets and bind to any address.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            // Like kube-linter, only containers that declare capabilities are judged.
            for (name, path, c) in ctx.containers {
                guard case .object(let caps)? = c[path: "securityContext", "capabilities"] else { continue }
                let add = (caps["add"]?.arrayValue ?? []).compactMap(\.stringValue)
                let drop = (caps["drop"]?.arrayValue ?? []).compactMap(\.stringValue)
                for cap in add where cap.contains("NET_RAW") || cap.lowercased() == "all" {
                    ctx.report("drop-net-raw-capability", "container \"\(name)\" adds capability \(cap), which includes NET_RAW",
                               path: "\(path).securityContext.capabilities.add")
                }
                if !drop.contains(where: { $0.contains("NET_RAW") || $0.lowercased() == "all" }) {
                    ctx.report("drop-net-raw-capability", "container \"\(name)\" does not drop the NET_RAW capability",
                               path: "\(path).securityContext.capabilities.drop")
                }
            }
        },
        KubeLinterCheck(
            id: "duplicate-env-var",
            description: "Checks that a container does not define the same environment variable twice.",
            remediation: "Remove the duplicate env entries; only the last one takes effect.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            for (name, path, c) in ctx.containers {
                var seen: Set<String> = []
                for (i, e) in (c["env"]?.arrayValue ?? []).enumerated() {
                    guard let n = e["name"]?.stringValue else { continue }
                    if !seen.insert(n).inserted {
                        ctx.report("duplicate-env-var", "container \"\(name)\" defines environment variable \(n) more than once",
                                   path: "\(path).env[\(i)]")
                    }
                }
            }
        },
        KubeLinterCheck(
            id: "env-var-secret",
            description: "Indicates when objects put a secret in a plain environment variable value.",
            remediation: "Do not write secrets into env values; mount the Secret as a file or reference it with valueFrom.secretKeyRef.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            for (name, path, c) in ctx.containers {
                for (i, e) in (c["env"]?.arrayValue ?? []).enumerated() {
                    guard let n = e["name"]?.stringValue, let v = e["value"]?.stringValue, !v.isEmpty,
                          n.lowercased().contains("secret") else { continue }
                    ctx.report("env-var-secret", "environment variable \(n) in container \"\(name)\" holds a secret value",
                               path: "\(path).env[\(i)].value")
                }
            }
        },
        hostNamespaceCheck("host-ipc", field: "hostIPC", what: "IPC"),
        hostNamespaceCheck("host-network", field: "hostNetwork", what: "network"),
        hostNamespaceCheck("host-pid", field: "hostPID", what: "process"),
        KubeLinterCheck(
            id: "latest-tag",
            description: "Indicates when a deployment-like object runs a container image with the latest tag or no tag.",
            remediation: "Pin the image to a specific version tag or digest so every rollout runs the same code.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            for (name, path, c) in ctx.containers {
                guard let image = c["image"]?.stringValue, !image.isEmpty, isFloatingImage(image) else { continue }
                ctx.report("latest-tag", "container \"\(name)\" uses image \(image) without a pinned tag",
                           path: "\(path).image")
            }
        },
        probePortCheck("liveness-port", probe: "livenessProbe", handlers: ["httpGet"]),
        probePortCheck("readiness-port", probe: "readinessProbe", handlers: ["httpGet", "tcpSocket"]),
        probePortCheck("startup-port", probe: "startupProbe", handlers: ["httpGet", "tcpSocket"]),
        KubeLinterCheck(
            id: "no-read-only-root-fs",
            description: "Indicates when containers are running without a read-only root filesystem.",
            remediation: "Set securityContext.readOnlyRootFilesystem: true on the container and mount writable paths as volumes.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            for (name, path, c) in ctx.containers {
                if c[path: "securityContext", "readOnlyRootFilesystem"]?.isTrue != true {
                    ctx.report("no-read-only-root-fs", "container \"\(name)\" does not have a read-only root file system",
                               path: "\(path).securityContext.readOnlyRootFilesystem")
                }
            }
        },
        KubeLinterCheck(
            id: "privilege-escalation-container",
            description: "Alerts on containers that allow privilege escalation beyond their parent process.",
            remediation: "Set securityContext.allowPrivilegeEscalation: false, do not run privileged and do not add SYS_ADMIN.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            for (name, path, c) in ctx.containers {
                let sc = c["securityContext"]
                if sc?["allowPrivilegeEscalation"]?.isTrue == true {
                    ctx.report("privilege-escalation-container", "container \"\(name)\" sets allowPrivilegeEscalation: true",
                               path: "\(path).securityContext.allowPrivilegeEscalation")
                } else if sc?["privileged"]?.isTrue == true {
                    ctx.report("privilege-escalation-container", "container \"\(name)\" is privileged and so allows privilege escalation",
                               path: "\(path).securityContext.privileged")
                } else if (sc?["capabilities"]?["add"]?.arrayValue ?? []).contains(where: { $0.stringValue == "SYS_ADMIN" }) {
                    ctx.report("privilege-escalation-container", "container \"\(name)\" adds SYS_ADMIN and so allows privilege escalation",
                               path: "\(path).securityContext.capabilities.add")
                }
            }
        },
        KubeLinterCheck(
            id: "privileged-container",
            description: "Indicates when deployments have containers running in privileged mode.",
            remediation: "Remove securityContext.privileged: true; grant the specific capabilities the container needs instead.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            for (name, path, c) in ctx.containers {
                if c[path: "securityContext", "privileged"]?.isTrue == true {
                    ctx.report("privileged-container", "container \"\(name)\" is privileged",
                               path: "\(path).securityContext.privileged")
                }
            }
        },
        KubeLinterCheck(
            id: "privileged-ports",
            description: "Alerts on deployments with privileged ports (below 1024) mapped in containers.",
            remediation: "Listen on a port of 1024 or above inside the container; map it to a low port on the Service if clients need one.",
            enabledByDefaultInKubeLinter: false
        ) { ctx in
            for (name, path, c) in ctx.containers {
                for (i, p) in (c["ports"]?.arrayValue ?? []).enumerated() {
                    if let n = p["containerPort"]?.looseInt, n > 0, n < 1024 {
                        ctx.report("privileged-ports", "container \"\(name)\" maps privileged port \(n)",
                                   path: "\(path).ports[\(i)].containerPort")
                    }
                }
            }
        },
        KubeLinterCheck(
            id: "run-as-non-root",
            description: "Indicates when containers are not set to runAsNonRoot.",
            remediation: "Set runAsNonRoot: true (and a non-zero runAsUser) in the pod or container securityContext.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            let podSC = ctx.pod?.podSecurityContext
            for (name, path, c) in ctx.containers {
                let sc = c["securityContext"]
                let nonRoot = sc?["runAsNonRoot"]?.boolValue ?? podSC?["runAsNonRoot"]?.boolValue ?? false
                let user = sc?["runAsUser"]?.looseInt ?? podSC?["runAsUser"]?.looseInt
                if let user, user > 0 { continue }
                if nonRoot {
                    // runAsNonRoot with runAsUser 0 cannot start: the kubelet refuses it.
                    if user == 0 {
                        ctx.report("run-as-non-root", "container \"\(name)\" is set to runAsNonRoot but runAsUser is 0",
                                   path: "\(path).securityContext.runAsUser")
                    }
                    continue
                }
                ctx.report("run-as-non-root", "container \"\(name)\" is not set to runAsNonRoot",
                           path: "\(path).securityContext.runAsNonRoot")
            }
        },
        KubeLinterCheck(
            id: "ssh-port",
            description: "Indicates when deployments expose port 22, which is commonly reserved for SSH access.",
            remediation: "Do not run SSH servers in containers; move other services off port 22.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            for (name, path, c) in ctx.containers {
                for (i, p) in (c["ports"]?.arrayValue ?? []).enumerated() {
                    let proto = p["protocol"]?.stringValue ?? "TCP"
                    if p["containerPort"]?.looseInt == 22 && proto == "TCP" {
                        ctx.report("ssh-port", "container \"\(name)\" exposes port 22 (SSH)",
                                   path: "\(path).ports[\(i)].containerPort")
                    }
                }
            }
        },
        KubeLinterCheck(
            id: "unsafe-sysctls",
            description: "Alerts on deployments specifying unsafe sysctls that may lead to severe problems like wrong behavior of containers.",
            remediation: "Remove unsafe sysctls (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*) from the pod securityContext.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            guard let pod = ctx.pod else { return }
            for (i, s) in (pod.podSecurityContext?["sysctls"]?.arrayValue ?? []).enumerated() {
                guard let n = s["name"]?.stringValue else { continue }
                if unsafeSysctlPrefixes.contains(where: { n.hasPrefix($0) }) {
                    ctx.report("unsafe-sysctls", "pod sets unsafe sysctl \(n)",
                               path: "\(pod.path).securityContext.sysctls[\(i)]")
                }
            }
        },
        requirementsCheck("unset-cpu-requirements", resource: "cpu"),
        requirementsCheck("unset-memory-requirements", resource: "memory"),
    ]

    static let sensitiveHostDirs: Set<String> = ["/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"]
    static let unsafeSysctlPrefixes = ["kernel.msg", "kernel.sem", "kernel.shm", "fs.mqueue.", "net."]

    /// kube-linter's latest-tag block list: `:latest`, no colon at all, or no tag after the last
    /// slash (a registry port is not a tag). Digests contain a colon after the last slash and pass.
    static func isFloatingImage(_ image: String) -> Bool {
        if image.hasSuffix(":latest") { return true }
        guard let colon = image.lastIndex(of: ":") else { return true }
        if let slash = image.lastIndex(of: "/"), slash > colon { return true }
        return false
    }

    static func hostNamespaceCheck(_ id: String, field: String, what: String) -> KubeLinterCheck {
        KubeLinterCheck(
            id: id,
            description: "Alerts on pods and deployment-likes sharing the host's \(what) namespace.",
            remediation: "Remove \(field): true so the pod gets its own \(what) namespace.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            guard let pod = ctx.pod, pod.spec[field]?.isTrue == true else { return }
            ctx.report(id, "pod shares the host's \(what) namespace (\(field): true)", path: "\(pod.path).\(field)")
        }
    }

    static func hostMountCheck(id: String, description: String, remediation: String,
                               matches: @escaping @Sendable (String) -> Bool) -> KubeLinterCheck {
        KubeLinterCheck(id: id, description: description, remediation: remediation,
                        enabledByDefaultInKubeLinter: true) { ctx in
            guard let pod = ctx.pod else { return }
            var hostPaths: [String: String] = [:]
            for v in pod.volumes {
                // kube-linter matches the path as written: `/etc/` is not `^/etc$`.
                if let name = v["name"]?.stringValue, let p = v[path: "hostPath", "path"]?.stringValue {
                    hostPaths[name] = p
                }
            }
            guard !hostPaths.isEmpty else { return }
            for (name, path, c) in ctx.containers {
                for (i, m) in (c["volumeMounts"]?.arrayValue ?? []).enumerated() {
                    guard let vol = m["name"]?.stringValue, let hp = hostPaths[vol], matches(hp) else { continue }
                    ctx.report(id, "host path \(hp) is mounted into container \"\(name)\"",
                               path: "\(path).volumeMounts[\(i)]")
                }
            }
        }
    }

    /// kube-linter's probe-port checks: regular containers only; an integer port must be a
    /// containerPort and a named port a port name. liveness-port looks at httpGet probes only,
    /// readiness-port and startup-port at httpGet and tcpSocket.
    static func probePortCheck(_ id: String, probe: String, handlers: [String]) -> KubeLinterCheck {
        KubeLinterCheck(
            id: id,
            description: "Indicates when containers have a \(probe) to a port the container does not expose.",
            remediation: "Point the \(probe) at a port listed in the container's ports (by number or name).",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            for (name, path, c) in ctx.containers where path.list == "containers" {
                guard let p = c[probe] else { continue }
                for handler in handlers {
                    guard let port = p[handler]?["port"], !port.isNull else { continue }
                    let ports = c["ports"]?.arrayValue ?? []
                    let found: Bool
                    let shown: String
                    if let n = port.intValue {
                        found = ports.contains { $0["containerPort"]?.looseInt == n }
                        shown = String(n)
                    } else if let s = port.stringValue {
                        found = ports.contains { $0["name"]?.stringValue == s }
                        shown = s
                    } else {
                        found = false
                        shown = "(not a port)"
                    }
                    if !found {
                        ctx.report(id, "container \"\(name)\" does not expose port \(shown) used by its \(probe)",
                                   path: "\(path).\(probe).\(handler).port")
                    }
                }
            }
        }
    }

    static func requirementsCheck(_ id: String, resource: String) -> KubeLinterCheck {
        KubeLinterCheck(
            id: id,
            description: "Indicates when containers do not have \(resource) requests and limits set.",
            remediation: "Set resources.requests.\(resource) and resources.limits.\(resource) for the container based on its needs.",
            enabledByDefaultInKubeLinter: true
        ) { ctx in
            for (name, path, c) in ctx.containers {
                for (kind, noun) in [("requests", "request"), ("limits", "limit")]
                where isZeroQuantity(c[path: "resources", kind, resource]) {
                    ctx.report(id, "container \"\(name)\" has no \(resource) \(noun)",
                               path: "\(path).resources.\(kind).\(resource)")
                }
            }
        }
    }

    /// Unset, null, or a quantity of zero.
    static func isZeroQuantity(_ q: JSON?) -> Bool {
        guard let q, !q.isNull else { return true }
        if let n = q.intValue { return n == 0 }
        if case .double(let d) = q { return d == 0 }
        guard let s = q.stringValue else { return true }
        let digits = s.prefix { $0.isNumber || $0 == "." }
        guard let v = Double(digits) else { return s.isEmpty }
        return v == 0
    }
}
