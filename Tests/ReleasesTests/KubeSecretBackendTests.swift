import KubeClient
import Testing
@testable import Releases

/// The KubeClient-backed storage against the sandbox over HTTPS: the API answers the ledger
/// relies on (404, 409 AlreadyExists, 409 Conflict) arrive as `SecretBackendError`, and the
/// ledger's lock and history work end to end through it.
@Suite struct KubeSecretBackendTests {
    static func secret(_ name: String, namespace: String = "default", labels: [String: String] = ["owner": "helm", "name": "x"]) -> JSON {
        ["apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
         "metadata": ["name": .string(name), "namespace": .string(namespace),
                      "labels": .object(labels.mapValues { .string($0) })],
         "data": ["release": "e30="]]
    }

    @Test func mapsAPIAnswersToStorageErrors() async throws {
        let h = try await ActionsHarness.start()
        do {
            let b = KubeSecretBackend(client: h.client)
            #expect(try await b.get(namespace: "default", name: "missing") == nil)
            let created = try await b.create(namespace: "default", secret: Self.secret("r1"))
            let rv = try #require(created[path: ["metadata", "resourceVersion"]]?.stringValue)
            await #expect(throws: SecretBackendError.alreadyExists(namespace: "default", name: "r1")) {
                _ = try await b.create(namespace: "default", secret: Self.secret("r1"))
            }
            var changed = created
            changed[path: ["metadata", "labels", "status"]] = "deployed"
            let replaced = try await b.replace(namespace: "default", secret: changed)
            #expect(replaced[path: ["metadata", "labels", "status"]] == "deployed")
            #expect(replaced[path: ["metadata", "resourceVersion"]]?.stringValue != rv)
            // The old resourceVersion is stale now: the write is refused, nothing changes.
            var stale = created
            stale[path: ["metadata", "labels", "status"]] = "failed"
            await #expect(throws: SecretBackendError.conflict(namespace: "default", name: "r1")) {
                _ = try await b.replace(namespace: "default", secret: stale)
            }
            #expect(try await b.get(namespace: "default", name: "r1")?[path: ["metadata", "labels", "status"]] == "deployed")
            await #expect(throws: SecretBackendError.notFound(namespace: "default", name: "nope")) {
                _ = try await b.replace(namespace: "default", secret: Self.secret("nope"))
            }
            // Selector and namespace scoping; nil namespace lists every namespace.
            _ = try await h.client.create(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "other"]])
            _ = try await b.create(namespace: "other", secret: Self.secret("r2", namespace: "other"))
            _ = try await b.create(namespace: "default", secret: Self.secret("unrelated", labels: ["owner": "someone"]))
            let names = { (l: [JSON]) in l.compactMap { $0[path: ["metadata", "name"]]?.stringValue }.sorted() }
            #expect(names(try await b.list(namespace: "default", labels: ["owner": "helm"])) == ["r1"])
            #expect(names(try await b.list(namespace: nil, labels: ["owner": "helm", "name": "x"])) == ["r1", "r2"])
            try await b.delete(namespace: "default", name: "r1")
            #expect(try await b.get(namespace: "default", name: "r1") == nil)
            await #expect(throws: SecretBackendError.notFound(namespace: "default", name: "r1")) {
                try await b.delete(namespace: "default", name: "r1")
            }
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    @Test func ledgerRunsThroughTheAPI() async throws {
        let h = try await ActionsHarness.start()
        do {
            let ledger = ReleaseLedger(store: ReleaseStore(backend: KubeSecretBackend(client: h.client)))
            let r1 = try await ledger.begin(ReleaseLedgerTests.draft("a"), status: .pendingInstall, description: "Initial install underway")
            #expect(r1.version == 1)
            // The pending record is the lock: a second operation is refused with the fix named.
            await #expect(throws: PendingRevision.self) {
                _ = try await ledger.begin(ReleaseLedgerTests.draft("b"), status: .pendingUpgrade, description: "Upgrade underway")
            }
            try await ledger.succeed(r1, description: "Install complete", historyMax: 10)
            let r2 = try await ledger.begin(ReleaseLedgerTests.draft("b"), status: .pendingUpgrade, description: "Upgrade underway")
            try await ledger.succeed(r2, description: "Upgrade complete", historyMax: 1)
            let history = try await ledger.store.history(name: "tars", namespace: "default")
            #expect(history.releases.map { "\($0.version):\($0.status.rawValue)" } == ["2:deployed"])
            #expect(history.unreadable.isEmpty)
            // A record updated with a stale version is refused, not written over.
            await #expect(throws: ReleaseStoreError.self) { try await ledger.store.update(r2) }
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }
}

/// The engine's bookkeeping on the shared storage: supersede and `--history-max` through the
/// ledger's pruning rule, seen as the Secrets left in the cluster.
@Suite struct EngineHistoryMaxTests {
    @Test func upgradesSupersedeAndHistoryMaxKeepsTheNewest() async throws {
        let h = try await ActionsHarness.start()
        do {
            let chart = try h.chart("hm", ["templates/cm.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: hm
                data:
                  revision: "{{ .Release.Revision }}"
                """])
            var options = fastOptions()
            options.historyMax = 2
            _ = try await h.engine.install(name: "hm", namespace: "default", chart: chart, values: [:], options: options)
            for _ in 0..<3 {
                _ = try await h.engine.upgrade(name: "hm", namespace: "default", chart: chart, values: [:], options: options)
            }
            let history = try await h.engine.history(name: "hm", namespace: "default")
            #expect(history.map { "\($0.version):\($0.status.rawValue)" } == ["3:superseded", "4:deployed"])
            let secrets = try await h.client.list(apiVersion: "v1", kind: "Secret", namespace: "default", labelSelector: "owner=helm,name=hm")
            #expect(secrets.items.compactMap { $0[path: ["metadata", "name"]]?.stringValue }.sorted()
                    == ["sh.helm.release.v1.hm.v3", "sh.helm.release.v1.hm.v4"])
            #expect(try await h.get("v1", "ConfigMap", "hm", namespace: "default")?[path: ["data", "revision"]] == "4")
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }
}
