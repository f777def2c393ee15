import NIOHTTP1

/// What the debug log may show of headers and bodies: never credentials, never Secret values.
enum Redaction {
    static let limit = 4096

    /// Headers as `Name: value` pairs, the Authorization value replaced.
    static func headers(_ headers: HTTPHeaders) -> String {
        headers.map { name, value in
            if name.lowercased() == "authorization" {
                let scheme = value.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
                return "\(name): \(scheme) <redacted>"
            }
            return "\(name): \(value)"
        }.joined(separator: ", ")
    }

    /// A JSON body with Secret values (also inside lists and watch events) replaced; anything
    /// that is not JSON is not shown at all, since it cannot be checked.
    static func body(_ bytes: [UInt8]) -> String {
        guard let json = try? JSONParser.parse(bytes) else { return "<\(bytes.count) bytes, not JSON, not shown>" }
        let text = JSONWriter.string(redact(json))
        if text.utf8.count <= limit { return text }
        return String(decoding: Array(text.utf8.prefix(limit)), as: UTF8.self) + "… (\(text.utf8.count) bytes)"
    }

    /// `isSecret`: the value is an item of a SecretList (the API server leaves out `kind` there).
    static func redact(_ value: JSON, isSecret: Bool = false) -> JSON {
        guard case .object(var fields) = value else {
            if case .array(let items) = value { return .array(items.map { redact($0, isSecret: isSecret) }) }
            return value
        }
        let kind = fields["kind"]?.stringValue
        if kind == "Secret" || (isSecret && kind == nil) {
            for key in ["data", "stringData"] {
                if case .object(let entries)? = fields[key] {
                    fields[key] = .object(entries.mapValues { v in .string("<redacted \(v.stringValue?.utf8.count ?? 0) bytes>") })
                }
            }
            // The last-applied annotation repeats the whole object, values included.
            if case .object(var metadata)? = fields["metadata"], case .object(var annotations)? = metadata["annotations"],
                annotations["kubectl.kubernetes.io/last-applied-configuration"] != nil
            {
                annotations["kubectl.kubernetes.io/last-applied-configuration"] = "<redacted>"
                metadata["annotations"] = .object(annotations)
                fields["metadata"] = .object(metadata)
            }
        }
        for key in ["items", "object"] {
            if let inner = fields[key] { fields[key] = redact(inner, isSecret: kind == "SecretList") }
        }
        return .object(fields)
    }
}
