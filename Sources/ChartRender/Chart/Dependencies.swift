/// A `dependencies:` entry of Chart.yaml.
struct DependencySpec {
    var name: String
    var alias: String?
    var condition: String
    var tags: [String]
    var importValues: [Value]
    var enabled = true

    /// The name the subchart goes by in values and template paths.
    var effectiveName: String { alias ?? name }

    static func specs(of chart: Chart) -> [DependencySpec] {
        guard case .list(let deps, _)? = chart.metadata["dependencies"] else { return [] }
        return deps.compactMap { d in
            guard case .map(let m, _) = d, let name = m["name"]?.stringValue else { return nil }
            var tags: [String] = []
            if case .list(let t, _)? = m["tags"] { tags = t.compactMap(\.stringValue) }
            var imports: [Value] = []
            if case .list(let iv, _)? = m["import-values"] { imports = iv }
            let alias = m["alias"]?.stringValue
            return DependencySpec(name: name, alias: alias?.isEmpty == false ? alias : nil,
                                  condition: m["condition"]?.stringValue ?? "", tags: tags, importValues: imports)
        }
    }
}

/// Helm's chartutil dependency processing and multi-chart coalescing.
enum Dependencies {
    /// Enables or drops subcharts by `condition` and `tags`, applies aliases, then imports
    /// child values (Helm's ProcessDependenciesWithMerge).
    static func process(_ chart: inout Chart, userValues: [String: Value]) {
        enable(&chart, values: userValues, path: "")
        importValues(&chart)
    }

    private static func enable(_ c: inout Chart, values v: [String: Value], path: String) {
        var specs = DependencySpec.specs(of: c)
        guard !specs.isEmpty || !c.subcharts.isEmpty else { return }
        // Charts in charts/ without an entry stay; every entry (alias included) gets its own copy.
        var deps = c.subcharts.filter { sub in !specs.contains { $0.name == sub.name } }
        var specOfChart: [String: Int] = [:]
        for (i, spec) in specs.enumerated() {
            guard var sub = c.subcharts.first(where: { $0.name == spec.name }) else { continue }
            if let alias = spec.alias { sub.metadata["name"] = .string(alias) }
            deps.append(sub)
            specOfChart[spec.effectiveName] = i
        }
        c.subcharts = deps
        let cvals = coalesce(c, values: v)
        // Tags first, then conditions, which win when they resolve to a boolean.
        let tags: [String: Value]? = if case .map(let t, _)? = cvals["tags"] { t } else { nil }
        for i in specs.indices {
            if let tags {
                var hasTrue = false, hasFalse = false
                for t in specs[i].tags {
                    if case .bool(let b)? = tags[t] { if b { hasTrue = true } else { hasFalse = true } }
                }
                specs[i].enabled = !(!hasTrue && hasFalse)
            }
            for cond in specs[i].condition.trimmingCharacters(in: .whitespaces).split(separator: ",") {
                if case .bool(let b)? = pathValue(cvals, path + cond.trimmingCharacters(in: .whitespaces)) {
                    specs[i].enabled = b
                    break
                }
            }
        }
        let disabled = Set(specs.filter { !$0.enabled }.map(\.effectiveName))
        c.subcharts = c.subcharts.filter { !disabled.contains($0.name) }
        for i in c.subcharts.indices {
            enable(&c.subcharts[i], values: cvals, path: path + c.subcharts[i].name + ".")
        }
        if case .list(let all, _)? = c.metadata["dependencies"] {
            c.metadata["dependencies"] = .list(all.filter { d in
                guard case .map(let m, _) = d else { return true }
                let name = (m["alias"]?.stringValue).flatMap { $0.isEmpty ? nil : $0 } ?? m["name"]?.stringValue ?? ""
                return !disabled.contains(name)
            })
        }
    }

    /// `a.b.c` in a values tree; nil when any step is missing or not a map.
    static func pathValue(_ v: [String: Value], _ path: String) -> Value? {
        var node: Value = .map(v)
        for part in path.split(separator: ".") {
            guard case .map(let m, _) = node, let next = m[String(part)] else { return nil }
            node = next
        }
        return node
    }

    /// Child values imported into the parent (`import-values`), children first; the parent's
    /// own values keep priority over what is imported.
    private static func importValues(_ c: inout Chart) {
        for i in c.subcharts.indices { importValues(&c.subcharts[i]) }
        let specs = DependencySpec.specs(of: c)
        guard specs.contains(where: { !$0.importValues.isEmpty }) else { return }
        let cvals = coalesce(c, values: [:], deleteNulls: false)
        var imported: [String: Value] = [:]
        for spec in specs {
            for iv in spec.importValues {
                switch iv {
                case .map(let m, _):
                    guard let child = m["child"]?.stringValue, let parent = m["parent"]?.stringValue,
                          case .map(let table, _)? = pathValue(cvals, spec.effectiveName + "." + child) else { continue }
                    imported = Coalesce.merge(imported, pathToMap(parent, table))
                case .string(let key):
                    guard case .map(let table, _)? = pathValue(cvals, spec.effectiveName + ".exports." + key) else { continue }
                    imported = Coalesce.merge(imported, table)
                default:
                    continue
                }
            }
        }
        c.values = mergeKeepingDestination(cvals, imported)
    }

    private static func pathToMap(_ path: String, _ table: [String: Value]) -> [String: Value] {
        if path == "." || path.isEmpty { return table }
        var result: Value = .map(table)
        for part in path.split(separator: ".").reversed() { result = .map([String(part): result]) }
        if case .map(let m, _) = result { return m }
        return table
    }

    /// Helm's MergeTables: adds what `dst` lacks, recursing into maps; `dst` wins.
    private static func mergeKeepingDestination(_ dst: [String: Value], _ src: [String: Value]) -> [String: Value] {
        var out = dst
        for (k, v) in src {
            if let d = out[k] {
                if case .map(let dm, _) = d, case .map(let sm, _) = v { out[k] = .map(mergeKeepingDestination(dm, sm)) }
            } else {
                out[k] = v
            }
        }
        return out
    }

    /// Helm's CoalesceValues over a chart tree: chart defaults under user values, then each
    /// subchart's section coalesced with its own defaults and the parent's globals.
    static func coalesce(_ c: Chart, values: [String: Value], deleteNulls: Bool = true) -> [String: Value] {
        var dest = deleteNulls ? Coalesce.values(defaults: c.values, user: values) : Coalesce.merge(c.values, values)
        for sub in c.subcharts {
            var section: [String: Value] = [:]
            if let existing = dest[sub.name] {
                guard case .map(let m, _) = existing else { continue }
                section = m
            }
            section = coalesceGlobals(section, from: dest)
            dest[sub.name] = .map(coalesce(sub, values: section, deleteNulls: deleteNulls))
        }
        return dest
    }

    /// Parent globals flow down and win over a subchart's own globals.
    static func coalesceGlobals(_ dest: [String: Value], from src: [String: Value]) -> [String: Value] {
        var dg: [String: Value] = [:]
        if let d = dest["global"] { guard case .map(let m, _) = d else { return dest }; dg = m }
        var sg: [String: Value] = [:]
        if let s = src["global"] { guard case .map(let m, _) = s else { return dest }; sg = m }
        for (k, v) in sg {
            if case .map(let vm, _) = v {
                if case .map(let dm, _)? = dg[k] {
                    dg[k] = .map(Coalesce.merge(dm, vm))
                } else if dg[k] == nil {
                    dg[k] = v
                }
            } else if case .map? = dg[k] {
                continue
            } else {
                dg[k] = v
            }
        }
        var out = dest
        out["global"] = .map(dg)
        return out
    }
}
