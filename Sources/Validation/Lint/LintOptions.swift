import ChartRender

/// What `tarsctl lint` was asked to do, besides the values (which the CLI merges).
public struct LintOptions: Sendable {
    public var releaseName = "release-name"
    public var namespace = "default"
    /// Target Kubernetes version (`1.31` or `v1.31.0`); nil uses the renderer's default.
    public var kubeVersion: String?
    /// Extra `.Capabilities.APIVersions`.
    public var apiVersions: [String] = []
    /// Also lint the Chart.yaml, values and rendered objects of the charts in `charts/`.
    public var withSubcharts = false
    /// The `-f` files, in order; they are parsed here too so a broken one is a finding with its line.
    public var valuesFiles: [String] = []

    public init() {}

    /// The kube version in the renderer's `vMAJOR.MINOR.PATCH` form.
    var normalizedKubeVersion: String {
        guard var v = kubeVersion else { return Capabilities.defaultKubeVersion }
        if !v.hasPrefix("v") { v = "v" + v }
        if v.split(separator: ".").count == 2 { v += ".0" }
        return v
    }
}

/// What a lint run produced: the report, and the rendered documents so the caller can run
/// further checks on the same objects (schema validation, security scan) and merge their reports.
public struct LintResult: Sendable {
    public var report: ValidationReport
    public var documents: [RenderedDocument]
}
