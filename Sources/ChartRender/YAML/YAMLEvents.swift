import CYaml

/// The common case of `YAMLValues.parse` without Yams' node tree: libyaml's events become
/// values directly (no tag objects, marks or second walk over the tree, no grouping of every
/// mapping's keys to find duplicates). It gives up, returning nil, on anything it does not
/// reproduce itself: any libyaml error, a second document, a key that is not a plain or quoted
/// scalar without tag or anchor, a repeated key, an undefined alias, a null key, or expansion past
/// the node budget. The caller then parses with Yams, which yields the same values for what this
/// accepts and Helm's words for every error.
enum YAMLEvents {
    static func parse(_ text: String, maxNodes: Int) -> Value? {
        var text = text
        return text.withUTF8 { bytes -> Value? in
            let reader = Reader(bytes, budget: maxNodes)
            return reader.document()
        }
    }

    private final class Reader {
        private var parser = yaml_parser_t()
        private var event = yaml_event_t()
        private var budget: Int
        /// Anchored values with the number of nodes each one expands to (aliases count in full).
        private var anchors: [String: (value: Value, nodes: Int)] = [:]

        init(_ bytes: UnsafeBufferPointer<UInt8>, budget: Int) {
            self.budget = budget
            yaml_parser_initialize(&parser)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        }

        deinit {
            yaml_event_delete(&event)
            yaml_parser_delete(&parser)
        }

        /// Reads the next event (releasing the current one); nil on a libyaml error.
        private func next() -> yaml_event_type_t? {
            yaml_event_delete(&event)
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            return event.type
        }

        /// The stream's only document; `.null` for an empty stream.
        func document() -> Value? {
            guard next() == YAML_STREAM_START_EVENT, let first = next() else { return nil }
            if first == YAML_STREAM_END_EVENT { return .null }
            guard first == YAML_DOCUMENT_START_EVENT, next() != nil, let root = node() else { return nil }
            guard next() == YAML_DOCUMENT_END_EVENT, next() == YAML_STREAM_END_EVENT else { return nil }
            return root.value
        }

        private static func text(_ p: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
            guard let p else { return "" }
            return String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
        }

        private static func cString(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            guard let p else { return nil }
            return String(cString: p)
        }

        /// The node starting at the current event, with the number of nodes it counts for.
        private func node() -> (value: Value, nodes: Int)? {
            switch event.type {
            case YAML_ALIAS_EVENT:
                guard let name = Self.cString(event.data.alias.anchor), let anchored = anchors[name] else { return nil }
                budget -= anchored.nodes
                return budget < 0 ? nil : anchored
            case YAML_SCALAR_EVENT:
                budget -= 1
                guard budget >= 0 else { return nil }
                let s = event.data.scalar
                let string = Self.text(s.value, s.length)
                let value: Value
                if s.style != YAML_PLAIN_SCALAR_STYLE || Self.cString(s.tag) == "tag:yaml.org,2002:str" {
                    value = .string(string)
                } else {
                    value = YAMLValues.resolvedScalar(string)
                }
                return register(Self.cString(s.anchor), (value, 1))
            case YAML_SEQUENCE_START_EVENT:
                let anchor = Self.cString(event.data.sequence_start.anchor)
                budget -= 1
                guard budget >= 0 else { return nil }
                var items: [Value] = []
                var nodes = 1
                while true {
                    guard let type = next() else { return nil }
                    if type == YAML_SEQUENCE_END_EVENT { break }
                    guard let item = node() else { return nil }
                    items.append(item.value)
                    nodes += item.nodes
                }
                return register(anchor, (.list(items), nodes))
            case YAML_MAPPING_START_EVENT:
                let anchor = Self.cString(event.data.mapping_start.anchor)
                budget -= 1
                guard budget >= 0 else { return nil }
                var dict: [String: Value] = [:]
                var merged: [String: Value] = [:]
                var keys = SeenKeys()
                var nodes = 1
                while true {
                    guard let type = next() else { return nil }
                    if type == YAML_MAPPING_END_EVENT { break }
                    // Keys: plain or quoted scalars without tag or anchor, each once.
                    guard type == YAML_SCALAR_EVENT, event.data.scalar.anchor == nil, event.data.scalar.tag == nil else { return nil }
                    let k = event.data.scalar
                    let keyText = Self.text(k.value, k.length)
                    let plain = k.style == YAML_PLAIN_SCALAR_STYLE
                    guard keys.insert(keyText), next() != nil, let item = node() else { return nil }
                    nodes += item.nodes
                    if plain && keyText == "<<" {
                        switch item.value {
                        case .map(let m, _): for (a, b) in m where merged[a] == nil { merged[a] = b }
                        case .list(let maps, _):
                            for case .map(let m, _) in maps { for (a, b) in m where merged[a] == nil { merged[a] = b } }
                        default: break
                        }
                        continue
                    }
                    guard let key = plain ? YAMLValues.resolvedKey(keyText) : keyText else { return nil }
                    dict[key] = item.value
                }
                for (a, b) in merged where dict[a] == nil { dict[a] = b }
                return register(anchor, (.map(dict), nodes))
            default:
                return nil
            }
        }

        private func register(_ anchor: String?, _ node: (value: Value, nodes: Int)) -> (value: Value, nodes: Int) {
            if let anchor { anchors[anchor] = node }
            return node
        }
    }
}

/// The keys of one mapping seen so far, to refuse duplicates. Most mappings have a handful of
/// keys: those are compared in a short array (short strings compare by their bits) instead of
/// hashed, which the profile of a render showed as a visible cost; larger mappings use a set.
private struct SeenKeys {
    private var few: [String] = []
    private var many: Set<String>?

    /// False when `key` was seen before.
    mutating func insert(_ key: String) -> Bool {
        if many != nil { return many!.insert(key).inserted }
        if few.contains(key) { return false }
        few.append(key)
        if few.count > 8 { many = Set(few); few = [] }
        return true
    }
}
