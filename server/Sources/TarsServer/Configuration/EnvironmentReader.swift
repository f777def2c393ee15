import Foundation

/// Typed access to environment values; every parse failure names the variable.
struct EnvironmentReader: Sendable {
    let values: [String: String]

    func string(_ name: String) -> String? {
        guard let raw = values[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        return raw
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = string(name) else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw ConfigurationError(variable: name, problem: "is \"\(raw)\"", hint: "use a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let raw = string(name) else { return nil }
        guard let value = Double(raw), range.contains(value) else {
            throw ConfigurationError(variable: name, problem: "is \"\(raw)\"", hint: "use a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let raw = string(name) else { return nil }
        switch raw.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ConfigurationError(variable: name, problem: "is \"\(raw)\"", hint: "use true or false")
        }
    }

    func oneOf(_ name: String, _ allowed: [String]) throws -> String? {
        guard let raw = string(name) else { return nil }
        guard allowed.contains(raw.lowercased()) || allowed.contains(raw) else {
            throw ConfigurationError(variable: name, problem: "is \"\(raw)\"", hint: "use one of: \(allowed.joined(separator: ", "))")
        }
        return allowed.contains(raw) ? raw : raw.lowercased()
    }

    func list(_ name: String) -> [String] {
        (string(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func url(_ name: String) throws -> String? {
        guard let raw = string(name) else { return nil }
        guard raw.hasPrefix("http://") || raw.hasPrefix("https://") else {
            throw ConfigurationError(variable: name, problem: "is \"\(raw)\"", hint: "use an http:// or https:// URL, or leave it empty when the service is not deployed")
        }
        return raw.hasSuffix("/") ? String(raw.dropLast()) : raw
    }
}
