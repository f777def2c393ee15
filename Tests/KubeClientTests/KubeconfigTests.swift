import Foundation
import Testing
@testable import KubeClient

/// kubeconfig loading and merging as kubectl documents it.
@Suite struct KubeconfigMerge {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-kubeconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("team"), withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let first = """
    apiVersion: v1
    kind: Config
    current-context: dev
    clusters:
    - name: shared
      cluster:
        server: https://first.example:6443
        certificate-authority: ca.pem
    - name: only-first
      cluster: {server: "https://only-first.example"}
    users:
    - name: admin
      user: {token: first-token}
    contexts:
    - name: dev
      context: {cluster: shared, user: admin, namespace: dev-ns}
    """

    static let second = """
    apiVersion: v1
    kind: Config
    current-context: prod
    clusters:
    - name: shared
      cluster:
        server: https://second.example:6443
        insecure-skip-tls-verify: true
    - name: only-second
      cluster:
        server: https://only-second.example
        certificate-authority-data: \(Data("CA".utf8).base64EncodedString())
    users:
    - name: admin
      user: {token: second-token}
    - name: plugin
      user:
        exec:
          apiVersion: client.authentication.k8s.io/v1beta1
          command: ./bin/get-token
          args: [--cluster, prod]
          env: [{name: REGION, value: eu-west-1}]
    contexts:
    - name: dev
      context: {cluster: only-second, user: plugin}
    - name: prod
      context: {cluster: only-second, user: plugin}
    """

    @Test func firstFileWinsForEveryNameAndForCurrentContext() throws {
        let a = try write("a.yaml", Self.first)
        let b = try write("team/b.yaml", Self.second)
        let cfg = try Kubeconfig.load(environment: ["KUBECONFIG": "\(a)::\(dir.path)/missing.yaml:\(b)", "HOME": dir.path])
        #expect(cfg.files == [a, b])
        #expect(cfg.currentContext == "dev")
        #expect(cfg.clusters["shared"]?.server == "https://first.example:6443")
        #expect(cfg.clusters["shared"]?.insecureSkipTLSVerify == false)
        #expect(cfg.users["admin"]?.token == "first-token")
        #expect(cfg.contexts["dev"]?.cluster == "shared")
        #expect(Set(cfg.clusters.keys) == ["shared", "only-first", "only-second"])
        #expect(Set(cfg.contexts.keys) == ["dev", "prod"])

        let dev = try cfg.resolve()
        #expect(dev.cluster.server == "https://first.example:6443")
        #expect(dev.cluster.certificateAuthority == dir.appendingPathComponent("ca.pem").path)
        #expect(dev.namespace == "dev-ns")
        #expect(try cfg.resolve(namespace: "other").namespace == "other")

        let prod = try cfg.resolve(context: "prod")
        #expect(prod.namespace == "default")
        #expect(prod.cluster.certificateAuthorityData == Data("CA".utf8))
        #expect(prod.user.exec == Kubeconfig.ExecConfig(command: dir.appendingPathComponent("team/bin/get-token").path,
                                                         args: ["--cluster", "prod"], env: ["REGION": "eu-west-1"],
                                                         apiVersion: "client.authentication.k8s.io/v1beta1"))

        // Reversed order: the other file wins.
        let reversed = try Kubeconfig.load(environment: ["KUBECONFIG": "\(b):\(a)"])
        #expect(reversed.currentContext == "prod")
        #expect(reversed.clusters["shared"]?.server == "https://second.example:6443")
        #expect(reversed.users["admin"]?.token == "second-token")
    }

    @Test func currentContextComesFromTheFirstFileThatSetsIt() throws {
        let none = try write("none.yaml", "apiVersion: v1\nkind: Config\nclusters: []\n")
        let b = try write("b.yaml", Self.second)
        let cfg = try Kubeconfig.load(environment: ["KUBECONFIG": "\(none):\(b)"])
        #expect(cfg.currentContext == "prod")
    }

    @Test func explicitFileAndDefaultLocation() throws {
        let a = try write("a.yaml", Self.first)
        let b = try write("b.yaml", Self.second)
        // --kubeconfig ignores $KUBECONFIG.
        let only = try Kubeconfig.load(explicit: b, environment: ["KUBECONFIG": a])
        #expect(only.currentContext == "prod")
        #expect(throws: Kubeconfig.LoadError(description: "\(dir.path)/nope.yaml: kubeconfig file not found; check the --kubeconfig path")) {
            try Kubeconfig.load(explicit: "\(dir.path)/nope.yaml")
        }
        #expect(Kubeconfig.paths(explicit: nil, environment: ["HOME": "/home/op"]) == ["/home/op/.kube/config"])
    }

    @Test func errorsNameTheContextAndTheFiles() throws {
        let a = try write("a.yaml", Self.first)
        let cfg = try Kubeconfig.load(environment: ["KUBECONFIG": a])
        let e = #expect(throws: Kubeconfig.LoadError.self) { try cfg.resolve(context: "staging") }
        #expect(e?.description == "context \"staging\" not found (kubeconfig: \(a)); known contexts: dev")
        let empty = try Kubeconfig.load(environment: ["KUBECONFIG": "\(dir.path)/missing"])
        let e2 = #expect(throws: Kubeconfig.LoadError.self) { try empty.resolve() }
        #expect(e2?.description.contains("no current context is set (no kubeconfig file was found)") == true)
        let bad = try write("bad.yaml", "clusters: [\n")
        let e3 = #expect(throws: Kubeconfig.LoadError.self) { try Kubeconfig.load(explicit: bad) }
        #expect(e3?.description.hasPrefix("\(bad): not valid YAML") == true)
        let badCA = try write("badca.yaml", "clusters:\n- name: x\n  cluster: {server: 'https://x', certificate-authority-data: '%%%'}\n")
        let e4 = #expect(throws: Kubeconfig.LoadError.self) { try Kubeconfig.load(explicit: badCA) }
        #expect(e4?.description == "\(badCA): certificate-authority-data of \"x\" is not valid base64")
    }
}
