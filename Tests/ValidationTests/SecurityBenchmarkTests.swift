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
        // Cross-object checks in one crowded namespace: 5,000 Deployments and 5,000 Services,
        // each Service selecting its own Deployment (indexed lookups keep this linear).
        var crowded: [ScannedObject] = []
        for n in 0..<5_000 {
            let labels: JSON = ["app": .string("app-\(n)"), "tier": "web"]
            crowded.append(ScannedObject(object: [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string("d\(n)")],
                "spec": ["selector": ["matchLabels": labels],
                         "template": ["metadata": ["labels": labels],
                                      "spec": ["containers": [["name": "c", "image": "nginx:1.25"]]]]],
            ], location: SourceLocation(file: "crowded.yaml", line: n * 2 + 1)))
            crowded.append(ScannedObject(object: [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": .string("s\(n)")],
                "spec": ["selector": labels],
            ], location: SourceLocation(file: "crowded.yaml", line: n * 2 + 2)))
        }
        var crowdedReport: SecurityReport?
        let crowdedTime = clock.measure { crowdedReport = scanner.scan(crowded) }
        print("security scan, 10,000 objects in one namespace: \(crowdedTime)")
        #expect(crowdedReport?.findings.contains { $0.ruleID == "dangling-service" } == false)
        #expect(r.scores.count > 8_000)
        #expect(!r.findings.isEmpty)
    }
}
