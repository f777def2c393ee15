import Foundation
import Testing
@testable import KubeClient
import Sandbox

/// Acceptance 1: token, client certificate and exec plugin authentication over HTTPS against the
/// sandbox; a wrong CA and a bad token fail with messages that say what to check.
@Suite struct AuthAndTLSTests {
    @Test func tokenAuthListsTheStartNamespaces() async throws {
        try await withTokenClient { client, _, _ in
            let list = try await client.list(apiVersion: "v1", kind: "Namespace")
            let names = list.items.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
            #expect(names.sorted() == ["default", "kube-node-lease", "kube-public", "kube-system"])
            #expect(!list.resourceVersion.isEmpty)
            let version = try await client.serverVersion()
            #expect(version["major"] == "1")
        }
    }

    @Test func clientCertificateFilesAuthenticate() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let (cert, key) = try server.issueClientCertificate(commonName: "alice")
            let certFile = try dir.write("alice.crt", cert)
            let keyFile = try dir.write("alice.key", key)
            let config = try kubeconfig(server, dir: dir, user: "    client-certificate: \(certFile)\n    client-key: \(keyFile)")
            let client = try KubeClient(config: config, options: testOptions(dir))
            let created = try await client.create(configMap("by-cert"))
            #expect(created[path: ["metadata", "name"]] == "by-cert")
            #expect(try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "by-cert")["data"] == ["a": "1"])
            await client.shutdown()

            // The same as inline base64 data.
            let inline = try kubeconfig(server, dir: dir, user: "    client-certificate-data: \(Data(cert.utf8).base64EncodedString())\n    client-key-data: \(Data(key.utf8).base64EncodedString())")
            let client2 = try KubeClient(config: inline, options: testOptions(dir))
            #expect(try await client2.list(apiVersion: "v1", kind: "ConfigMap").items.count == 1)
            await client2.shutdown()
        }
    }

    @Test func withoutCredentialsTheServerSays401() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let client = try KubeClient(config: try kubeconfig(server, dir: dir, user: "    {}"), options: testOptions(dir))
            let error = await #expect(throws: KubeAPIError.self) { try await client.list(apiVersion: "v1", kind: "ConfigMap") }
            #expect(error?.code == 401)
            await client.shutdown()
        }
    }

    @Test func badTokenGivesAClear401Message() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let log = LogCapture()
            let client = try KubeClient(config: try kubeconfig(server, dir: dir, user: "    token: not-the-right-token-s3cr3t"), options: testOptions(dir, log: log))
            let error = await #expect(throws: KubeAPIError.self) { try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "x") }
            let message = error.map(String.init(describing:)) ?? ""
            #expect(error?.isUnauthorized == true)
            #expect(message.contains("Unauthorized"))
            #expect(message.contains("user \"tester\" of context \"sandbox-ctx\""))
            #expect(message.contains(server.url))
            #expect(message.contains("get-credentials"))
            // The rejected token never shows, neither in the error nor in the debug log.
            #expect(!message.contains("s3cr3t"))
            #expect(!log.text.contains("s3cr3t"))
            #expect(log.text.contains("GET \(server.url)/api"))
            await client.shutdown()
        }
    }

    @Test func wrongCAFailsWithATLSErrorNamingTheServer() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            try await withSandbox { other in
                // The other sandbox's CA did not sign this server's certificate.
                let wrongCA = try dir.write("wrong-ca.crt", other.caPEM)
                let config = try kubeconfig(server, dir: dir, user: "    token: \(server.token)", cluster: "    certificate-authority: \(wrongCA)")
                let log = LogCapture()
                let client = try KubeClient(config: config, options: testOptions(dir, log: log))
                let error = await #expect(throws: KubeClientError.self) { try await client.list(apiVersion: "v1", kind: "ConfigMap") }
                #expect(error?.kind == .tls)
                let message = error?.description ?? ""
                #expect(message.contains(server.url))
                #expect(message.contains("certificate verify failed"))
                #expect(message.contains("certificate-authority file \(wrongCA) of cluster \"sandbox\""))
                #expect(!message.contains(server.token))
                // A trust failure is not retried.
                #expect(!log.text.contains("retry"))
                await client.shutdown()
            }
        }
    }

    @Test func insecureSkipVerifyWorksAndWarns() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let warnings = LogCapture()
            let config = try kubeconfig(server, dir: dir, user: "    token: \(server.token)", cluster: "    insecure-skip-tls-verify: true")
            let client = try KubeClient(config: config, options: testOptions(dir, warnings: warnings))
            #expect(try await client.list(apiVersion: "v1", kind: "Namespace").items.count == 4)
            #expect(warnings.text.contains("insecure-skip-tls-verify is set for cluster \"sandbox\""))
            await client.shutdown()
        }
    }

    @Test func tlsServerNameIsSentAndVerified() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let ca = Data(server.caPEM.utf8).base64EncodedString()
            // The serving certificate covers localhost: connecting to 127.0.0.1 as "localhost" works.
            // (NIOSSL also accepts a certificate whose IP SAN matches the connected address, so a
            // mismatching tls-server-name cannot be shown with the sandbox's 127.0.0.1 certificate.)
            let good = try kubeconfig(server, dir: dir, user: "    token: \(server.token)", cluster: "    certificate-authority-data: \(ca)\n    tls-server-name: localhost")
            let log = LogCapture()
            let client = try KubeClient(config: good, options: testOptions(dir, log: log))
            #expect(try await client.list(apiVersion: "v1", kind: "Namespace").items.count == 4)
            #expect(log.text.contains("GET https://localhost:\(server.port)/api/v1/namespaces?limit=500 200"))
            await client.shutdown()
        }
    }

    @Test func unreadableCAFileIsAConfigurationError() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let config = try kubeconfig(server, dir: dir, user: "    token: x", cluster: "    certificate-authority: \(dir.path)/missing.crt")
            let error = #expect(throws: KubeClientError.self) { _ = try KubeClient(config: config, options: testOptions(dir)) }
            #expect(error?.description == "cannot read the certificate-authority file of cluster \"sandbox\" \(dir.path)/missing.crt: no such file; fix the path in the kubeconfig")
        }
    }

    @Test func tokenFileIsReadAndReReadOn401() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let tokenFile = try dir.write("token", "stale-token\n")
            let client = try KubeClient(config: try kubeconfig(server, dir: dir, user: "    tokenFile: \(tokenFile)"), options: testOptions(dir))
            _ = await #expect(throws: KubeAPIError.self) { try await client.list(apiVersion: "v1", kind: "Namespace") }
            // The file is rotated (as a projected service-account token is): the next 401 re-reads it.
            try dir.write("token", server.token + "\n")
            #expect(try await client.list(apiVersion: "v1", kind: "Namespace").items.count == 4)
            await client.shutdown()
        }
    }
}

/// Exec credential plugins (client.authentication.k8s.io v1 and v1beta1), as EKS and GKE use.
@Suite struct ExecPluginTests {
    /// A plugin that counts its runs in `count`, checks KUBERNETES_EXEC_INFO and prints a token:
    /// `first` on its first run, `token` afterwards.
    func plugin(_ dir: TempDir, apiVersion: String, first: String, token: String, expiry: String) throws -> String {
        try dir.write("plugin.sh", """
            #!/bin/sh
            n=$(cat "\(dir.path)/count" 2>/dev/null || echo 0)
            n=$((n + 1))
            echo $n > "\(dir.path)/count"
            case "$KUBERNETES_EXEC_INFO" in
              *'"kind":"ExecCredential"'*) ;;
              *) echo "no exec info" >&2; exit 3 ;;
            esac
            echo "$KUBERNETES_EXEC_INFO" > "\(dir.path)/info"
            echo "$1 $PLUGIN_GREETING" > "\(dir.path)/args"
            tok=\(token)
            [ $n -eq 1 ] && tok=\(first)
            printf '{"apiVersion":"\(apiVersion)","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"\(expiry)"}}' "$tok"

            """, executable: true)
    }

    func user(_ script: String, apiVersion: String) -> String {
        """
            exec:
              apiVersion: \(apiVersion)
              command: \(script)
              args: ["--cluster=sandbox"]
              env:
              - name: PLUGIN_GREETING
                value: hello
        """
    }

    func runs(_ dir: TempDir) -> Int { Int((try? String(contentsOfFile: dir.path + "/count", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0 }

    @Test(arguments: ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
    func pluginTokenIsCachedUntilExpiry(apiVersion: String) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let script = try plugin(dir, apiVersion: apiVersion, first: server.token, token: server.token, expiry: "2099-01-01T00:00:00Z")
            let log = LogCapture()
            let client = try KubeClient(config: try kubeconfig(server, dir: dir, user: user(script, apiVersion: apiVersion)), options: testOptions(dir, log: log))
            async let a = client.list(apiVersion: "v1", kind: "Namespace")
            async let b = client.list(apiVersion: "v1", kind: "ConfigMap")
            _ = try await (a, b)
            _ = try await client.create(configMap("exec"))
            #expect(runs(dir) == 1)
            let info = try String(contentsOfFile: dir.path + "/info", encoding: .utf8)
            #expect(info.contains("\"apiVersion\":\"\(apiVersion)\""))
            #expect(info.contains("\"interactive\":false"))
            #expect(try String(contentsOfFile: dir.path + "/args", encoding: .utf8) == "--cluster=sandbox hello\n")
            #expect(!log.text.contains(server.token))
            await client.shutdown()
        }
    }

    @Test func pluginIsRerunOnceOn401() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let apiVersion = "client.authentication.k8s.io/v1"
            let script = try plugin(dir, apiVersion: apiVersion, first: "revoked", token: server.token, expiry: "2099-01-01T00:00:00Z")
            let log = LogCapture()
            let client = try KubeClient(config: try kubeconfig(server, dir: dir, user: user(script, apiVersion: apiVersion)), options: testOptions(dir, log: log))
            #expect(try await client.list(apiVersion: "v1", kind: "Namespace").items.count == 4)
            #expect(runs(dir) == 2)
            #expect(log.text.contains("401 Unauthorized: refreshing the credentials of user \"tester\""))
            await client.shutdown()
        }
    }

    @Test func expiredCredentialIsRefreshed() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let apiVersion = "client.authentication.k8s.io/v1beta1"
            let script = try plugin(dir, apiVersion: apiVersion, first: server.token, token: server.token, expiry: "2001-01-01T00:00:00Z")
            let client = try KubeClient(config: try kubeconfig(server, dir: dir, user: user(script, apiVersion: apiVersion)), options: testOptions(dir))
            _ = try await client.list(apiVersion: "v1", kind: "Namespace")
            _ = try await client.list(apiVersion: "v1", kind: "Namespace")
            #expect(runs(dir) >= 2)
            await client.shutdown()
        }
    }

    @Test func failingPluginSaysWhichPluginAndWhy() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let script = try dir.write("broken.sh", "#!/bin/sh\necho 'please run login first' >&2\nexit 7\n", executable: true)
            let client = try KubeClient(config: try kubeconfig(server, dir: dir, user: user(script, apiVersion: "client.authentication.k8s.io/v1")), options: testOptions(dir))
            let error = await #expect(throws: KubeClientError.self) { try await client.list(apiVersion: "v1", kind: "Namespace") }
            #expect(error?.kind == .credentials)
            #expect(error?.description == "the exec credential plugin \(script) of user \"tester\" exited with status 7: please run login first; run it by hand to see why (expired login? missing cloud CLI?)")
            let missingUser = user("no-such-plugin-xyz", apiVersion: "client.authentication.k8s.io/v1") + "\n      installHint: Install it with `apt install xyz`."
            let missing = try KubeClient(config: try kubeconfig(server, dir: dir, user: missingUser), options: testOptions(dir))
            let error2 = await #expect(throws: KubeClientError.self) { try await missing.list(apiVersion: "v1", kind: "Namespace") }
            #expect(error2?.description == "the exec credential plugin \"no-such-plugin-xyz\" of user \"tester\" was not found in PATH or is not executable; install it or fix `exec.command` in the kubeconfig. Install it with `apt install xyz`.")
            await client.shutdown()
            await missing.shutdown()
        }
    }
}

/// In-cluster service-account configuration and exec plugins that return a client certificate.
@Suite struct InClusterAndExecCertificateTests {
    @Test func podServiceAccountIsUsedWhenNoKubeconfigExists() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let sa = dir.path + "/serviceaccount"
            try FileManager.default.createDirectory(atPath: sa, withIntermediateDirectories: true)
            try server.token.write(toFile: sa + "/token", atomically: true, encoding: .utf8)
            try server.caPEM.write(toFile: sa + "/ca.crt", atomically: true, encoding: .utf8)
            try "kube-system\n".write(toFile: sa + "/namespace", atomically: true, encoding: .utf8)
            let env = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port), "HOME": dir.path]
            let resolved = try #require(try Kubeconfig.inCluster(environment: env, directory: sa))
            #expect(resolved.cluster.server == server.url)
            #expect(resolved.namespace == "kube-system")
            #expect(resolved.user.tokenFile == sa + "/token")
            let client = try KubeClient(config: resolved, options: testOptions(dir))
            _ = try await client.apply(configMap("from-pod"))
            #expect(try await client.get(apiVersion: "v1", kind: "ConfigMap", namespace: "kube-system", name: "from-pod")["data"] == ["a": "1"])
            await client.shutdown()
            #expect(try Kubeconfig.inCluster(environment: ["HOME": dir.path], directory: sa) == nil)
            let missing = #expect(throws: Kubeconfig.LoadError.self) { try Kubeconfig.inCluster(environment: env, directory: dir.path + "/nope") }
            #expect(missing?.description.contains("service-account token \(dir.path)/nope/token is missing") == true)
        }
    }

    @Test func execPluginMayReturnAClientCertificate() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let (cert, key) = try server.issueClientCertificate(commonName: "exec-user")
            let credential: JSON = ["apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                                    "status": ["clientCertificateData": .string(cert), "clientKeyData": .string(key)]]
            let answer = try dir.write("credential.json", JSONWriter.string(credential))
            let script = try dir.write("cert-plugin.sh", "#!/bin/sh\ncat \(answer)\n", executable: true)
            let user = """
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: \(script)
                """
            let log = LogCapture()
            let client = try KubeClient(config: try kubeconfig(server, dir: dir, user: user), options: testOptions(dir, log: log))
            #expect(try await client.list(apiVersion: "v1", kind: "Namespace").items.count == 4)
            // The key never reaches the log.
            let keyBody = key.split(separator: "\n").dropFirst().first.map(String.init) ?? "unreachable"
            #expect(!log.text.contains(keyBody))
            await client.shutdown()
        }
    }
}
