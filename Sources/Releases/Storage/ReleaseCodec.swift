import KubeClient

/// A release record that could not be read, with the JSON path of the field at fault.
public struct ReleaseDecodingError: Error, Sendable, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// The release JSON exactly as Helm's `json.Marshal(release)` writes it, and its reader.
public enum ReleaseCodec {
    /// Field orders of Helm's chart types (`chart.Metadata`, `Maintainer`, `Dependency`, `Lock`),
    /// which Go writes in declaration order.
    static let dependencyOrder = KeyOrder(
        fields: ["name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias", "depends-on"],
        omitEmpty: ["version", "condition", "tags", "enabled", "import-values", "alias", "depends-on"])
    static let metadataFields = ["name", "home", "sources", "version", "description", "keywords", "maintainers", "icon",
                                 "apiVersion", "condition", "tags", "appVersion", "deprecated", "annotations",
                                 "kubeVersion", "dependencies", "type"]
    static let metadataOrder = KeyOrder(
        fields: metadataFields,
        nested: ["maintainers": KeyOrder(fields: ["name", "email", "url"], omitEmpty: ["name", "email", "url"]),
                 "dependencies": dependencyOrder],
        omitEmpty: Set(metadataFields))
    static let lockOrder = KeyOrder(fields: ["generated", "digest", "dependencies"], nested: ["dependencies": dependencyOrder])

    public static func encode(_ r: Release) -> [UInt8] {
        write(r, chart: { encodeChart($0, &$1) }).bytes
    }

    /// `encode(r)` with the chart's JSON written once per chart (the records of one operation
    /// share it), and the offsets where the parts that change between those records meet:
    /// `{"name":…,"info":{…}` (status, description) | `,"chart":{…}` | `,"config":…,"manifest":…`
    /// | `,"hooks":…` (their last runs) to the end. No cuts when the record has no chart.
    static func segments(_ r: Release) -> (bytes: [UInt8], cuts: [Int]) {
        let (bytes, cuts) = write(r) { chart, w in w.raw(chartJSON(chart)) }
        guard cuts.count == 3 else { return (bytes, []) }
        // No config and no manifest: nothing between the chart and the hooks.
        return (bytes, cuts[1] == cuts[2] ? Array(cuts.prefix(2)) : cuts)
    }

    /// Charts written lately: one entry, enough for an operation's records (Array's `==` on the
    /// same storage is immediate, so the lookup costs nothing when the chart is the one cached).
    static let chartCache = RecentResults<ChartRecord, [UInt8]>(capacity: 1)

    /// The chart's JSON, from `chartCache` when it was written lately (or is being written).
    static func chartJSON(_ chart: ChartRecord) -> [UInt8] {
        chartCache.value(for: chart) {
            var w = GoJSONWriter()
            encodeChart(chart, &w)
            return w.bytes
        }.value
    }

    /// The bytes of the record's chart segment (`,"chart":{…}`, as `segments` cuts it when the
    /// record has a name, as every stored one has).
    static func chartSegment(_ chart: ChartRecord) -> [UInt8] {
        Array(#","chart":"#.utf8) + chartJSON(chart)
    }

    /// The release JSON and the offsets where the chart field starts and ends and where the fields
    /// after the manifest start.
    private static func write(_ r: Release, chart writeChart: (ChartRecord, inout GoJSONWriter) -> Void) -> (bytes: [UInt8], cuts: [Int]) {
        var w = GoJSONWriter()
        var cuts: [Int] = []
        w.object { f in
            f.omitEmpty("name", r.name)
            if let info = r.info { f.field("info") { encodeInfo(info, &$0) } }
            if let chart = r.chart {
                cuts.append(f.writer.bytes.count)
                f.field("chart") { writeChart(chart, &$0) }
                cuts.append(f.writer.bytes.count)
            }
            if !r.config.isEmpty { f.field("config") { $0.value(.object(r.config)) } }
            f.omitEmpty("manifest", r.manifest)
            cuts.append(f.writer.bytes.count)
            if !r.hooks.isEmpty { f.field("hooks") { w in w.array(r.hooks) { encodeHook($1, &$0) } } }
            f.omitEmpty("version", r.version)
            f.omitEmpty("namespace", r.namespace)
            f.omitEmpty("apply_method", r.applyMethod)
            f.unknown(r.unknownFields)
        }
        return (w.bytes, cuts)
    }

    static func encodeInfo(_ i: ReleaseInfo, _ w: inout GoJSONWriter) {
        w.object { f in
            f.omitZero("first_deployed", i.firstDeployed)
            f.omitZero("last_deployed", i.lastDeployed)
            f.omitZero("deleted", i.deleted)
            f.omitEmpty("description", i.description)
            f.omitEmpty("status", i.status.rawValue)
            f.omitEmpty("rollback_revision", i.rollbackRevision)
            f.omitEmpty("notes", i.notes)
            f.unknown(i.unknownFields)
        }
    }

    static func encodeChart(_ c: ChartRecord, _ w: inout GoJSONWriter) {
        func files(_ list: [ChartFile]?, _ w: inout GoJSONWriter) {
            guard let list else { return w.raw("null") }
            w.array(list) { w, file in
                w.object { f in
                    f.field("name") { $0.string(file.name) }
                    f.field("data") { $0.bytesAsBase64(file.data) }
                    f.unknown(file.unknownFields)
                }
            }
        }
        // chart.Chart has no omitempty: unset fields are written as null.
        w.object { f in
            f.field("metadata") { $0.value(c.metadata ?? .null, order: metadataOrder) }
            f.field("lock") { $0.value(c.lock ?? .null, order: lockOrder) }
            f.field("templates") { files(c.templates, &$0) }
            f.field("values") { $0.value(c.values ?? .null) }
            f.field("schema") { w in
                if let schema = c.schema { w.bytesAsBase64(schema) } else { w.raw("null") }
            }
            f.field("files") { files(c.files, &$0) }
            f.unknown(c.unknownFields)
        }
    }

    static func encodeHook(_ h: Hook, _ w: inout GoJSONWriter) {
        w.object { f in
            f.omitEmpty("name", h.name)
            f.omitEmpty("kind", h.kind)
            f.omitEmpty("path", h.path)
            f.omitEmpty("manifest", h.manifest)
            f.omitEmpty("events", h.events.map(\.rawValue))
            // A struct is never omitted by omitempty; its times are omitzero, its phase always written.
            f.field("last_run") { w in
                w.object { g in
                    g.omitZero("started_at", h.lastRun.startedAt)
                    g.omitZero("completed_at", h.lastRun.completedAt)
                    g.field("phase") { $0.string(h.lastRun.phase) }
                }
            }
            f.omitEmpty("weight", h.weight)
            f.omitEmpty("delete_policies", h.deletePolicies.map(\.rawValue))
            f.omitEmpty("output_log_policies", h.outputLogPolicies)
        }
    }

    // MARK: - Decoding

    public static func decode(_ bytes: [UInt8]) throws(ReleaseDecodingError) -> Release {
        let json: JSON
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw ReleaseDecodingError(path: "", reason: "release JSON is malformed: \(error)")
        }
        var d = Reader(path: "")
        return try d.release(json)
    }

    /// Reads fields with Go's leniency: absent and `null` give the zero value, wrong types fail.
    struct Reader {
        var path: String

        func fail(_ key: String, _ reason: String) -> ReleaseDecodingError {
            ReleaseDecodingError(path: [path, key].filter { !$0.isEmpty }.joined(separator: "."), reason: reason)
        }

        func object(_ v: JSON?, _ key: String) throws(ReleaseDecodingError) -> [String: JSON]? {
            guard let v, !v.isNull else { return nil }
            guard let o = v.objectValue else { throw fail(key, "expected an object") }
            return o
        }

        func string(_ o: [String: JSON], _ key: String) throws(ReleaseDecodingError) -> String {
            guard let v = o[key], !v.isNull else { return "" }
            guard let s = v.stringValue else { throw fail(key, "expected a string") }
            return s
        }

        func int(_ o: [String: JSON], _ key: String) throws(ReleaseDecodingError) -> Int {
            guard let v = o[key], !v.isNull else { return 0 }
            guard let i = v.intValue else { throw fail(key, "expected an integer") }
            return Int(i)
        }

        func strings(_ o: [String: JSON], _ key: String) throws(ReleaseDecodingError) -> [String] {
            guard let v = o[key], !v.isNull else { return [] }
            guard let a = v.arrayValue else { throw fail(key, "expected an array of strings") }
            var out: [String] = []
            for item in a {
                guard let s = item.stringValue else { throw fail(key, "expected an array of strings") }
                out.append(s)
            }
            return out
        }

        /// Helm 3 wrote unset times as `""`; Go's zero time means unset too.
        func time(_ o: [String: JSON], _ key: String) throws(ReleaseDecodingError) -> GoTime? {
            guard let v = o[key], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw fail(key, "expected an RFC 3339 time string") }
            if s.isEmpty { return nil }
            guard let t = GoTime(rfc3339: s) else { throw fail(key, "\"\(s)\" is not an RFC 3339 time") }
            return t.isGoZero ? nil : t
        }

        func base64(_ o: [String: JSON], _ key: String) throws(ReleaseDecodingError) -> [UInt8]? {
            guard let v = o[key], !v.isNull else { return nil }
            guard let s = v.stringValue, let bytes = Base64.decode(s) else { throw fail(key, "expected base64 data") }
            return bytes
        }

        func rest(_ o: [String: JSON], _ known: [String]) -> [String: JSON] {
            o.filter { !known.contains($0.key) }
        }

        mutating func release(_ json: JSON) throws(ReleaseDecodingError) -> Release {
            guard let o = json.objectValue else { throw ReleaseDecodingError(path: "", reason: "release JSON is not an object") }
            var r = Release(name: try string(o, "name"), namespace: try string(o, "namespace"), version: try int(o, "version"))
            if let info = try object(o["info"], "info") { r.info = try Reader(path: "info").info(info) }
            if let chart = try object(o["chart"], "chart") { r.chart = try Reader(path: "chart").chart(chart) }
            r.config = try object(o["config"], "config") ?? [:]
            r.manifest = try string(o, "manifest")
            if let hooks = o["hooks"], !hooks.isNull {
                guard let list = hooks.arrayValue else { throw fail("hooks", "expected an array") }
                for (i, h) in list.enumerated() {
                    guard let ho = h.objectValue else { throw fail("hooks[\(i)]", "expected an object") }
                    r.hooks.append(try Reader(path: "hooks[\(i)]").hook(ho))
                }
            }
            r.applyMethod = try string(o, "apply_method")
            r.unknownFields = rest(o, ["name", "info", "chart", "config", "manifest", "hooks", "version", "namespace", "apply_method"])
            return r
        }

        func info(_ o: [String: JSON]) throws(ReleaseDecodingError) -> ReleaseInfo {
            let statusText = try string(o, "status")
            let status = statusText.isEmpty ? ReleaseStatus.unknown : ReleaseStatus(rawValue: statusText)
            guard let status else { throw fail("status", "unknown release status \"\(statusText)\"") }
            return ReleaseInfo(
                firstDeployed: try time(o, "first_deployed"), lastDeployed: try time(o, "last_deployed"),
                deleted: try time(o, "deleted"), description: try string(o, "description"), status: status,
                rollbackRevision: try int(o, "rollback_revision"), notes: try string(o, "notes"),
                unknownFields: rest(o, ["first_deployed", "last_deployed", "deleted", "description", "status",
                                        "rollback_revision", "notes"]))
        }

        func chart(_ o: [String: JSON]) throws(ReleaseDecodingError) -> ChartRecord {
            func files(_ key: String) throws(ReleaseDecodingError) -> [ChartFile]? {
                guard let v = o[key], !v.isNull else { return nil }
                guard let list = v.arrayValue else { throw fail(key, "expected an array of files") }
                var out: [ChartFile] = []
                for (i, item) in list.enumerated() {
                    let r = Reader(path: "\(path).\(key)[\(i)]")
                    guard let fo = item.objectValue else { throw r.fail("", "expected a file object") }
                    out.append(ChartFile(name: try r.string(fo, "name"), data: try r.base64(fo, "data") ?? [],
                                         unknownFields: r.rest(fo, ["name", "data"])))
                }
                return out
            }
            func nonNull(_ key: String) -> JSON? {
                guard let v = o[key], !v.isNull else { return Optional<JSON>.none }
                return v
            }
            return ChartRecord(metadata: nonNull("metadata"), lock: nonNull("lock"), templates: try files("templates"),
                               values: nonNull("values"), schema: try base64(o, "schema"), files: try files("files"),
                               unknownFields: rest(o, ["metadata", "lock", "templates", "values", "schema", "files"]))
        }

        func hook(_ o: [String: JSON]) throws(ReleaseDecodingError) -> Hook {
            var last = HookExecution()
            if let run = try object(o["last_run"], "last_run") {
                let r = Reader(path: "\(path).last_run")
                last = HookExecution(startedAt: try r.time(run, "started_at"), completedAt: try r.time(run, "completed_at"),
                                     phase: try r.string(run, "phase"))
            }
            return Hook(name: try string(o, "name"), kind: try string(o, "kind"), path: try string(o, "path"),
                        manifest: try string(o, "manifest"), events: try strings(o, "events").map(HookEvent.init(rawValue:)),
                        lastRun: last, weight: try int(o, "weight"),
                        deletePolicies: try strings(o, "delete_policies").map(HookDeletePolicy.init(rawValue:)),
                        outputLogPolicies: try strings(o, "output_log_policies"))
        }
    }
}
