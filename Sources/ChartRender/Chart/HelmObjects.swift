import Foundation

/// `.Chart`: Chart.yaml's fields under their Go names (`.Chart.Name`, `.Chart.AppVersion`).
struct ChartMetadataObject: TemplateObject {
    let metadata: [String: Value]
    var isRoot = true
    var goType: GoType { .named("*chart.Metadata", kind: "ptr") }

    static let fields: [String: String] = [
        "Name": "name", "Home": "home", "Sources": "sources", "Version": "version", "Description": "description",
        "Keywords": "keywords", "Maintainers": "maintainers", "Icon": "icon", "APIVersion": "apiVersion",
        "Condition": "condition", "Tags": "tags", "AppVersion": "appVersion", "Deprecated": "deprecated",
        "Annotations": "annotations", "KubeVersion": "kubeVersion", "Dependencies": "dependencies", "Type": "type",
    ]

    func field(_ name: String) -> Value? {
        if name == "IsRoot" { return .bool(isRoot) }
        guard let key = ChartMetadataObject.fields[name] else { return nil }
        let v = metadata[key]
        switch name {
        case "Deprecated": if case .bool = v { return v } else { return .bool(false) }
        case "Sources", "Keywords", "Maintainers", "Dependencies":
            if case .list(let l, _)? = v { return .list(l) }
            return .list([])
        case "Annotations":
            if case .map(let m, _)? = v { return .map(m.mapValues { .string($0.stringValue ?? GoFmt.format($0)) }, element: .string) }
            return .map([:], element: .string)
        default:
            if let v, case .string = v { return v }
            if let v, !v.isNull { return .string(GoFmt.format(v)) }
            return .string("")
        }
    }

    var formatted: String {
        "&{" + ["Name", "Version", "AppVersion"].map { GoFmt.format(field($0) ?? .null) }.joined(separator: " ") + "}"
    }
}

/// `.Files`: the chart's non-template files.
struct FilesObject: TemplateObject {
    let files: [String: [UInt8]]
    var goType: GoType { .named("chart.Files", kind: "map") }
    func field(_ name: String) -> Value? { nil }
    var isTruthy: Bool { !files.isEmpty }
    var formatted: String { "map[" + files.keys.sorted().map { "\($0):\(files[$0] ?? [])" }.joined(separator: " ") + "]" }

    func method(_ name: String) -> TemplateFunction? {
        switch name {
        case "Get":
            return TemplateFunction("Get", [.string]) { args, _ in
                .string(files[args[0].stringValue ?? ""].map { String(decoding: $0, as: UTF8.self) } ?? "")
            }
        case "GetBytes":
            return TemplateFunction("GetBytes", [.string]) { args, _ in
                .list((files[args[0].stringValue ?? ""] ?? []).map { .int(Int($0)) }, element: .uint8)
            }
        case "Lines":
            return TemplateFunction("Lines", [.string]) { args, _ in
                guard let data = files[args[0].stringValue ?? ""] else { return .list([], element: .string) }
                var text = String(decoding: data, as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
                return .list(text.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }, element: .string)
            }
        case "Glob":
            return TemplateFunction("Glob", [.string]) { args, _ in
                let pattern = args[0].stringValue ?? ""
                return .object(FilesObject(files: files.filter { Glob.matchPath(pattern, $0.key) }))
            }
        case "AsConfig":
            return TemplateFunction("AsConfig") { _, _ in
                let m = Dictionary(uniqueKeysWithValues: files.map { (String($0.key.split(separator: "/").last ?? ""), Value.string(String(decoding: $0.value, as: UTF8.self))) })
                return .string(m.isEmpty ? "" : YAMLFunctions.trimNewline(YAMLEmitter.emit(.map(m))))
            }
        case "AsSecrets":
            return TemplateFunction("AsSecrets") { _, _ in
                let m = Dictionary(uniqueKeysWithValues: files.map { (String($0.key.split(separator: "/").last ?? ""), Value.string(Data($0.value).base64EncodedString())) })
                return .string(m.isEmpty ? "" : YAMLFunctions.trimNewline(YAMLEmitter.emit(.map(m))))
            }
        default:
            return nil
        }
    }
}

/// `.Capabilities`: the target cluster's version and API versions.
public struct Capabilities: Sendable {
    public var kubeVersion: String
    public var apiVersions: Set<String>

    /// What `helm template` assumes without a cluster.
    public static let defaultKubeVersion = "v1.32.0"
    public static let defaultAPIVersions: Set<String> = [
        "v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1",
        "apps/v1", "authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2",
        "batch/v1", "certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1",
        "flowcontrol.apiserver.k8s.io/v1", "networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1",
        "rbac.authorization.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1",
    ]

    public init(kubeVersion: String = Capabilities.defaultKubeVersion, apiVersions: Set<String> = Capabilities.defaultAPIVersions) {
        self.kubeVersion = kubeVersion.hasPrefix("v") ? kubeVersion : "v" + kubeVersion
        self.apiVersions = apiVersions
    }
}

struct CapabilitiesObject: TemplateObject {
    let caps: Capabilities
    var goType: GoType { .named("*chartutil.Capabilities", kind: "ptr") }
    var formatted: String { "&{\(caps.kubeVersion)}" }

    func field(_ name: String) -> Value? {
        switch name {
        case "KubeVersion": return .object(KubeVersionObject(version: caps.kubeVersion))
        case "APIVersions": return .object(APIVersionsObject(versions: caps.apiVersions))
        case "HelmVersion":
            return .map(["Version": .string("v3.16.0"), "GitCommit": .string(""), "GitTreeState": .string(""), "GoVersion": .string("go1.22")], element: .string)
        default: return nil
        }
    }
}

struct KubeVersionObject: TemplateObject {
    let version: String
    var goType: GoType { .named("chartutil.KubeVersion", kind: "struct") }
    var formatted: String { version }
    private var parts: [String] {
        version.dropFirst().split(separator: ".").map { String($0.prefix { $0.isNumber }) }
    }

    func field(_ name: String) -> Value? {
        switch name {
        case "Version", "GitVersion": .string(version)
        case "Major": .string(parts.first ?? "")
        case "Minor": .string(parts.count > 1 ? parts[1] : "")
        default: nil
        }
    }

    func method(_ name: String) -> TemplateFunction? {
        name == "String" ? TemplateFunction("String") { _, _ in .string(version) } : nil
    }
}

struct APIVersionsObject: TemplateObject {
    let versions: Set<String>
    var goType: GoType { .named("chartutil.VersionSet", kind: "slice") }
    var formatted: String { "[" + versions.sorted().joined(separator: " ") + "]" }
    func field(_ name: String) -> Value? { nil }

    func method(_ name: String) -> TemplateFunction? {
        name == "Has" ? TemplateFunction("Has", [.string]) { args, _ in .bool(versions.contains(args[0].stringValue ?? "")) } : nil
    }
}
