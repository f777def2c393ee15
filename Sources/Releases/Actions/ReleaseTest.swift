import KubeClient

/// What `tarsctl test` found: the deployed revision with its test hooks' `lastRun` filled in
/// (and written to its record), and the first failure (Helm stops at the first failing test).
public struct ReleaseTestOutcome: Sendable {
    public var release: Release
    public var failure: ReleaseActionError?
    /// The test hooks in the order they ran (or would have).
    public var tests: [Hook] { HookPlan.ordered(release.hooks, for: .test) }
}

extension ReleaseEngine {
    /// Runs the deployed revision's `helm.sh/hook: test` hooks in Helm's order, waiting for each
    /// Job to complete or Pod to succeed within `options.timeout`.
    public func test(name: String, namespace: String, options: ReleaseActionOptions) async throws -> ReleaseTestOutcome {
        try await explained("test", name) {
            let history = try await store.history(name: name, namespace: namespace).releases
            guard var release = history.last(where: { $0.status == .deployed }) else {
                throw ReleaseActionError(.usage, history.isEmpty
                    ? "release \"\(name)\" not found in namespace \"\(namespace)\""
                    : "release \"\(name)\" has no deployed revision in namespace \"\(namespace)\" (latest is \(history.last?.status.rawValue ?? "")); tests run against the deployed one")
            }
            let deadline = ContinuousClock.now + options.timeout
            var failure: ReleaseActionError?
            do {
                try await HookRunner(ops: ops(name, namespace, options)).run(.test, hooks: &release.hooks, deadline: deadline)
            } catch let e as ReleaseActionError {
                failure = e
            }
            // As Helm does, the results are kept in the revision's record (`status` shows them).
            do {
                release = try await store.update(release)
            } catch {
                let why = ReleaseActionError(.failed, "the test results could not be written to release \"\(name)\" revision \(release.version): \(error); the tests themselves \(failure == nil ? "passed" : "failed")")
                if failure == nil { failure = why }
            }
            return ReleaseTestOutcome(release: release, failure: failure)
        }
    }
}
