import Foundation

/// Which test hooks `tarsctl test --filter` runs, as Helm reads the flag: `name=NAME` runs only
/// the tests named (all of them when there is none), `!name=NAME` skips a test.
public struct ReleaseTestFilter: Sendable, Equatable {
    public var include: [String] = []
    public var exclude: [String] = []

    public init(include: [String] = [], exclude: [String] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// Reads `--filter` values, each a comma-separated list of `name=NAME` or `!name=NAME`
    /// (Helm also accepts `! name=NAME`). Helm ignores any other entry; a typo there would run
    /// every test, so it is refused here.
    public init(parsing values: [String]) throws(ReleaseActionError) {
        for value in values {
            for raw in value.split(separator: ",") {
                let entry = raw.trimmingCharacters(in: .whitespaces)
                if entry.isEmpty { continue }
                var rest = Substring(entry)
                let negated = rest.hasPrefix("!")
                if negated { rest = rest.dropFirst().drop { $0 == " " } }
                guard rest.hasPrefix("name="), !rest.dropFirst(5).isEmpty else {
                    throw ReleaseActionError(.usage, "--filter \"\(entry)\": tests are selected by name only; "
                        + "use name=NAME to run only the named tests or !name=NAME to skip one (several: name=a,name=b)")
                }
                let name = String(rest.dropFirst(5))
                if negated { exclude.append(name) } else { include.append(name) }
            }
        }
    }

    /// Every name the filter mentions.
    public var names: [String] { include + exclude }

    /// Whether the test hook named `name` runs: not excluded, and included when any are.
    public func selects(_ name: String) -> Bool {
        !exclude.contains(name) && (include.isEmpty || include.contains(name))
    }
}
