import KubeClient

/// Runs the hooks of one event in Helm's order: delete a previous run when the policy asks,
/// create, wait for a Job or Pod to finish, delete by the policy, record `last_run`.
struct HookRunner: Sendable {
    let ops: ClusterOperations

    /// Runs `event`'s hooks in `hooks` (updating their `lastRun`); throws naming the hook that failed.
    func run(_ event: HookEvent, hooks: inout [Hook], deadline: ContinuousClock.Instant) async throws {
        var deleteAtOnce: [PendingHookDeletion]?
        try await run(event, hooks: &hooks, deadline: deadline, selecting: { _ in true }, deferred: &deleteAtOnce)
    }

    /// `run` limited to the hooks `selecting` accepts (`test --filter`). With `deferred` non-nil
    /// the deletions the delete policies ask for after a hook ended are queued there instead of
    /// done at once, so the caller can still read the hooks' Pods (`test --logs`, as Helm 4).
    func run(_ event: HookEvent, hooks: inout [Hook], deadline: ContinuousClock.Instant, selecting: (Hook) -> Bool,
             deferred: inout [PendingHookDeletion]?) async throws {
        let order = HookPlan.ordered(hooks, for: event).filter(selecting)
        guard !order.isEmpty else { return }
        for hook in order {
            try Task.checkCancellation()
            guard let index = hooks.firstIndex(where: { $0 == hook }) else { continue }
            let objects: [JSON]
            do {
                objects = try await ops.prepare(ManifestObjects.parse(hook.manifest, source: hook.path), markOwnership: false)
            } catch let e as ManifestParseError {
                throw ReleaseActionError(.failed, "hook \(hook.kind)/\(hook.name) (\(event)): \(e.description)")
            }
            if HookPlan.deleteBeforeCreation(hook) {
                try await ops.delete(objects, reason: "deleted previous hook")
                for o in objects { try await ops.waitGone(o, deadline: deadline) }
            }
            hooks[index].lastRun = HookExecution(startedAt: .now(), phase: "Running")
            ops.log("running \(event) hook \(hook.kind)/\(hook.name)")
            var failure: ReleaseActionError?
            do {
                try await ops.apply(objects)
                let waitable = objects.filter { ["Job", "Pod"].contains($0["kind"]?.stringValue ?? "") }
                try await waitFinished(waitable, hook: hook, event: event, deadline: deadline)
            } catch let e as ReleaseActionError {
                failure = e
            }
            hooks[index].lastRun.completedAt = .now()
            hooks[index].lastRun.phase = failure == nil ? "Succeeded" : "Failed"
            if HookPlan.deleteAfter(hook, succeeded: failure == nil) {
                let reason = "deleted \(failure == nil ? "succeeded" : "failed") hook"
                if deferred != nil {
                    deferred?.append(PendingHookDeletion(objects: objects, reason: reason))
                } else {
                    try? await ops.delete(objects, reason: reason)
                }
            }
            if let failure {
                if failure.kind == .timeout { throw failure }
                throw ReleaseActionError(.failed, "\(event) hook \(hook.kind)/\(hook.name) failed: \(failure.description)")
            }
            ops.log("\(event) hook \(hook.kind)/\(hook.name) succeeded")
        }
    }

    /// A Job must complete, a Pod must succeed; a failure ends the wait with its reason.
    private func waitFinished(_ objects: [JSON], hook: Hook, event: HookEvent, deadline: ContinuousClock.Instant) async throws {
        for o in objects {
            let key = ObjectKey(o)
            while true {
                try Task.checkCancellation()
                let live = try await ops.client.get(apiVersion: key.apiVersion, kind: key.kind, namespace: key.namespace.isEmpty ? nil : key.namespace, name: key.name)
                var state = Readiness.evaluate(live)
                if key.kind == "Pod" {
                    // A hook Pod must run to completion, not merely be ready.
                    let phase = live[path: ["status", "phase"]]?.stringValue ?? "Pending"
                    if phase != "Succeeded", case .ready = state { state = .inProgress("pod is \(phase), not yet Succeeded") }
                }
                switch state {
                case .ready: break
                case .failed(let why):
                    throw ReleaseActionError(.failed, why)
                case .inProgress(let why):
                    if ContinuousClock.now >= deadline {
                        throw ReleaseActionError(.timeout, "timed out after \(ClusterOperations.format(ops.options.timeout)) waiting for \(event) hook \(ClusterOperations.describe(o)): \(why)")
                    }
                    // A hook is one object the whole operation waits on: look often.
                    try await Task.sleep(for: min(ops.options.pollInterval, .milliseconds(50)))
                    continue
                }
                break
            }
        }
    }
}

/// Objects a hook's delete policy removes, held back until the caller has read them.
struct PendingHookDeletion: Sendable {
    var objects: [JSON]
    var reason: String
}
