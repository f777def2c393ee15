import KubeClient
import ChartRender
import Foundation

/// Reading user files with errors that name the file and say what is wrong.
enum CLIInput {
    struct InputError: Error, CustomStringConvertible {
        let description: String
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(description: "\(path): cannot read the file (does it exist and is it readable?)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw InputError(description: "\(path): not valid UTF-8 text; templates and values must be UTF-8")
        }
        return text
    }

    static func loadData(path: String) throws -> Value {
        let text = try readText(path)
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            do {
                return try YAMLValues.parse(text, file: path)
            } catch {
                throw InputError(description: "\(error)")
            }
        }
        do {
            return try JSONValueParser.parse(text)
        } catch {
            throw InputError(description: "\(path): invalid JSON at byte \(error.offset): \(error.message)")
        }
    }
}
