import ChartRender
import KubeClient

extension JSON {
    /// The JSON form of a value parsed by `YAMLValues` (whole numbers become integers, as
    /// Kubernetes reads them).
    init(yamlValue value: ChartRender.Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(Int64(i))
        case .int64(let i): self = .int(i)
        case .float(let d):
            self = d == d.rounded() && abs(d) < 9e15 ? .int(Int64(d)) : .double(d)
        case .string(let s): self = .string(s)
        case .list(let items, _): self = .array(items.map(JSON.init(yamlValue:)))
        case .map(let m, _): self = .object(m.mapValues(JSON.init(yamlValue:)))
        case .object(let o): self = .string(o.formatted)
        }
    }
}
