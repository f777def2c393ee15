import ChartRender
import KubeClient

extension ChartRecord {
    /// Files Helm's loader keeps out of `chart.files` because they have their own fields.
    static let ownFields: Set<String> = ["Chart.yaml", "Chart.lock", "values.yaml", "values.schema.json",
                                         "Values/values.yaml", "Values/values.schema.json"]

    /// The chart as a release records it: metadata, lock, templates, default values, schema and
    /// the other files (subcharts are not recorded, as in Helm).
    public init(chart: Chart) {
        var lock: JSON?
        if let bytes = chart.files["Chart.lock"], let value = try? YAMLValues.parse(String(decoding: bytes, as: UTF8.self)),
           !value.isNull {
            lock = ManifestObjects.json(value)
        }
        self.init(
            metadata: ManifestObjects.json(.map(chart.metadata)),
            lock: lock,
            templates: chart.templates.map { ChartFile(name: $0.path, data: Array($0.text.utf8)) },
            values: ManifestObjects.json(.map(chart.values)),
            schema: chart.schema.map { JSONWriter.bytes(ManifestObjects.json($0)) },
            files: chart.files.keys.sorted().filter { !Self.ownFields.contains($0) }
                .map { ChartFile(name: $0, data: chart.files[$0] ?? []) })
    }
}

extension Release {
    /// The `manifest` field from rendered manifests, as Helm writes it: `---\n# Source: PATH\nBODY\n` each.
    public static func manifestText(_ manifests: [Manifest]) -> String {
        ManifestSorter.helmTemplateOutput(manifests: manifests, hooks: [], includeHooks: false)
    }
}
