import Testing
@testable import Validation

/// Each kube-linter check, on one input where it must fire and one where it must not.
@Suite struct SecurityKubeLinterTests {
    struct Case: Sendable, CustomStringConvertible {
        let id: String
        let fires: String
        let clean: String
        var description: String { id }
    }

    /// A Deployment whose pod spec lines (indented 6) and extra top-level spec lines (indented 2)
    /// are given.
    static func deployment(_ pod: String, spec: String = "", name: String = "web", labels: String = "{app: web}",
                           selector: String = "{matchLabels: {app: web}}", apiVersion: String = "apps/v1") -> String {
        """
        apiVersion: \(apiVersion)
        kind: Deployment
        metadata:
          name: \(name)
        spec:
          selector: \(selector)
        \(spec)
          template:
            metadata:
              labels: \(labels)
            spec:
        \(pod)
        """
    }

    static let plain = "      containers:\n        - {name: app, image: 'nginx:1.25'}"

    static let cases: [Case] = [
        Case(id: "dangling-service",
             fires: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: other}\n  ports: [{port: 80}]\n---\n" + deployment(plain),
             clean: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n---\n" + deployment(plain)),
        Case(id: "deprecated-service-account-field",
             fires: deployment("      serviceAccount: app\n" + plain),
             clean: deployment("      serviceAccountName: app\n" + plain)),
        Case(id: "docker-sock",
             fires: deployment("      containers:\n        - name: app\n          image: 'a:1'\n          volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]\n      volumes: [{name: s, hostPath: {path: /run/docker.sock}}]"),
             clean: deployment("      containers:\n        - name: app\n          image: 'a:1'\n          volumeMounts: [{name: s, mountPath: /data}]\n      volumes: [{name: s, hostPath: {path: /srv/data}}]")),
        Case(id: "drop-net-raw-capability",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', securityContext: {capabilities: {drop: [CHOWN]}}}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', securityContext: {capabilities: {drop: [NET_RAW]}}}")),
        Case(id: "duplicate-env-var",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', env: [{name: A, value: '1'}, {name: A, value: '2'}]}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', env: [{name: A, value: '1'}, {name: B, value: '2'}]}")),
        Case(id: "env-var-secret",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', env: [{name: API_SECRET, value: hunter2}]}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', env: [{name: API_SECRET, valueFrom: {secretKeyRef: {name: s, key: k}}}]}")),
        Case(id: "host-ipc", fires: deployment("      hostIPC: true\n" + plain), clean: deployment("      hostIPC: false\n" + plain)),
        Case(id: "host-network", fires: deployment("      hostNetwork: true\n" + plain), clean: deployment(plain)),
        Case(id: "host-pid", fires: deployment("      hostPID: true\n" + plain), clean: deployment(plain)),
        Case(id: "invalid-target-ports",
             fires: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80, targetPort: Http_Port}]",
             clean: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80, targetPort: http}]"),
        Case(id: "latest-tag",
             fires: deployment("      containers:\n        - {name: app, image: 'registry:5000/team/app'}"),
             clean: deployment("      containers:\n        - {name: app, image: 'registry:5000/team/app@sha256:0123abcd'}")),
        Case(id: "liveness-port",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 8080}], livenessProbe: {httpGet: {path: /, port: 9090}}}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 8080, name: http}], livenessProbe: {httpGet: {path: /, port: http}}}")),
        Case(id: "readiness-port",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 8080}], readinessProbe: {tcpSocket: {port: metrics}}}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 8080}], readinessProbe: {tcpSocket: {port: 8080}}}")),
        Case(id: "startup-port",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', startupProbe: {httpGet: {port: 8080}}}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 8080}], startupProbe: {exec: {command: [true]}}}")),
        Case(id: "mismatching-selector",
             fires: deployment(plain, selector: "{matchLabels: {app: api}}"),
             clean: deployment(plain, selector: "{matchExpressions: [{key: app, operator: In, values: [web, api]}]}")),
        Case(id: "no-anti-affinity",
             fires: deployment(plain, spec: "  replicas: 3"),
             clean: deployment("      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n            - weight: 100\n              podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}\n" + plain, spec: "  replicas: 3")),
        Case(id: "no-extensions-v1beta",
             fires: deployment(plain, apiVersion: "extensions/v1beta1"),
             clean: deployment(plain)),
        Case(id: "no-read-only-root-fs",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', securityContext: {readOnlyRootFilesystem: false}}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', securityContext: {readOnlyRootFilesystem: true}}")),
        Case(id: "non-existent-service-account",
             fires: deployment("      serviceAccountName: web\n" + plain),
             clean: "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n---\n" + deployment("      serviceAccountName: web\n" + plain)),
        Case(id: "pdb-max-unavailable",
             fires: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {maxUnavailable: 0, selector: {matchLabels: {app: web}}}",
             clean: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}"),
        Case(id: "pdb-min-available",
             fires: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: '100%', selector: {matchLabels: {app: web}}}\n---\n" + deployment(plain, spec: "  replicas: 2"),
             clean: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n---\n" + deployment(plain, spec: "  replicas: 2")),
        Case(id: "pdb-unhealthy-pod-eviction-policy",
             fires: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {maxUnavailable: 1}",
             clean: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {maxUnavailable: 1, unhealthyPodEvictionPolicy: AlwaysAllow}"),
        Case(id: "privilege-escalation-container",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', securityContext: {capabilities: {add: [SYS_ADMIN]}}}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', securityContext: {allowPrivilegeEscalation: false, capabilities: {add: [CAP_SYS_ADMIN]}}}")),
        Case(id: "privileged-container",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', securityContext: {privileged: true}}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', securityContext: {privileged: false}}")),
        Case(id: "privileged-ports",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 443}]}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 8443}]}")),
        Case(id: "run-as-non-root",
             fires: deployment("      securityContext: {runAsUser: 0}\n" + plain),
             clean: deployment("      securityContext: {runAsUser: 1000}\n" + plain)),
        Case(id: "sensitive-host-mounts",
             fires: deployment("      containers:\n        - name: app\n          image: 'a:1'\n          volumeMounts: [{name: etc, mountPath: /host/etc}]\n      volumes: [{name: etc, hostPath: {path: /etc}}]"),
             clean: deployment("      containers:\n        - name: app\n          image: 'a:1'\n      volumes: [{name: etc, hostPath: {path: /etc}}]")),
        Case(id: "ssh-port",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 22}]}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 22, protocol: UDP}]}")),
        Case(id: "unsafe-sysctls",
             fires: deployment("      securityContext: {sysctls: [{name: net.core.somaxconn, value: '1024'}]}\n" + plain),
             clean: deployment("      securityContext: {sysctls: [{name: kernel.domainname, value: example}]}\n" + plain)),
        Case(id: "unset-cpu-requirements",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', resources: {requests: {cpu: '0'}, limits: {cpu: 1}}}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', resources: {requests: {cpu: 100m}, limits: {cpu: 1}}}")),
        Case(id: "unset-memory-requirements",
             fires: deployment("      containers:\n        - {name: app, image: 'a:1', resources: {requests: {memory: 64Mi}}}"),
             clean: deployment("      containers:\n        - {name: app, image: 'a:1', resources: {requests: {memory: 64Mi}, limits: {memory: 128Mi}}}")),
    ]

    @Test func everyCheckHasACase() {
        #expect(Set(Self.cases.map(\.id)) == Set(KubeLinterChecks.all.map(\.id)))
        #expect(Self.cases.count == KubeLinterChecks.all.count)
    }

    @Test func defaultSetIsKubeLintersPlusPrivilegedPorts() {
        let defaults = Set(KubeLinterChecks.all.filter(\.enabledByDefaultInKubeLinter).map(\.id))
        #expect(defaults.count == 30)
        #expect(KubeLinterChecks.all.filter { !$0.enabledByDefaultInKubeLinter }.map(\.id) == ["privileged-ports"])
    }

    @Test(arguments: cases)
    func checkFiresAndStaysQuiet(_ c: Case) throws {
        let fired = try SecurityTestSupport.scan(c.fires).findings.filter { $0.ruleID == c.id }
        #expect(!fired.isEmpty, "\(c.id) did not fire")
        #expect(fired.allSatisfy { $0.severity == .warning && $0.path != nil && $0.object != nil })
        let quiet = try SecurityTestSupport.scan(c.clean).findings.filter { $0.ruleID == c.id }
        #expect(quiet.isEmpty, "\(c.id) fired on the clean input: \(quiet.map(\.message))")
    }

    @Test func findingPointsAtTheField() throws {
        let yaml = Self.deployment("      containers:\n        - {name: app, image: 'nginx'}")
        let f = try #require(try SecurityTestSupport.scan(yaml).findings.first { $0.ruleID == "latest-tag" })
        #expect(f.path == "spec.template.spec.containers[0].image")
        #expect(f.message == "Deployment/web: container \"app\" uses image nginx without a pinned tag")
    }

    @Test func runAsNonRootFollowsKubeLinterPrecedence() throws {
        func fired(_ podSC: String, _ containerSC: String) throws -> [String] {
            let yaml = Self.deployment("      securityContext: \(podSC)\n      containers:\n        - {name: app, image: 'a:1', securityContext: \(containerSC)}")
            return try SecurityTestSupport.scan(yaml).findings.filter { $0.ruleID == "run-as-non-root" }.map(\.message)
        }
        #expect(try fired("{runAsNonRoot: true}", "{runAsUser: 0}") == ["Deployment/web: container \"app\" is set to runAsNonRoot but runAsUser is 0"])
        #expect(try fired("{runAsNonRoot: true}", "{}").isEmpty)
        #expect(try fired("{runAsNonRoot: true}", "{runAsNonRoot: false}") == ["Deployment/web: container \"app\" is not set to runAsNonRoot"])
        #expect(try fired("{runAsUser: 0}", "{runAsUser: 1001}").isEmpty)
    }

    @Test func netRawIsJudgedOnlyWhereCapabilitiesAreDeclared() throws {
        func messages(_ sc: String) throws -> [String] {
            let yaml = Self.deployment("      containers:\n        - {name: app, image: 'a:1'\(sc)}")
            return try SecurityTestSupport.scan(yaml).findings.filter { $0.ruleID == "drop-net-raw-capability" }.map(\.message)
        }
        #expect(try messages("").isEmpty)
        #expect(try messages(", securityContext: {capabilities: {drop: [all]}}").isEmpty)
        #expect(try messages(", securityContext: {capabilities: {add: [NET_RAW], drop: [CHOWN]}}") == [
            "Deployment/web: container \"app\" adds capability NET_RAW, which includes NET_RAW",
            "Deployment/web: container \"app\" does not drop the NET_RAW capability",
        ])
    }

    @Test func pdbMinAvailableUsesWorkloadSelectorAndAutoscaler() throws {
        let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 2, selector: {matchLabels: {app: web}}}\n---\n"
        let hpa = "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 3, maxReplicas: 5}"
        let alone = try SecurityTestSupport.scan(pdb + Self.deployment(Self.plain)).findings.filter { $0.ruleID == "pdb-min-available" }
        #expect(alone.map(\.message) == ["PodDisruptionBudget/p: minAvailable 2 leaves no disruption for web, which has 1 replica"])
        #expect(!SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(pdb + Self.deployment(Self.plain) + "\n" + hpa)).contains("pdb-min-available"))
        let bad = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: half}"
        #expect(SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(bad)).contains("pdb-min-available"))
    }

    @Test func requirementsReportRequestAndLimitSeparately() throws {
        let f = try SecurityTestSupport.scan(Self.deployment(Self.plain)).findings.filter { $0.ruleID == "unset-cpu-requirements" }
        #expect(f.map(\.message) == ["Deployment/web: container \"app\" has no cpu request",
                                     "Deployment/web: container \"app\" has no cpu limit"])
        #expect(f.map(\.path) == ["spec.template.spec.containers[0].resources.requests.cpu",
                                  "spec.template.spec.containers[0].resources.limits.cpu"])
    }

    @Test func matchingServiceAccountFieldsAreAccepted() throws {
        let same = Self.deployment("      serviceAccount: app\n      serviceAccountName: app\n" + Self.plain)
        #expect(!SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(same)).contains("deprecated-service-account-field"))
        let differ = Self.deployment("      serviceAccount: old\n      serviceAccountName: app\n" + Self.plain)
        #expect(SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(differ)).contains("deprecated-service-account-field"))
    }

    @Test func emptySelectorIsNoSelector() throws {
        let f = try SecurityTestSupport.scan(Self.deployment(Self.plain, selector: "{matchLabels: {}}")).findings.filter { $0.ruleID == "mismatching-selector" }
        #expect(f.map(\.message) == ["Deployment/web: object has no selector specified"])
    }

    @Test func serviceWithoutSelectorIsDanglingUnlessExternalName() throws {
        let none = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}"
        let f = try #require(try SecurityTestSupport.scan(none).findings.first { $0.ruleID == "dangling-service" })
        #expect(f.message == "Service/s: service has no selector specified")
        let external = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ExternalName, externalName: db.example.com}"
        #expect(!SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(external)).contains("dangling-service"))
    }

    @Test func probePortsFollowKubeLinterScopes() throws {
        // liveness-port looks at httpGet only; init containers are not probed; a named port must be a port name.
        let tcpLiveness = Self.deployment("      containers:\n        - {name: app, image: 'a:1', livenessProbe: {tcpSocket: {port: 9}}}")
        #expect(!SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(tcpLiveness)).contains("liveness-port"))
        let numericString = Self.deployment("      containers:\n        - {name: app, image: 'a:1', ports: [{containerPort: 8080}], readinessProbe: {httpGet: {port: '8080'}}}")
        #expect(SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(numericString)).contains("readiness-port"))
    }

    @Test func crossObjectChecksRespectNamespaces() throws {
        let yaml = """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: web, namespace: a}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: b, labels: {app: web}}
            spec:
              serviceAccountName: web
              containers: [{name: c, image: 'nginx:1.25'}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: s, namespace: a}
            spec: {selector: {app: web}}
            """
        let ids = SecurityTestSupport.firedIDs(try SecurityTestSupport.scan(yaml))
        #expect(ids.contains("non-existent-service-account"))
        #expect(ids.contains("dangling-service"))
    }
}
