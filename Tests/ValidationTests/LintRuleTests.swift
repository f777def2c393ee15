import Foundation
import TestSupport
import Testing
@testable import Validation

/// A chart written to a temporary directory: a clean base that each case changes.
struct LintChart {
    static let chartYAML = "apiVersion: v2\nname: demo\nversion: 0.1.0\n"
    static let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ .Release.Name }}-web
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
            - name: web
              image: nginx:1.27
              readinessProbe: {httpGet: {path: /, port: 80}}
              livenessProbe: {httpGet: {path: /, port: 80}}
              resources: {limits: {cpu: 100m, memory: 64Mi}}
    """
    static let service = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports: [{port: 80}]
    """
    static var base: [String: String] {
        ["Chart.yaml": chartYAML, "values.yaml": "replicas: 1\n",
         "templates/deployment.yaml": deployment, "templates/service.yaml": service]
    }

    let dir: URL

    init(_ changes: [String: String?]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString)/demo")
        var files = LintChart.base
        for (k, v) in changes { files[k] = v }
        for (rel, text) in files {
            let url = dir.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    func lint(kube: String? = nil, values: [String: String] = [:], subcharts: Bool = false) throws -> ValidationReport {
        var o = LintOptions()
        o.kubeVersion = kube
        o.withSubcharts = subcharts
        for (name, text) in values.sorted(by: { $0.key < $1.key }) {
            let url = dir.deletingLastPathComponent().appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            o.valuesFiles.append(url.path)
        }
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        return try ChartLinter.lint(chartPath: dir.path, options: o).report
    }
}

/// `rule severity file:line[:col]` with the chart directory stripped, for compact expectations.
func summary(_ r: ValidationReport, dir: URL) -> [String] {
    r.findings.sorted(by: Finding.displayOrder).map { f in
        var file = f.location.file
        for prefix in [dir.path + "/", dir.deletingLastPathComponent().path + "/"] where file.hasPrefix(prefix) {
            file.removeFirst(prefix.count)
        }
        var pos = file + ":\(f.location.line)"
        if f.location.column > 0 { pos += ":\(f.location.column)" }
        return "\(f.ruleID) \(f.severity.rawValue) \(pos)"
    }
}

struct LintCase: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String: String?]
    var kube: String? = nil
    var values: [String: String] = [:]
    var subcharts = false
    /// Exact `rule severity file:line:col` list expected.
    var expected: [String]
    /// Substrings the messages must contain (what, where, what to do).
    var messages: [String] = []
    var testDescription: String { name }
}

let lintCases: [LintCase] = [
    LintCase(name: "clean chart", files: [:], expected: []),
    LintCase(name: "chart apiVersion and SemVer version", files: ["Chart.yaml": "apiVersion: v3\nname: demo\nversion: 1.x\n"],
             expected: ["chart-metadata error Chart.yaml:1:13", "chart-metadata error Chart.yaml:3:10"],
             messages: ["apiVersion \"v3\" is not v1 or v2; use `apiVersion: v2`", "version \"1.x\" is not a SemVer 2 version"]),
    LintCase(name: "chart without name or version", files: ["Chart.yaml": "apiVersion: v2\n"],
             expected: ["chart-metadata error Chart.yaml:1:1", "chart-metadata error Chart.yaml:1:1"],
             messages: ["has no name; add `name: CHART`", "has no version"]),
    LintCase(name: "missing Chart.yaml", files: ["Chart.yaml": nil], expected: ["chart-metadata error Chart.yaml:0"],
             messages: ["Chart.yaml is missing"]),
    LintCase(name: "prerelease SemVer is fine", files: ["Chart.yaml": "apiVersion: v1\nname: demo\nversion: 1.2.3-rc.1+build.5\n"], expected: []),
    LintCase(name: "broken values.yaml", files: ["values.yaml": "a: 1\nb: [1, 2\n"], expected: ["values-yaml error values.yaml:3:1"],
             messages: ["values file is not valid YAML"]),
    LintCase(name: "values file that is a list", files: [:], values: ["list.yaml": "- a\n- b\n"],
             expected: ["values-yaml error list.yaml:1:1"], messages: ["must be a YAML mapping"]),
    LintCase(name: "values against values.schema.json",
             files: ["values.schema.json": #"{"type":"object","properties":{"replicas":{"type":"integer"}}}"#],
             values: ["bad.yaml": "image: x\nreplicas: two\n"],
             expected: ["values-schema error bad.yaml:2:11"], messages: ["value replicas does not match values.schema.json"]),
    LintCase(name: "values.schema.json that is not JSON",
             files: ["values.schema.json": "{\n  \"type\": \"object\",\n  \"properties\": {,}\n}\n"],
             expected: ["values-schema error values.schema.json:3:18"], messages: ["values.schema.json is not valid JSON"]),
    LintCase(name: "every broken template is reported",
             files: ["templates/a.yaml": "kind: ConfigMap\n{{ required \"set a.b\" .Values.a }}\n",
                     "templates/b.yaml": "x: {{ .Values.x | nosuchfunc }}\n"],
             expected: ["template-render error templates/a.yaml:2:3", "template-render error templates/b.yaml:1"],
             messages: ["set a.b", "nosuchfunc", "fix the template at this line or pass the values it needs"]),
    LintCase(name: "documents that are not objects",
             files: ["templates/bad.yaml": "- a\n- b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: [x\n"],
             expected: ["manifest-yaml error templates/bad.yaml:1:1", "manifest-yaml error templates/bad.yaml:10:1"],
             messages: ["is a list, not a Kubernetes object", "is not valid YAML"]),
    LintCase(name: "missing kind and name",
             files: ["templates/cm.yaml": "apiVersion: v1\nmetadata:\n  labels: {}\n"],
             expected: ["manifest-fields error templates/cm.yaml:1:1", "manifest-fields error templates/cm.yaml:1:1"],
             messages: ["has no kind", "has no metadata.name"]),
    LintCase(name: "names per kind",
             files: ["templates/names.yaml": """
             apiVersion: v1
             kind: Service
             metadata:
               name: 1svc
             ---
             apiVersion: v1
             kind: Namespace
             metadata:
               name: a.b
             ---
             apiVersion: v1
             kind: ConfigMap
             metadata:
               name: Web_Config
             ---
             apiVersion: rbac.authorization.k8s.io/v1
             kind: ClusterRole
             metadata:
               name: "system:demo"
             ---
             apiVersion: batch/v1
             kind: CronJob
             metadata:
               name: \(String(repeating: "c", count: 53))
             ---
             apiVersion: v1
             kind: ConfigMap
             metadata:
               name: a.b-c.d
             """],
             expected: ["dns-1123-name error templates/names.yaml:4:9", "dns-1123-name error templates/names.yaml:9:9",
                        "dns-1123-name error templates/names.yaml:14:9", "dns-1123-name error templates/names.yaml:24:9"],
             messages: ["Service name \"1svc\" is not a valid DNS-1035 label: it must start with a letter",
                        "Namespace name \"a.b\" is not a valid DNS-1123 label: it may not contain '.'",
                        "must be lower case (found 'W')", "must be no more than 52 characters (it has 53)"]),
    LintCase(name: "kubeVersion constraint against the target",
             files: ["Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\nkubeVersion: \">=1.29.0-0\"\n"], kube: "1.27",
             expected: ["chart-metadata error Chart.yaml:4:14"],
             messages: ["the chart requires kubeVersion >=1.29.0-0, which is incompatible with Kubernetes v1.27.0"]),
    LintCase(name: "kubeVersion constraint satisfied",
             files: ["Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\nkubeVersion: \">=1.29.0-0\"\n"], kube: "1.31.2", expected: []),
    LintCase(name: "List documents and namespaces",
             files: ["templates/list.yaml": "apiVersion: v1\nkind: List\nitems: []\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: Team_A\n"],
             expected: ["dns-1123-name error templates/list.yaml:9:14"],
             messages: ["namespace \"Team_A\" of ConfigMap/cm is not a valid DNS-1123 label"]),
    LintCase(name: "PDB deprecated in 1.24", files: ["templates/pdb.yaml": pdb], kube: "1.24",
             expected: ["deprecated-api warning templates/pdb.yaml:1:13"],
             messages: ["policy/v1beta1 PodDisruptionBudget is deprecated since Kubernetes 1.21 and removed in 1.25; use policy/v1 instead"]),
    LintCase(name: "PDB removed in 1.25", files: ["templates/pdb.yaml": pdb], kube: "1.25.0",
             expected: ["deprecated-api error templates/pdb.yaml:1:13"], messages: ["was removed in Kubernetes 1.25 and cannot be installed on v1.25.0"]),
    LintCase(name: "PDB fine before its deprecation", files: ["templates/pdb.yaml": pdb], kube: "1.20", expected: []),
    LintCase(name: "old Ingress and HPA on the default version",
             files: ["templates/old.yaml": "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n---\napiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"],
             expected: ["deprecated-api error templates/old.yaml:1:13", "deprecated-api error templates/old.yaml:6:13"],
             messages: ["use networking.k8s.io/v1 instead", "use autoscaling/v2 instead"]),
    LintCase(name: "placeholder secrets",
             files: ["values.yaml": "db:\n  password: REPLACE_WITH_DB_PASSWORD\n  user: app\napiToken: changeme\nnote: TODO\n",
                     "templates/secret.yaml": """
                     apiVersion: v1
                     kind: Secret
                     metadata:
                       name: creds
                     data:
                       token: \(Data("changeme".utf8).base64EncodedString())
                       real: \(Data("s3cr3t-Zq8v".utf8).base64EncodedString())
                     stringData:
                       password: {{ .Values.db.password }}
                     """],
             expected: ["placeholder-secret error templates/secret.yaml:6:10", "placeholder-secret error templates/secret.yaml:9:13",
                        "placeholder-secret warning values.yaml:2:13", "placeholder-secret warning values.yaml:4:11"],
             messages: ["value db.password is the placeholder \"REPLACE_WITH_DB_PASSWORD\"", "Secret creds key data.token holds the placeholder \"changeme\"",
                        "set the real value at install time"]),
    LintCase(name: "secret key names and ordinary TODO-like values are not placeholders",
             files: ["values.yaml": "auth:\n  existingSecretPasswordKey: password\n  secretName: todo-app\n  adminPassword: \"TODO: set me\"\nnote: changeme\n"],
             expected: ["placeholder-secret warning values.yaml:4:18"], messages: ["value auth.adminPassword is the placeholder \"TODO: set me\""]),
    LintCase(name: "probes and limits",
             files: ["templates/work.yaml": """
             apiVersion: apps/v1
             kind: StatefulSet
             metadata:
               name: db
             spec:
               template:
                 spec:
                   initContainers:
                     - name: init
                       image: busybox
                       resources: {limits: {cpu: 1, memory: 1Gi}}
                   containers:
                     - name: db
                       image: postgres
                       livenessProbe: {tcpSocket: {port: 5432}}
                       resources: {limits: {memory: 1Gi}}
             ---
             apiVersion: batch/v1
             kind: Job
             metadata:
               name: once
             spec:
               template:
                 spec:
                   containers:
                     - name: run
                       image: busybox
             """],
             expected: ["container-probes warning templates/work.yaml:13:17", "container-resources warning templates/work.yaml:13:17",
                        "container-resources warning templates/work.yaml:26:17"],
             messages: ["container \"db\" of StatefulSet/db has no readinessProbe", "sets no resources.limits.cpu;",
                        "sets no resources.limits.cpu or resources.limits.memory"]),
    LintCase(name: "subchart objects only with --with-subcharts",
             files: ["charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1\n",
                     "charts/sub/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Sub\n"],
             subcharts: true,
             expected: ["chart-metadata error charts/sub/Chart.yaml:3:10", "dns-1123-name error charts/sub/templates/cm.yaml:4:9"],
             messages: ["not a SemVer 2 version"]),
]

let pdb = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n"

@Test(arguments: lintCases)
func lintRule(_ c: LintCase) throws {
    let chart = try LintChart(c.files)
    let report = try chart.lint(kube: c.kube, values: c.values, subcharts: c.subcharts)
    #expect(summary(report, dir: chart.dir) == c.expected, "\(report.findings.map(\.message))")
    let messages = report.findings.map(\.message).joined(separator: "\n")
    for m in c.messages {
        #expect(messages.contains(m), "missing \(m) in\n\(messages)")
    }
}

@Test func subchartObjectsAreCheckedWithTheFlagAndSkippedWithout() throws {
    let files: [String: String?] = [
        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        "charts/sub/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Sub\n",
    ]
    let without = try LintChart(files).lint()
    #expect(without.findings.isEmpty)
    let chart = try LintChart(files)
    let with = try chart.lint(subcharts: true)
    #expect(summary(with, dir: chart.dir) == ["dns-1123-name error charts/sub/templates/cm.yaml:4:9"])
}

@Test func reportListsEveryCheckedObjectAndFileForJUnit() throws {
    let report = try LintChart([:]).lint()
    let labels = report.checked.map(\.label)
    #expect(labels.contains("Deployment/release-name-web"))
    #expect(labels.contains("Service/web"))
    #expect(report.checked.first { $0.object?.kind == "Deployment" }?.checks.contains("container-probes") == true)
    #expect(report.checked.contains { $0.file.hasSuffix("Chart.yaml") && $0.checks == ["chart-metadata"] })
    #expect(Set(report.rules.map(\.id)) == Set(LintRule.allCases.map(\.id)))
}

@Test func binaryChartAndValuesFilesAreFindingsNotCrashes() throws {
    let chart = try LintChart([:])
    try Data([0xFF, 0xFE, 0x00, 0x01]).write(to: chart.dir.appendingPathComponent("Chart.yaml"))
    try Data([0xC3, 0x28]).write(to: chart.dir.appendingPathComponent("values.yaml"))
    let report = try chart.lint()
    #expect(summary(report, dir: chart.dir) == ["chart-metadata error Chart.yaml:0", "values-yaml error values.yaml:0"])
    #expect(report.findings.map(\.message).contains("Chart.yaml is not UTF-8 text; save it as UTF-8 YAML"))
}

@Test func packagedChartIsUnpackedAndNamedByArchive() async throws {
    let chart = try LintChart(["Chart.yaml": "apiVersion: v2\nname: demo\nversion: 1.x\n"])
    let parent = chart.dir.deletingLastPathComponent()
    defer { try? FileManager.default.removeItem(at: parent) }
    let tar = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["tar", "-czf", parent.appendingPathComponent("demo-1.tgz").path, "-C", parent.path, "demo"])
    #expect(tar.status == 0, "tar: \(tar.stderrText)")
    let archive = parent.appendingPathComponent("demo-1.tgz").path
    let report = try ChartLinter.lint(chartPath: archive, options: LintOptions()).report
    #expect(report.findings.map { "\($0.ruleID) \($0.location.file):\($0.location.line)" } == ["chart-metadata \(archive)/demo/Chart.yaml:3"])
    #expect(report.checked.contains { $0.object?.display == "Deployment/release-name-web" && $0.file == "\(archive)/demo/templates/deployment.yaml" })
    // Not an archive at all: an I/O error naming the file.
    try Data("not a tarball".utf8).write(to: parent.appendingPathComponent("junk.tgz"))
    #expect(throws: ChartLinter.IOError.self) {
        try ChartLinter.lint(chartPath: parent.appendingPathComponent("junk.tgz").path, options: LintOptions())
    }
}

@Test func missingChartDirectoryIsAnIOError() {
    #expect(throws: ChartLinter.IOError.self) {
        try ChartLinter.lint(chartPath: "/nonexistent/chart", options: LintOptions())
    }
}

@Test func renderedDocumentsKeepTheirLineSpans() {
    let docs = RenderedDocument.split("# c\n---\na: 1\nb: 2\n\n---\n# only comment\n---\n\nc: 3\n", file: "f", template: "t")
    #expect(docs.map(\.startLine) == [3, 10])
    #expect(docs.map(\.endLine) == [4, 10])
    #expect(docs[0].text == "a: 1\nb: 2\n")
}

@Test func kubeMinorParsesCommonSpellings() {
    #expect(DeprecatedAPI.minor(of: "v1.32.0") == 32)
    #expect(DeprecatedAPI.minor(of: "1.25") == 25)
    #expect(DeprecatedAPI.minor(of: "2.0") == nil)
    #expect(DeprecatedAPI.lookup(apiVersion: "batch/v1beta1", kind: "CronJob")?.removedIn == 25)
}
