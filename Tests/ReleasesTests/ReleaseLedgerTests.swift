import KubeClient
import Sandbox
import Testing
@testable import Releases

/// Release Secrets in the sandbox's in-process cluster store, through the same create/replace
/// semantics (and Secret validation) the API server applies. This is the adapter the CLI
/// writes against KubeClient.
struct SandboxSecretBackend: SecretBackend {
    let cluster: Cluster

    var secrets: ResourceType { cluster.type(group: "", version: "v1", plural: "secrets")! }

    /// Maps the API's 404 and 409 answers to the storage's errors (synchronously: the store is in process).
    func call<T>(_ namespace: String, _ name: String, _ body: () throws(APIError) -> T) throws -> T {
        let result: Result<T, APIError>
        do throws(APIError) { result = .success(try body()) } catch { result = .failure(error) }
        switch result {
        case .success(let v): return v
        case .failure(let e) where e.code == 404: throw SecretBackendError.notFound(namespace: namespace, name: name)
        case .failure(let e) where e.code == 409 && e.reason == "AlreadyExists":
            throw SecretBackendError.alreadyExists(namespace: namespace, name: name)
        case .failure(let e) where e.code == 409: throw SecretBackendError.conflict(namespace: namespace, name: name)
        case .failure(let e): throw e
        }
    }

    func get(namespace: String, name: String) async throws -> JSON? {
        do {
            return try call(namespace, name) { () throws(APIError) in try cluster.get(secrets, namespace: namespace, name: name) }
        } catch SecretBackendError.notFound {
            return nil
        }
    }

    func list(namespace: String?, labels: [String: String]) async throws -> [JSON] {
        let selector = labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
        let list = try call(namespace ?? "", "") { () throws(APIError) in
            try cluster.list(secrets, namespace: namespace, options: ListOptions(labelSelector: try LabelSelector(parsing: selector)))
        }
        return list["items"]?.arrayValue ?? []
    }

    func create(namespace: String, secret: JSON) async throws -> JSON {
        try call(namespace, secret[path: ["metadata", "name"]]?.stringValue ?? "") { () throws(APIError) in
            try cluster.create(secrets, namespace: namespace, body: secret, options: WriteOptions(fieldManager: "tarsctl"))
        }
    }

    func replace(namespace: String, secret: JSON) async throws -> JSON {
        let name = secret[path: ["metadata", "name"]]?.stringValue ?? ""
        return try call(namespace, name) { () throws(APIError) in
            try cluster.update(secrets, namespace: namespace, name: name, body: secret, options: WriteOptions(fieldManager: "tarsctl"))
        }
    }

    func delete(namespace: String, name: String) async throws {
        _ = try call(namespace, name) { () throws(APIError) in
            try cluster.delete(secrets, namespace: namespace, name: name, propagation: nil, options: WriteOptions())
        }
    }
}

/// Holds every `list` until `parties` callers have listed, so racing operations both read the
/// history before either writes: the worst interleaving, every time.
actor ListBarrier {
    let parties: Int
    var arrived = 0
    var waiting: [CheckedContinuation<Void, Never>] = []
    init(parties: Int) { self.parties = parties }

    func arrive() async {
        arrived += 1
        if arrived >= parties {
            for c in waiting { c.resume() }
            waiting = []
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

struct BarrierBackend: SecretBackend {
    let inner: any SecretBackend
    let barrier: ListBarrier
    func get(namespace: String, name: String) async throws -> JSON? { try await inner.get(namespace: namespace, name: name) }
    func list(namespace: String?, labels: [String: String]) async throws -> [JSON] {
        let result = try await inner.list(namespace: namespace, labels: labels)
        await barrier.arrive()
        return result
    }
    func create(namespace: String, secret: JSON) async throws -> JSON { try await inner.create(namespace: namespace, secret: secret) }
    func replace(namespace: String, secret: JSON) async throws -> JSON { try await inner.replace(namespace: namespace, secret: secret) }
    func delete(namespace: String, name: String) async throws { try await inner.delete(namespace: namespace, name: name) }
}

enum Backends {
    static func make(_ kind: String) -> any SecretBackend {
        kind == "memory" ? InMemorySecretBackend() : SandboxSecretBackend(cluster: Cluster())
    }
}

@Suite struct ReleaseLedgerTests {
    static let t0 = GoTime(seconds: 1_790_000_000)
    static func at(_ s: Int64) -> GoTime { GoTime(seconds: t0.seconds + s) }

    static func draft(_ manifest: String) -> Release {
        Release(name: "tars", namespace: "default", version: 0,
                chart: ChartRecord(metadata: ["name": "tars", "version": "0.1.0"], templates: [], values: [:], files: []),
                manifest: manifest)
    }

    static func statuses(_ store: ReleaseStore) async throws -> [String] {
        try await store.history(name: "tars", namespace: "default").releases.map { "\($0.version):\($0.status.rawValue)" }
    }

    @Test(arguments: ["memory", "sandbox"])
    func installUpgradeSupersedesAndLabelsFollowTheStatus(_ backendKind: String) async throws {
        let backend = Backends.make(backendKind)
        let ledger = ReleaseLedger(store: ReleaseStore(backend: backend))
        let r1 = try await ledger.begin(Self.draft("a"), status: .pendingInstall, description: "Initial install underway",
                                        now: Self.at(0))
        #expect(r1.version == 1)
        #expect(try await Self.statuses(ledger.store) == ["1:pending-install"])
        let label = try await backend.get(namespace: "default", name: "sh.helm.release.v1.tars.v1")?[path: ["metadata", "labels", "status"]]
        #expect(label == "pending-install")
        try await ledger.succeed(r1, description: "Install complete", historyMax: 10, now: Self.at(5))
        let r2 = try await ledger.begin(Self.draft("b"), status: .pendingUpgrade, description: "Upgrade underway", now: Self.at(60))
        #expect(r2.version == 2)
        #expect(r2.info?.firstDeployed == Self.at(0))
        try await ledger.succeed(r2, description: "Upgrade complete", historyMax: 10, now: Self.at(65))
        #expect(try await Self.statuses(ledger.store) == ["1:superseded", "2:deployed"])
        let stored = try await ledger.store.get(name: "tars", namespace: "default", revision: 2)
        #expect(stored.manifest == "b")
        #expect(stored.info?.description == "Upgrade complete")
        #expect(stored.info?.lastDeployed == Self.at(65))
        let secret = try #require(try await backend.get(namespace: "default", name: "sh.helm.release.v1.tars.v1"))
        #expect(secret[path: ["metadata", "labels", "status"]] == "superseded")
        #expect(secret[path: ["metadata", "labels", "modifiedAt"]] == .string(String(Self.at(65).seconds)))
        #expect(ReleaseHistory.installBlocker(try await ledger.store.history(name: "tars", namespace: "default").releases)
            == "cannot install release tars in namespace default: the name is in use (revision 2 is deployed); use `tarsctl upgrade tars -n default` to change it, or choose another name")
    }

    @Test(arguments: ["memory", "sandbox"])
    func failureEndsFailedAndTheNextUpgradeNeedsNoManualStep(_ backendKind: String) async throws {
        let ledger = ReleaseLedger(store: ReleaseStore(backend: Backends.make(backendKind)))
        try await ledger.succeed(try await ledger.begin(Self.draft("a"), status: .pendingInstall, description: "", now: Self.at(0)),
                                 description: "Install complete", historyMax: 10, now: Self.at(1))
        let r2 = try await ledger.begin(Self.draft("b"), status: .pendingUpgrade, description: "", now: Self.at(10))
        try await ledger.fail(r2, description: "Upgrade \"tars\" failed: pre-upgrade hook Job/tars-migrate failed: BackoffLimitExceeded",
                              now: Self.at(20))
        #expect(try await Self.statuses(ledger.store) == ["1:deployed", "2:failed"])
        let r3 = try await ledger.begin(Self.draft("c"), status: .pendingUpgrade, description: "", now: Self.at(30))
        try await ledger.succeed(r3, description: "Upgrade complete", historyMax: 10, now: Self.at(31))
        #expect(try await Self.statuses(ledger.store) == ["1:superseded", "2:failed", "3:deployed"])
    }

    @Test(arguments: ["memory", "sandbox"])
    func historyMaxKeepsTheNewestAndNeverTheDeployedOne(_ backendKind: String) async throws {
        let ledger = ReleaseLedger(store: ReleaseStore(backend: Backends.make(backendKind)))
        var pruned: [[Int]] = []
        for i in 0..<5 {
            let r = try await ledger.begin(Self.draft("m\(i)"), status: i == 0 ? .pendingInstall : .pendingUpgrade,
                                           description: "", now: Self.at(Int64(i * 10)))
            pruned.append(try await ledger.succeed(r, description: "ok", historyMax: 3, now: Self.at(Int64(i * 10 + 1))))
        }
        #expect(pruned == [[], [], [], [1], [2]])
        #expect(try await Self.statuses(ledger.store) == ["3:superseded", "4:superseded", "5:deployed"])
        // Two failed upgrades after it: the deployed revision 5 outlives older superseded ones.
        for i in 5..<7 {
            let r = try await ledger.begin(Self.draft("f\(i)"), status: .pendingUpgrade, description: "", now: Self.at(Int64(i * 10)))
            try await ledger.fail(r, description: "failed", now: Self.at(Int64(i * 10 + 1)))
        }
        #expect(try await ledger.prune(name: "tars", namespace: "default", historyMax: 2) == [3, 4, 6])
        #expect(try await Self.statuses(ledger.store) == ["5:deployed", "7:failed"])
    }

    @Test(arguments: ["memory", "sandbox"])
    func aPendingRevisionLeftBehindIsReportedWithTheCommandThatClearsIt(_ backendKind: String) async throws {
        let ledger = ReleaseLedger(store: ReleaseStore(backend: Backends.make(backendKind)), staleAfterSeconds: 600)
        try await ledger.succeed(try await ledger.begin(Self.draft("a"), status: .pendingInstall, description: "", now: Self.at(0)),
                                 description: "Install complete", historyMax: 10, now: Self.at(1))
        _ = try await ledger.begin(Self.draft("b"), status: .pendingUpgrade, description: "", now: Self.at(100))
        // The process died here. Soon after, the revision may still be someone's live operation...
        do {
            _ = try await ledger.begin(Self.draft("c"), status: .pendingUpgrade, description: "", now: Self.at(130))
            Issue.record("a second operation was allowed while revision 2 was pending")
        } catch let p as PendingRevision {
            #expect(!p.abandoned)
            #expect(p.description == "release tars in namespace default: revision 2 is pending-upgrade since 2026-09-21T14:15:00Z (30s ago): another operation is in progress on this release. Wait for it to finish (`tarsctl history tars -n default` shows its progress); if no tarsctl or helm process is running on it any more, run `tarsctl rollback tars 1 -n default`: it marks revision 2 failed and restores revision 1.")
        }
        // ...much later it is reported as abandoned, with the same fix.
        do {
            _ = try await ledger.begin(Self.draft("c"), status: .pendingUpgrade, description: "", now: Self.at(100 + 3 * 3600))
            Issue.record("allowed")
        } catch let p as PendingRevision {
            #expect(p.abandoned)
            #expect(p.fixCommand == "tarsctl rollback tars 1 -n default")
            #expect(p.description.hasPrefix("release tars in namespace default: revision 2 is pending-upgrade since 2026-09-21T14:15:00Z (3h0m ago), left behind by an operation that did not finish (its process stopped). Run `tarsctl rollback tars 1 -n default`"))
        }
        // The fix as `rollback` runs it: the pending revision is marked failed, then the rollback proceeds.
        let rollback = try await ledger.begin(Self.draft("a"), status: .pendingRollback, description: "Rollback to 1",
                                              clearingPending: true, now: Self.at(20_000))
        #expect(rollback.version == 3)
        #expect(try await Self.statuses(ledger.store) == ["1:deployed", "2:failed", "3:pending-rollback"])
        try await ledger.succeed(rollback, description: "Rollback to 1", historyMax: 10, now: Self.at(20_001))
        #expect(try await Self.statuses(ledger.store) == ["1:superseded", "2:failed", "3:deployed"])
    }

    @Test(arguments: ["memory", "sandbox"])
    func markPendingFailedIsTheStatusFix(_ backendKind: String) async throws {
        let ledger = ReleaseLedger(store: ReleaseStore(backend: Backends.make(backendKind)), staleAfterSeconds: 600)
        try await ledger.succeed(try await ledger.begin(Self.draft("a"), status: .pendingInstall, description: "", now: Self.at(0)),
                                 description: "Install complete", historyMax: 10, now: Self.at(1))
        _ = try await ledger.begin(Self.draft("b"), status: .pendingUpgrade, description: "", now: Self.at(100))
        // The fix: the pending revision becomes failed, and operations work again.
        let fixed = try await ledger.markPendingFailed(name: "tars", namespace: "default", now: Self.at(20_000))
        #expect(fixed?.info?.description == "marked failed by tarsctl: the operation that left it pending-upgrade did not finish")
        #expect(try await Self.statuses(ledger.store) == ["1:deployed", "2:failed"])
        let r3 = try await ledger.begin(Self.draft("c"), status: .pendingRollback, description: "", now: Self.at(20_001))
        #expect(r3.version == 3)
        #expect(try await ledger.markPendingFailed(name: "other", namespace: "default") == nil)
    }

    @Test func aCrashedFirstInstallPointsAtUninstall() throws {
        var r = Self.draft("a")
        r.version = 1
        r.info = ReleaseInfo(lastDeployed: Self.at(0), status: .pendingInstall)
        let p = try #require(ReleaseHistory.pendingProblem([r], now: Self.at(10_000), staleAfterSeconds: 600))
        #expect(p.fixCommand == "tarsctl uninstall tars -n default")
        #expect(p.description.hasSuffix("Run `tarsctl uninstall tars -n default`: it marks it failed and removes what the install created."))
    }

    /// Issue 8, acceptance 4 (storage half): two upgrades racing for one release. Both read the
    /// history before either writes; exactly one claims revision 2, the other is refused and
    /// writes nothing.
    @Test(arguments: ["memory", "sandbox"])
    func twoConcurrentUpgradesOneIsRefused(_ backendKind: String) async throws {
        let inner = Backends.make(backendKind)
        let setup = ReleaseLedger(store: ReleaseStore(backend: inner))
        try await setup.succeed(try await setup.begin(Self.draft("a"), status: .pendingInstall, description: "", now: Self.at(0)),
                                description: "Install complete", historyMax: 10, now: Self.at(1))
        let racing = ReleaseLedger(store: ReleaseStore(backend: BarrierBackend(inner: inner, barrier: ListBarrier(parties: 2))))
        let outcomes = await withTaskGroup(of: Result<Release, any Error>.self) { group in
            for manifest in ["from-A", "from-B"] {
                group.addTask {
                    do {
                        return .success(try await racing.begin(Self.draft(manifest), status: .pendingUpgrade,
                                                               description: "Upgrade underway", now: Self.at(50)))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var all: [Result<Release, any Error>] = []
            for await o in group { all.append(o) }
            return all
        }
        let winners = outcomes.compactMap { try? $0.get() }
        let errors = outcomes.compactMap { if case .failure(let e) = $0 { e } else { nil } }
        #expect(winners.count == 1)
        #expect(errors.count == 1)
        #expect(errors.first.map { "\($0)" } == "release tars in namespace default: another operation started at the same time and claimed revision 2; this one changed nothing. Wait for it to finish (`tarsctl history tars -n default`), then run the command again.")
        let stored = try await setup.store.get(name: "tars", namespace: "default", revision: 2)
        #expect(stored.manifest == winners.first?.manifest)
        #expect(try await Self.statuses(setup.store) == ["1:deployed", "2:pending-upgrade"])
    }

    /// A slow operation whose pending revision was meanwhile cleared by the user (`rollback`):
    /// its late success is not written over the other process's record.
    @Test(arguments: ["memory", "sandbox"])
    func aLateOutcomeDoesNotOverwriteARecordChangedMeanwhile(_ backendKind: String) async throws {
        let ledger = ReleaseLedger(store: ReleaseStore(backend: Backends.make(backendKind)))
        try await ledger.succeed(try await ledger.begin(Self.draft("a"), status: .pendingInstall, description: "", now: Self.at(0)),
                                 description: "Install complete", historyMax: 10, now: Self.at(1))
        let slow = try await ledger.begin(Self.draft("b"), status: .pendingUpgrade, description: "", now: Self.at(10))
        #expect(slow.storageVersion != nil)
        _ = try await ledger.markPendingFailed(name: "tars", namespace: "default", now: Self.at(2000))
        await #expect(throws: ReleaseStoreError(code: .modifiedConcurrently, release: "tars", namespace: "default", revision: 2)) {
            try await ledger.succeed(slow, description: "Upgrade complete", historyMax: 10, now: Self.at(2001))
        }
        #expect(try await Self.statuses(ledger.store) == ["1:deployed", "2:failed"])
        #expect("\(ReleaseStoreError(code: .modifiedConcurrently, release: "tars", namespace: "default", revision: 2))"
            == "release tars revision 2 in namespace default was changed by another process while this operation ran, so its outcome was not recorded over it; see `tarsctl history tars -n default`")
    }

    /// Issue 8, acceptance 5 (storage half): records Helm wrote are listed and upgraded, and
    /// Helm's format reader accepts what tarsctl rewrote.
    @Test(arguments: ["memory", "sandbox"])
    func takesOverAHelmReleaseAndHelmCanReadTheResult(_ backendKind: String) async throws {
        let backend = Backends.make(backendKind)
        for (v, status) in [(1, "superseded"), (2, "deployed")] {
            let helm: JSON = ["name": "tars", "namespace": "default", "version": .int(Int64(v)),
                              "info": ["first_deployed": "2025-05-01T10:00:00.123+02:00", "last_deployed": "2025-05-02T10:00:00+02:00",
                                       "deleted": "", "description": "Upgrade complete", "status": .string(status)],
                              "chart": ["metadata": ["name": "tars", "version": .string("0.0.\(v)")], "lock": nil, "templates": [],
                                        "values": [:], "schema": nil, "files": []],
                              "manifest": .string("helm-\(v)")]
            _ = try await backend.create(namespace: "default", secret: try await helmFormatScript("build", helm))
        }
        let ledger = ReleaseLedger(store: ReleaseStore(backend: backend))
        #expect(try await Self.statuses(ledger.store) == ["1:superseded", "2:deployed"])
        let listed = try await ledger.store.all(namespace: nil)
        #expect(listed.releases.map(\.chart?.version) == ["0.0.1", "0.0.2"])
        let r3 = try await ledger.begin(Self.draft("tarsctl-3"), status: .pendingUpgrade, description: "", now: Self.at(0))
        #expect(r3.info?.firstDeployed?.description == "2025-05-01T10:00:00.123+02:00")
        try await ledger.succeed(r3, description: "Upgrade complete", historyMax: 10, now: Self.at(1))
        #expect(try await Self.statuses(ledger.store) == ["1:superseded", "2:superseded", "3:deployed"])
        for v in [2, 3] {
            let secret = try #require(try await backend.get(namespace: "default", name: "sh.helm.release.v1.tars.v\(v)"))
            let read = try await helmFormatScript("decode", secret)
            #expect(read["problems"] == [], "revision \(v)")
            #expect(read[path: ["release", "info", "status"]] == (v == 3 ? "deployed" : "superseded"))
        }
    }

    @Test func unreadableRecordsAreReportedNotFatal() async throws {
        let good = try ReleaseSecret.encode(Self.draft("x").withVersion(1), write: .create)
        let bad: JSON = ["apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                         "metadata": ["name": "sh.helm.release.v1.tars.v2", "namespace": "default",
                                      "labels": ["owner": "helm", "name": "tars", "version": "2", "status": "deployed"]],
                         "data": ["release": "bm90IGJhc2U2NCE="]]
        let store = ReleaseStore(backend: InMemorySecretBackend([good, bad]))
        let listing = try await store.history(name: "tars", namespace: "default")
        #expect(listing.releases.map(\.version) == [1])
        #expect(listing.unreadable.map(\.description) == [
            "Secret sh.helm.release.v1.tars.v2: the release record inside data \"release\" is not valid base64",
        ])
        await #expect(throws: ReleaseStoreError(code: .revisionNotFound, release: "tars", namespace: "default", revision: 9)) {
            _ = try await store.get(name: "tars", namespace: "default", revision: 9)
        }
    }

    @Test func pruningTable() {
        func h(_ s: [ReleaseStatus]) -> [Release] {
            s.enumerated().map { Self.draft("").withVersion($0.offset + 1).withStatus($0.element) }
        }
        #expect(ReleaseHistory.revisionsToPrune(h([.superseded, .superseded, .deployed]), max: 0) == [])
        #expect(ReleaseHistory.revisionsToPrune(h([.superseded, .superseded, .deployed]), max: 3) == [])
        #expect(ReleaseHistory.revisionsToPrune(h([.superseded, .superseded, .deployed]), max: 1) == [1, 2])
        #expect(ReleaseHistory.revisionsToPrune(h([.deployed, .failed, .failed, .failed]), max: 2) == [2, 3])
        #expect(ReleaseHistory.nextRevision([]) == 1)
        #expect(ReleaseHistory.nextRevision(h([.superseded, .deployed, .failed])) == 4)
        #expect(ReleaseHistory.installBlocker(h([.superseded, .uninstalled])) == nil)
        #expect(ReleaseHistory.installBlocker(h([.failed])) == nil)
    }
}

extension Release {
    func withVersion(_ v: Int) -> Release { var r = self; r.version = v; return r }
    func withStatus(_ s: ReleaseStatus) -> Release {
        var r = self
        r.info = r.info ?? ReleaseInfo()
        r.info?.status = s
        return r
    }
}

@Suite struct UninstallAndNoChangeTests {
    @Test(arguments: ["memory", "sandbox"], [true, false])
    func uninstallKeepsOrDropsTheHistory(_ backendKind: String, _ keepHistory: Bool) async throws {
        let ledger = ReleaseLedger(store: ReleaseStore(backend: Backends.make(backendKind)))
        for i in 0..<2 {
            let r = try await ledger.begin(ReleaseLedgerTests.draft("m\(i)"), status: i == 0 ? .pendingInstall : .pendingUpgrade,
                                           description: "", now: ReleaseLedgerTests.at(Int64(i)))
            try await ledger.succeed(r, description: "ok", historyMax: 10, now: ReleaseLedgerTests.at(Int64(i)))
        }
        let target = try await ledger.beginUninstall(name: "tars", namespace: "default", now: ReleaseLedgerTests.at(100))
        #expect(target.version == 2)
        #expect(try await ReleaseLedgerTests.statuses(ledger.store) == ["1:superseded", "2:uninstalling"])
        try await ledger.finishUninstall(target, keepHistory: keepHistory, now: ReleaseLedgerTests.at(101))
        let after = try await ledger.store.history(name: "tars", namespace: "default").releases
        if keepHistory {
            #expect(after.map { "\($0.version):\($0.status.rawValue)" } == ["1:superseded", "2:uninstalled"])
            #expect(after.last?.info?.deleted == ReleaseLedgerTests.at(101))
            #expect(ReleaseHistory.installBlocker(after) == nil)
        } else {
            #expect(after.isEmpty)
        }
    }

    @Test(arguments: ["memory", "sandbox"])
    func uninstallClearsACrashedFirstInstall(_ backendKind: String) async throws {
        let ledger = ReleaseLedger(store: ReleaseStore(backend: Backends.make(backendKind)))
        _ = try await ledger.begin(ReleaseLedgerTests.draft("a"), status: .pendingInstall, description: "",
                                   now: ReleaseLedgerTests.at(0))
        let target = try await ledger.beginUninstall(name: "tars", namespace: "default", now: ReleaseLedgerTests.at(5))
        #expect(target.version == 1)
        #expect(try await ReleaseLedgerTests.statuses(ledger.store) == ["1:uninstalling"])
        try await ledger.finishUninstall(target, keepHistory: false, now: ReleaseLedgerTests.at(6))
        #expect(try await ReleaseLedgerTests.statuses(ledger.store) == [])
    }

    @Test func unchangedComparesWhatARevisionStores() {
        let a = ReleaseLedgerTests.draft("kind: ConfigMap")
        var b = a
        b.version = 7
        b.info = ReleaseInfo(description: "other", status: .pendingUpgrade)
        #expect(ReleaseHistory.isUnchanged(a, b))
        b.config = ["replicas": 2]
        #expect(!ReleaseHistory.isUnchanged(a, b))
        var c = a
        c.manifest += "\n"
        #expect(!ReleaseHistory.isUnchanged(a, c))
    }
}
