/// Helm's YAML functions: toYaml, toYamlPretty, fromYaml, fromYamlArray.
enum YAMLFunctions {
    static let functions: [TemplateFunction] = [
        TemplateFunction("toYaml", [.interface]) { args, _ in
            .string(trimNewline(YAMLEmitter.emit(args[0])))
        },
        TemplateFunction("toToml", [.interface]) { args, _ in
            do { return .string(try TOMLEncoder.encode(args[0])) } catch let e as TOMLEncoder.EncodeError { return .string(e.message) }
        },
        TemplateFunction("fromToml", [.string]) { args, _ in
            do { return .map(try TOMLParser.parse(args[0].stringValue ?? "")) } catch let e as TOMLParser.SyntaxError {
                return .map(["Error": .string(e.description)])
            }
        },
        TemplateFunction("toYamlPretty", [.interface]) { args, _ in
            .string(trimNewline(YAMLEmitter.emit(args[0], pretty: true)))
        },
        TemplateFunction("fromYaml", [.string]) { args, _ in
            do {
                let v = try YAMLValues.parse(args[0].stringValue ?? "")
                switch v {
                case .map: return v
                case .null: return .map([:])
                default: return .map(["Error": .string("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal \(HelmFunctions.jsonKind(v)) into Go value of type map[string]interface {}")])
                }
            } catch let error as YAMLValues.ParseError {
                return .map(["Error": .string(error.goMessage)])
            } catch {
                return .map(["Error": .string("\(error)")])
            }
        },
        TemplateFunction("fromYamlArray", [.string]) { args, _ in
            do {
                let v = try YAMLValues.parse(args[0].stringValue ?? "")
                switch v {
                case .list: return v
                case .null: return .list([])
                default: return .list([.string("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal \(HelmFunctions.jsonKind(v)) into Go value of type []interface {}")])
                }
            } catch let error as YAMLValues.ParseError {
                return .list([.string(error.goMessage)])
            } catch {
                return .list([.string("\(error)")])
            }
        },
    ]

    static func trimNewline(_ s: String) -> String {
        s.hasSuffix("\n") ? String(s.dropLast()) : s
    }
}
