import KubeClient

/// What `tarsctl test` found: the deployed revision with its test hooks' `lastRun` filled in
/// (and written to its record), and the first failure (Helm stops at the first failing test).
public struct ReleaseTestOutcome: Sendable {
    public var release: Release
    public var failure: ReleaseActionError?
    /// With `logs`: the log of each test Pod that ran, in the hooks' order.
    public var logs: [TestPodLog] = []
    /// The test hooks in the order they ran (or would have).
    public var tests: [Hook] { HookPlan.ordered(release.hooks, for: .test) }
}

/// What `tarsctl test` runs and reports beyond the tests themselves.
public struct ReleaseTestOptions: Sendable {
    public var filter = ReleaseTestFilter()
    /// Read each test Pod's log after the tests ran, before the delete policies remove them.
    public var logs = false

    public init(filter: ReleaseTestFilter = ReleaseTestFilter(), logs: Bool = false) {
        self.filter = filter
        self.logs = logs
    }
}

extension ReleaseEngine {
    /// Runs the deployed revision's `helm.sh/hook: test` hooks in Helm's order, waiting for each
    /// Job to complete or Pod to succeed within `options.timeout`.
    public func test(name: String, namespace: String, options: ReleaseActionOptions, test: ReleaseTestOptions = ReleaseTestOptions()) async throws -> ReleaseTestOutcome {
        try await explained("test", name) {
            let history = try await store.history(name: name, namespace: namespace).releases
            guard var release = history.last(where: { $0.status == .deployed }) else {
                throw ReleaseActionError(.usage, history.isEmpty
                    ? "release \"\(name)\" not found in namespace \"\(namespace)\""
                    : "release \"\(name)\" has no deployed revision in namespace \"\(namespace)\" (latest is \(history.last?.status.rawValue ?? "")); tests run against the deployed one")
            }
            let testNames = HookPlan.ordered(release.hooks, for: .test).map(\.name)
            for unknown in test.filter.names where !testNames.contains(unknown) {
                log("warning: --filter names \"\(unknown)\", which is no test hook of release \"\(name)\" "
                    + "(its tests: \(testNames.isEmpty ? "none" : testNames.joined(separator: ", ")))")
            }
            let deadline = ContinuousClock.now + options.timeout
            let before = release.hooks
            let ops = ops(name, namespace, options)
            var failure: ReleaseActionError?
            var deferred: [PendingHookDeletion]? = test.logs ? [] : nil
            do {
                try await HookRunner(ops: ops).run(.test, hooks: &release.hooks, deadline: deadline,
                                                   selecting: { test.filter.selects($0.name) }, deferred: &deferred)
            } catch let e as ReleaseActionError {
                failure = e
            }
            var logs: [TestPodLog] = []
            if test.logs {
                // Only the tests this run started: a later one after a failure did not run.
                let ran = zip(before, release.hooks).filter { $0.lastRun != $1.lastRun }.map(\.1)
                logs = await TestLogReader(client: client, namespace: namespace).logs(of: HookPlan.ordered(ran, for: .test))
                for pending in deferred ?? [] { try? await ops.delete(pending.objects, reason: pending.reason) }
            }
            // As Helm does, the results are kept in the revision's record (`status` shows them).
            do {
                release = try await store.update(release)
            } catch {
                let why = ReleaseActionError(.failed, "the test results could not be written to release \"\(name)\" revision \(release.version): \(error); the tests themselves \(failure == nil ? "passed" : "failed")")
                if failure == nil { failure = why }
            }
            return ReleaseTestOutcome(release: release, failure: failure, logs: logs)
        }
    }
}
