import Foundation
import KubeClient

/// Where the schema of a kind came from, for messages.
enum SchemaOrigin: Sendable {
    case bundle(String), file(String), crd(String), cluster
}

/// The answer for one apiVersion/kind: a compiled root schema, or why there is none.
enum SchemaLookup: Sendable {
    case found(Int, SchemaOrigin)
    case missing(String)
}

/// Resolves apiVersion/kind to compiled schemas for one run: CRDs first (from the input and a
/// chart's crds/), then each `--schema-location` in order (`default` = the bundle), then, when
/// no location was given, the bundle. Each kind and each definition is compiled once.
struct SchemaCatalog {
    let options: SchemaOptions
    private(set) var compiler: SchemaCompiler
    private var cache: [String: SchemaLookup] = [:]
    private var crds: [String: (schema: JSON, source: String)] = [:]
    private let bundleVersion: SchemaBundle.Version?
    private let bundle: SchemaBundle?
    private let files = SchemaFileReader()
    /// apiVersion|kind → (document, schema name) from the cluster's OpenAPI documents.
    private var clusterKinds: [String: (doc: Int, name: String)] = [:]
    let kubernetesVersion: String

    init(options: SchemaOptions) throws(SchemaError) {
        self.options = options
        let locations = options.schemaLocations.isEmpty ? ["default"] : options.schemaLocations
        if locations.contains("default") {
            let b = try SchemaBundle.shipped()
            bundle = b
            let v = try b.version(for: options.kubernetesVersion)
            bundleVersion = v
            kubernetesVersion = v.name
        } else {
            bundle = nil
            bundleVersion = nil
            kubernetesVersion = options.kubernetesVersion ?? "master"
        }
        let files = self.files
        let bundle = self.bundle
        let version = self.bundleVersion
        var clusterSchemas: [[String: JSON]] = []
        for (i, doc) in options.clusterOpenAPI.enumerated() {
            let schemas = doc[path: ["components", "schemas"]]?.objectValue ?? [:]
            clusterSchemas.append(schemas)
            for (name, schema) in schemas {
                for gvk in schema["x-kubernetes-group-version-kind"]?.arrayValue ?? [] {
                    guard let v = gvk["version"]?.stringValue, let k = gvk["kind"]?.stringValue else { continue }
                    let g = gvk["group"]?.stringValue ?? ""
                    clusterKinds["\(g.isEmpty ? v : g + "/" + v)|\(k)"] = (i, name)
                }
            }
        }
        let cluster = clusterSchemas
        compiler = SchemaCompiler(arena: SchemaArena(), strict: options.strict) { ref in
            // Cluster documents refer to `#/components/schemas/NAME` inside themselves; their
            // schemas are compiled with a `cluster:DOC:` prefix on every reference.
            if ref.hasPrefix("cluster:") {
                let parts = ref.split(separator: ":", maxSplits: 2)
                guard parts.count == 3, let doc = Int(parts[1]), doc < cluster.count else { return nil }
                let name = String(parts[2].split(separator: "/").last ?? "")
                // Quantity is a string in the API's OpenAPI, but manifests write `cpu: 1` too.
                if name == "io.k8s.apimachinery.pkg.api.resource.Quantity" {
                    return (ref, ["type": ["string", "number"]])
                }
                guard let schema = cluster[doc][name] else { return nil }
                return (ref, Self.prefixRefs(schema, doc: doc))
            }
            // Bundle schemas name definitions by bare name; files' refs are absolute `file#pointer`.
            guard ref.contains("#") else {
                guard let bundle, let idx = version?.definitions[ref] else { return nil }
                return ("bundle:" + ref, bundle.schema(at: idx))
            }
            return files.resolve(ref)
        }
    }

    var arena: SchemaArena { compiler.arena }

    /// Registers the CRDs among `objects` (apiextensions.k8s.io/v1 and v1beta1).
    mutating func register(crd object: JSON, source: String) {
        guard object["kind"]?.stringValue == "CustomResourceDefinition",
              let api = object["apiVersion"]?.stringValue, api.hasPrefix("apiextensions.k8s.io/"),
              let spec = object["spec"], let group = spec["group"]?.stringValue,
              let kind = spec[path: ["names", "kind"]]?.stringValue
        else { return }
        if let versions = spec["versions"]?.arrayValue {
            for v in versions {
                guard let name = v["name"]?.stringValue else { continue }
                if v["served"]?.boolValue == false { continue }
                let schema = v[path: ["schema", "openAPIV3Schema"]] ?? spec[path: ["validation", "openAPIV3Schema"]] ?? .object([:])
                crds["\(group)/\(name)|\(kind)"] = (schema, source)
            }
        } else if let name = spec["version"]?.stringValue {
            crds["\(group)/\(name)|\(kind)"] = (spec[path: ["validation", "openAPIV3Schema"]] ?? .object([:]), source)
        }
    }

    mutating func lookup(apiVersion: String, kind: String) -> SchemaLookup {
        let key = "\(apiVersion)|\(kind)"
        if let done = cache[key] { return done }
        let result = find(apiVersion: apiVersion, kind: kind)
        cache[key] = result
        return result
    }

    private mutating func find(apiVersion: String, kind: String) -> SchemaLookup {
        if let crd = crds["\(apiVersion)|\(kind)"] {
            let root = compiler.compile(crd.schema, dialect: .openAPI, root: true)
            return .found(root, .crd(crd.source))
        }
        if let (doc, name) = clusterKinds["\(apiVersion)|\(kind)"] {
            let root = compiler.compile(["$ref": .string("cluster:\(doc):\(name)")], dialect: .clusterOpenAPI)
            return .found(root, .cluster)
        }
        let locations = options.schemaLocations.isEmpty ? ["default"] : options.schemaLocations
        var tried: [String] = []
        for location in locations {
            if location == "default" {
                let name = SchemaBundle.kindKey(apiVersion: apiVersion, kind: kind)
                if let bundle, let v = bundleVersion, let idx = v.kinds[name] {
                    return .found(compiler.compile(bundle.schema(at: idx)), .bundle(v.name))
                }
                tried.append("the bundled Kubernetes \(bundleVersion?.name ?? "") schemas")
                continue
            }
            let path = SchemaLocation(location).path(apiVersion: apiVersion, kind: kind,
                                                     kubernetesVersion: kubernetesVersion, strict: options.strict)
            if let schema = files.load(path) {
                return .found(compiler.compile(schema), .file(path))
            }
            tried.append(files.failure(path).map { "\(path) (\($0))" } ?? path)
        }
        let crdHint = apiVersion.contains(".") ? "; for a custom resource, pass its CustomResourceDefinition too (or the chart's crds/)" : ""
        return .missing("no schema for \(kind) \(apiVersion) (looked in \(tried.joined(separator: ", ")))\(crdHint); check apiVersion and kind, or pass --ignore-missing-schemas to skip such objects")
    }

    /// `#/components/schemas/X` → `cluster:DOC:X`, so the resolver knows which document.
    static func prefixRefs(_ s: JSON, doc: Int) -> JSON {
        switch s {
        case .object(var o):
            for (k, v) in o { o[k] = prefixRefs(v, doc: doc) }
            if let r = o["$ref"]?.stringValue, r.hasPrefix("#/components/schemas/") {
                o["$ref"] = .string("cluster:\(doc):" + r.dropFirst("#/components/schemas/".count))
            }
            return .object(o)
        case .array(let a): return .array(a.map { prefixRefs($0, doc: doc) })
        default: return s
        }
    }
}
