import Foundation
import KubeClient
import Testing
@testable import Validation

/// Scanning speed on 10,000 objects (the fixture corpus repeated under new names and namespaces,
/// with the Services and ServiceAccounts the cross-object checks look up). Runs only with
/// TARSCTL_BENCH=1 (see Benchmarks/security-scan.sh); prints the time, asserts only the counts.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TARSCTL_BENCH"] != nil))
struct SecurityBenchmarkTests {
    @Test func scanTenThousandObjects() throws {
        var base: [ScannedObject] = []
        for name in SecurityTestSupport.fixtureNames() {
            base += try SecurityTestSupport.objects(try SecurityTestSupport.fixture(name).text, file: name)
        }
        var items: [ScannedObject] = []
        items.reserveCapacity(10_000)
        var i = 0
        while items.count < 10_000 {
            var item = base[i % base.count]
            let ns = "team-\(i % 10)"
            item.object[path: ["metadata", "name"]] = .string("\(item.ref.name)-\(i)")
            item.object[path: ["metadata", "namespace"]] = .string(ns)
            item = ScannedObject(object: item.object, location: item.location)
            items.append(item)
            if i % 50 == 0 {
                items.append(ScannedObject(object: ["apiVersion": "v1", "kind": "ServiceAccount",
                                                    "metadata": ["name": "shop-api", "namespace": .string(ns)]],
                                           location: SourceLocation(file: "sa.yaml", line: 1)))
            }
            i += 1
        }
        let scanner = SecurityScanner(options: SecurityOptions(minScore: 1))
        _ = scanner.scan(Array(items.prefix(200)))  // warm up lazy statics
        let clock = ContinuousClock()
        var report: SecurityReport?
        let elapsed = clock.measure { report = scanner.scan(items) }
        let r = try #require(report)
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        print("security scan: \(items.count) objects, \(r.scores.count) scored, \(r.findings.count) findings in \(String(format: "%.1f", ms)) ms (\(String(format: "%.1f", ms * 1000 / Double(items.count))) µs/object)")
        let linterIDs = Set(KubeLinterChecks.all.map(\.id))
        let kubesecOnly = clock.measure { _ = SecurityScanner(options: SecurityOptions(skip: linterIDs)).scan(items) }
        print("security scan, kubesec scoring only: \(kubesecOnly)")
        #expect(r.scores.count > 8_000)
        #expect(!r.findings.isEmpty)
    }
}
