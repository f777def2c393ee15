import Foundation
import Yams

/// kubeconfig files loaded and merged as kubectl does, and the connection settings of one
/// context resolved from them.
///
/// Merge rules (kubectl's `config view` documents them): with `$KUBECONFIG` listing several
/// files, missing files are skipped; for clusters, users and contexts the first file defining
/// a name wins; `current-context` comes from the first file that sets it. `--kubeconfig` names
/// exactly one file, which must exist. Relative file paths inside a file are resolved against
/// that file's directory.
public struct Kubeconfig: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        public var server = ""
        public var certificateAuthority: String?
        public var certificateAuthorityData: Data?
        public var insecureSkipTLSVerify = false
        public var tlsServerName: String?
        public var proxyURL: String?
    }

    public struct ExecConfig: Sendable, Equatable {
        public var command: String
        public var args: [String] = []
        public var env: [String: String] = [:]
        public var apiVersion: String
        /// Shown when the command is missing (`installHint` in the kubeconfig).
        public var installHint: String? = nil
    }

    public struct User: Sendable, Equatable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: Data?
        public var clientKey: String?
        public var clientKeyData: Data?
        public var exec: ExecConfig?
    }

    public struct Context: Sendable, Equatable {
        public var cluster: String
        public var user: String
        public var namespace: String?
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?
    /// The files that were read, in merge order.
    public var files: [String] = []

    public struct LoadError: Error, Sendable, CustomStringConvertible, Equatable {
        public let description: String
    }

    public init() {}

    /// The files kubectl would read: `--kubeconfig`, else `$KUBECONFIG` (colon-separated),
    /// else `~/.kube/config`.
    public static func paths(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let explicit, !explicit.isEmpty { return [explicit] }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            return list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return [home + "/.kube/config"]
    }

    /// Loads and merges the files kubectl would read.
    public static func load(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws(LoadError) -> Kubeconfig {
        let paths = paths(explicit: explicit, environment: environment)
        var merged = Kubeconfig()
        for path in paths {
            guard FileManager.default.fileExists(atPath: path) else {
                if explicit != nil { throw LoadError(description: "\(path): kubeconfig file not found; check the --kubeconfig path") }
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LoadError(description: "\(path): cannot read the kubeconfig file; check its permissions")
            }
            merged.merge(try parse(String(decoding: data, as: UTF8.self), file: path))
        }
        return merged
    }

    /// Adds another file's entries under kubectl's first-wins rules.
    public mutating func merge(_ other: Kubeconfig) {
        for (k, v) in other.clusters where clusters[k] == nil { clusters[k] = v }
        for (k, v) in other.users where users[k] == nil { users[k] = v }
        for (k, v) in other.contexts where contexts[k] == nil { contexts[k] = v }
        if currentContext == nil || currentContext == "" { currentContext = other.currentContext }
        files += other.files
    }

    // MARK: parsing

    public static func parse(_ text: String, file: String) throws(LoadError) -> Kubeconfig {
        let root: Any?
        do { root = try Yams.compose(yaml: text, .basic, .default, .utf8).flatMap(plainValue) } catch {
            let mark = (error as? YamlError).map { "\($0)" } ?? "\(error)"
            throw LoadError(description: "\(file): not valid YAML: \(mark); fix the kubeconfig file")
        }
        var cfg = Kubeconfig()
        cfg.files = [file]
        guard let top = root as? [String: Any] else {
            if root == nil { return cfg }
            throw LoadError(description: "\(file): a kubeconfig must be a mapping with clusters, users and contexts")
        }
        let dir = (file as NSString).deletingLastPathComponent
        func path(_ p: String?) -> String? {
            guard let p, !p.isEmpty else { return nil }
            if p.hasPrefix("/") || dir.isEmpty { return p }
            return ((dir as NSString).appendingPathComponent(p) as NSString).standardizingPath
        }
        func base64(_ s: String?, _ what: String, _ name: String) throws(LoadError) -> Data? {
            guard let s else { return nil }
            guard let d = Data(base64Encoded: s.filter { !$0.isWhitespace }) else {
                throw LoadError(description: "\(file): \(what) of \"\(name)\" is not valid base64")
            }
            return d
        }
        func entries(_ key: String, _ inner: String) throws(LoadError) -> [(String, [String: Any])] {
            guard let list = top[key] else { return [] }
            guard let items = list as? [Any] else { throw LoadError(description: "\(file): `\(key)` must be a list") }
            var out: [(String, [String: Any])] = []
            for (i, item) in items.enumerated() {
                guard let m = item as? [String: Any], let name = m["name"].map({ "\($0)" }), !name.isEmpty else {
                    throw LoadError(description: "\(file): \(key)[\(i)] has no name")
                }
                out.append((name, m[inner] as? [String: Any] ?? [:]))
            }
            return out
        }
        for (name, c) in try entries("clusters", "cluster") where cfg.clusters[name] == nil {
            var cl = Cluster()
            cl.server = c["server"] as? String ?? ""
            cl.certificateAuthority = path(c["certificate-authority"] as? String)
            cl.certificateAuthorityData = try base64(c["certificate-authority-data"] as? String, "certificate-authority-data", name)
            cl.insecureSkipTLSVerify = c["insecure-skip-tls-verify"] as? Bool ?? false
            cl.tlsServerName = c["tls-server-name"] as? String
            cl.proxyURL = c["proxy-url"] as? String
            cfg.clusters[name] = cl
        }
        for (name, u) in try entries("users", "user") where cfg.users[name] == nil {
            var us = User()
            us.token = u["token"] as? String
            us.tokenFile = path(u["tokenFile"] as? String)
            us.clientCertificate = path(u["client-certificate"] as? String)
            us.clientCertificateData = try base64(u["client-certificate-data"] as? String, "client-certificate-data", name)
            us.clientKey = path(u["client-key"] as? String)
            us.clientKeyData = try base64(u["client-key-data"] as? String, "client-key-data", name)
            if let e = u["exec"] as? [String: Any] {
                guard let command = e["command"] as? String, !command.isEmpty else {
                    throw LoadError(description: "\(file): the exec plugin of user \"\(name)\" has no command")
                }
                var env: [String: String] = [:]
                for case let item as [String: Any] in e["env"] as? [Any] ?? [] {
                    if let n = item["name"] as? String { env[n] = item["value"].map { "\($0)" } ?? "" }
                }
                // A command with a slash is a path relative to the kubeconfig, as kubectl resolves it.
                let resolved = command.contains("/") ? (path(command) ?? command) : command
                us.exec = ExecConfig(command: resolved, args: (e["args"] as? [Any] ?? []).map { "\($0)" }, env: env,
                                     apiVersion: e["apiVersion"] as? String ?? "client.authentication.k8s.io/v1",
                                     installHint: (e["installHint"] as? String).flatMap { $0.isEmpty ? nil : $0 })
            }
            cfg.users[name] = us
        }
        for (name, c) in try entries("contexts", "context") where cfg.contexts[name] == nil {
            cfg.contexts[name] = Context(cluster: c["cluster"] as? String ?? "", user: c["user"] as? String ?? "",
                                         namespace: (c["namespace"] as? String).flatMap { $0.isEmpty ? nil : $0 })
        }
        if let cur = top["current-context"] as? String, !cur.isEmpty { cfg.currentContext = cur }
        return cfg
    }

    /// A composed YAML node as the dictionaries, arrays, strings and booleans the fields above
    /// read: plain `true`/`false` (and YAML 1.1's yes/no/on/off) are booleans, `~`/`null`/empty
    /// are nil, every other scalar stays text (numbers included, so `name: 123` is the name
    /// "123"); `<<` merge keys fill in missing keys. Yams' own tag resolution would compile its
    /// regular expressions (ICU) on every start, a few milliseconds for one small file.
    static func plainValue(_ node: Yams.Node) -> Any? {
        switch node {
        case .scalar(let s):
            guard s.style == .plain || s.style == .any, s.tag.rawValue != Tag.Name.str.rawValue else { return s.string }
            switch s.string {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
            case "", "~", "null", "Null", "NULL": return nil
            default: return s.string
            }
        case .sequence(let items):
            return items.map { plainValue($0) ?? NSNull() }
        case .mapping(let m):
            var out: [String: Any] = [:]
            var inherited: [[String: Any]] = []
            for (k, v) in m {
                guard case .scalar(let key) = k else { continue }
                if key.string == "<<", key.style == .plain || key.style == .any {
                    switch plainValue(v) {
                    case let one as [String: Any]: inherited.append(one)
                    case let many as [Any]: inherited += many.compactMap { $0 as? [String: Any] }
                    default: break
                    }
                    continue
                }
                if let value = plainValue(v) { out[key.string] = value }
            }
            for base in inherited { for (k, v) in base where out[k] == nil { out[k] = v } }
            return out
        case .alias:
            return nil
        }
    }

    // MARK: resolving a context

    /// What a client needs to talk to one cluster as one user.
    public struct Resolved: Sendable, Equatable {
        public var contextName: String
        public var cluster: Cluster
        public var user: User
        /// `-n` if given, else the context's namespace, else `default`.
        public var namespace: String
        /// The kubeconfig names of the context's cluster and user, for error messages.
        public var clusterName: String = ""
        public var userName: String = ""
    }

    /// The service-account configuration of a pod (client-go's `InClusterConfig`): the server
    /// from `KUBERNETES_SERVICE_HOST`/`_PORT`, the token file (re-read as it rotates), the CA and
    /// namespace beside it. nil outside a cluster (the variables are unset).
    public static func inCluster(environment: [String: String] = ProcessInfo.processInfo.environment, namespace: String? = nil,
                                 directory: String = "/var/run/secrets/kubernetes.io/serviceaccount") throws(LoadError) -> Resolved? {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty, let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            return nil
        }
        let tokenFile = directory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenFile) else {
            throw LoadError(description: "running in a cluster (KUBERNETES_SERVICE_HOST is set) but the service-account token \(tokenFile) is missing; mount the service-account token or pass --kubeconfig")
        }
        var cluster = Cluster()
        cluster.server = "https://" + (host.contains(":") ? "[\(host)]" : host) + ":" + port
        let ca = directory + "/ca.crt"
        if FileManager.default.fileExists(atPath: ca) { cluster.certificateAuthority = ca }
        var user = User()
        user.tokenFile = tokenFile
        let fileNamespace = (try? String(contentsOfFile: directory + "/namespace", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        let ns = namespace.flatMap { $0.isEmpty ? nil : $0 } ?? fileNamespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return Resolved(contextName: "in-cluster", cluster: cluster, user: user, namespace: ns, clusterName: "in-cluster", userName: "service-account")
    }

    /// The settings of `--kube-context` or the current context, with `-n` applied.
    public func resolve(context override: String? = nil, namespace: String? = nil) throws(LoadError) -> Resolved {
        let where_ = files.isEmpty ? "no kubeconfig file was found" : "kubeconfig: " + files.joined(separator: ":")
        guard let name = (override?.isEmpty == false ? override : currentContext), !name.isEmpty else {
            throw LoadError(description: "no current context is set (\(where_)); pass --kube-context NAME or run `kubectl config use-context NAME`")
        }
        guard let ctx = contexts[name] else {
            let known = contexts.keys.sorted().joined(separator: ", ")
            throw LoadError(description: "context \"\(name)\" not found (\(where_)); known contexts: \(known.isEmpty ? "none" : known)")
        }
        guard let cluster = clusters[ctx.cluster] else {
            throw LoadError(description: "context \"\(name)\" refers to cluster \"\(ctx.cluster)\", which is not defined (\(where_))")
        }
        guard !cluster.server.isEmpty else {
            throw LoadError(description: "cluster \"\(ctx.cluster)\" has no server URL (\(where_)); add `server: https://HOST:PORT`")
        }
        let user: User
        if ctx.user.isEmpty {
            user = User()
        } else if let u = users[ctx.user] {
            user = u
        } else {
            throw LoadError(description: "context \"\(name)\" refers to user \"\(ctx.user)\", which is not defined (\(where_))")
        }
        let ns = namespace.flatMap { $0.isEmpty ? nil : $0 } ?? ctx.namespace ?? "default"
        return Resolved(contextName: name, cluster: cluster, user: user, namespace: ns, clusterName: ctx.cluster, userName: ctx.user)
    }
}
