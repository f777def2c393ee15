import Testing
import Releases

/// `tarsctl test --filter` values as Helm reads them, plus the entries tarsctl refuses.
@Suite struct ReleaseTestFilterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var values: [String]
        var include: [String]
        var exclude: [String]
        var testDescription: String { values.joined(separator: " ") }
    }

    @Test(arguments: [
        Case(values: [], include: [], exclude: []),
        Case(values: ["name=a"], include: ["a"], exclude: []),
        Case(values: ["name=a,name=b"], include: ["a", "b"], exclude: []),
        Case(values: ["name=a", "!name=b"], include: ["a"], exclude: ["b"]),
        Case(values: ["! name=b"], include: [], exclude: ["b"]),
        Case(values: ["name=a, !name=b,"], include: ["a"], exclude: ["b"]),
        Case(values: ["name=x=y"], include: ["x=y"], exclude: []),
    ])
    func parses(_ c: Case) throws {
        let filter = try ReleaseTestFilter(parsing: c.values)
        #expect(filter.include == c.include)
        #expect(filter.exclude == c.exclude)
    }

    @Test(arguments: ["kind=Pod", "name=", "!name=", "a", "!kind=Job", "Name=a"])
    func refuses(_ value: String) {
        let error = #expect(throws: ReleaseActionError.self) { try ReleaseTestFilter(parsing: ["name=ok", value]) }
        #expect(error?.description.hasPrefix("--filter \"\(value)\": tests are selected by name only") == true, "\(String(describing: error))")
    }

    @Test func selection() {
        let none = ReleaseTestFilter()
        #expect(none.selects("any"))
        let filter = ReleaseTestFilter(include: ["a", "b"], exclude: ["b", "c"])
        #expect(filter.selects("a"))
        #expect(!filter.selects("b"))  // excluded wins
        #expect(!filter.selects("c"))
        #expect(!filter.selects("d"))  // not included
        #expect(ReleaseTestFilter(exclude: ["c"]).selects("d"))
    }
}
