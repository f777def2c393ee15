import Foundation
import KubeClient

/// How `tarsctl validate` checks objects against schemas.
public struct SchemaOptions: Sendable {
    /// `1.32`, `v1.32.3`; nil = the newest bundled version.
    public var kubernetesVersion: String?
    /// Unknown fields are errors (kubernetes-validate --strict, kubectl --validate=strict).
    public var strict: Bool
    /// Objects whose kind has no schema are skipped instead of reported.
    public var ignoreMissingSchemas: Bool
    /// kubeconform-style locations tried in order; `default` is the bundle. Empty = the bundle.
    public var schemaLocations: [String]
    /// The group-version documents of a cluster's `/openapi/v3` (what `--from-cluster` fetches);
    /// their kinds take precedence over the bundle and the locations.
    public var clusterOpenAPI: [JSON]

    public init(kubernetesVersion: String? = nil, strict: Bool = false, ignoreMissingSchemas: Bool = false,
                schemaLocations: [String] = [], clusterOpenAPI: [JSON] = []) {
        self.kubernetesVersion = kubernetesVersion
        self.strict = strict
        self.ignoreMissingSchemas = ignoreMissingSchemas
        self.schemaLocations = schemaLocations
        self.clusterOpenAPI = clusterOpenAPI
    }
}

/// Schema validation of manifests: every object against the OpenAPI schema of its kind.
public enum SchemaCheck {
    public static let rule = RuleDescription(
        id: "schema",
        shortDescription: "Object does not match the Kubernetes schema of its kind",
        fullDescription: "Every object is checked against the OpenAPI schema of its apiVersion and kind for the target Kubernetes version (or its CustomResourceDefinition): field types, required fields, allowed values and, with --strict, unknown fields.",
        help: "Fix the field named in the message; run `tarsctl validate --strict` to also catch misspelled fields, and --kubernetes-version to check against the cluster's release.",
        defaultSeverity: .error)

    /// Checks `documents`; `crds` are extra CustomResourceDefinitions (a chart's crds/) whose
    /// schemas apply to custom resources. CRDs among `documents` apply too.
    public static func validate(_ documents: [ManifestDocument], crds: [ManifestDocument] = [],
                                options: SchemaOptions) throws(SchemaError) -> [Finding] {
        var catalog = try SchemaCatalog(options: options)
        for d in crds + documents { catalog.register(crd: d.object, source: "\(d.file):\(d.startLine)") }

        // Resolve and compile every kind first (single-threaded), then validate in parallel.
        var roots = [Int](repeating: -1, count: documents.count)
        var findings = [[Finding]](repeating: [], count: documents.count)
        for (i, d) in documents.enumerated() {
            guard let apiVersion = d.object["apiVersion"]?.stringValue, !apiVersion.isEmpty,
                  let kind = d.object["kind"]?.stringValue, !kind.isEmpty
            else {
                let missing = [d.object["apiVersion"]?.stringValue?.isEmpty == false ? nil : "apiVersion",
                               d.object["kind"]?.stringValue?.isEmpty == false ? nil : "kind"].compactMap { $0 }
                findings[i] = [Finding(ruleID: "schema", severity: .error,
                                       message: "object has no \(missing.joined(separator: " or ")); every Kubernetes object needs a string apiVersion and kind",
                                       location: d.location, object: d.ref, path: missing.first)]
                continue
            }
            switch catalog.lookup(apiVersion: apiVersion, kind: kind) {
            case .found(let root, _):
                roots[i] = root
            case .missing(let why):
                if !options.ignoreMissingSchemas {
                    var loc = d.location(ofPath: "kind")
                    loc.endLine = d.endLine
                    findings[i] = [Finding(ruleID: "schema", severity: .error, message: why, location: loc,
                                           object: d.ref, path: "kind")]
                }
            }
        }
        let validator = SchemaValidator(arena: catalog.arena)
        let work = documents.indices.filter { roots[$0] >= 0 }.map { ($0, roots[$0]) }
        let results = ParallelMap.map(work) { i, root in
            (i, validator.validate(documents[i].object, against: root))
        }
        // Repeated keys: kubectl's strict field validation rejects them; otherwise the last wins.
        for (i, d) in documents.enumerated() {
            for dup in d.duplicateKeys {
                let key = dup.path.components.last.map { "\($0)" } ?? ""
                findings[i].append(Finding(
                    ruleID: "schema", severity: options.strict ? .error : .warning,
                    message: "\(dup.path): duplicate field \"\(key)\" (first set at line \(dup.firstLine)); the last value wins, remove one of them",
                    location: SourceLocation(file: d.file, line: dup.line, column: dup.column), object: d.ref,
                    path: dup.path.description))
            }
        }
        for (i, violations) in results where !violations.isEmpty {
            let d = documents[i]
            let locations = d.locations(of: violations.map(\.path))
            findings[i] += zip(violations, locations).map { v, location in
                let path = v.path.description
                return Finding(ruleID: "schema", severity: .error,
                               message: path.isEmpty ? v.message : "\(path): \(v.message)",
                               location: location, object: d.ref, path: path)
            }
        }
        return findings.flatMap { $0 }
    }
}

/// Runs a pure function over items on all cores, keeping the order.
enum ParallelMap {
    /// Below `serialBelow` items the work is done on the calling thread.
    static func map<T: Sendable, R: Sendable>(_ items: [T], serialBelow: Int = 256, _ body: @Sendable (T) -> R) -> [R] {
        if items.count < max(serialBelow, 2) || ProcessInfo.processInfo.activeProcessorCount < 2 { return items.map(body) }
        let chunks = min(ProcessInfo.processInfo.activeProcessorCount * 4, items.count)
        let box = ResultBox<R>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = items.count * c / chunks
            let hi = items.count * (c + 1) / chunks
            box.set(c, items[lo..<hi].map(body))
        }
        return box.values.flatMap { $0 }
    }
}

/// Per-chunk results written from concurrentPerform; each slot is written by one iteration only.
private final class ResultBox<R: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [[R]]
    init(count: Int) { values = Array(repeating: [], count: count) }
    func set(_ i: Int, _ v: [R]) {
        lock.lock()
        values[i] = v
        lock.unlock()
    }
}
