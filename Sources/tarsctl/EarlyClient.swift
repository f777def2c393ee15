import ChartRender
import Foundation
import KubeClient
import Releases

/// The cluster client of `install` and `upgrade`, built on a second thread while the main
/// thread parses the arguments and loads the chart, with its TLS connection opened and its
/// discovery read there too.
/// On a 2-core machine that work used to sit on the critical path before rendering could start,
/// and the handshakes then competed with the render for the cores.
///
/// It is only a head start: the command adopts the client only when it was built from the same
/// kubeconfig, context and namespace that the parsed arguments name; otherwise it is shut down
/// and the command builds its own, reporting errors as before. Nothing starts for a client-side
/// dry run, which must not contact the cluster.
enum EarlyClient {
    struct Inputs: Equatable {
        var kubeconfig: String?
        var context: String?
        var namespace: String?
    }

    /// Written by the building thread before it signals `ready`, read after waiting for it.
    private final class Slot: @unchecked Sendable {
        let inputs: Inputs
        let ready = DispatchSemaphore(value: 0)
        var client: KubeClient?
        init(_ inputs: Inputs) { self.inputs = inputs }
    }
    nonisolated(unsafe) private static var slot: Slot?
    /// Whether the command's client is the one built ahead (for `TARSCTL_TRACE`).
    nonisolated(unsafe) static var adopted = false

    /// Starts building the client when `args` (after the program name) run install or upgrade.
    static func start(_ args: [String]) {
        guard let inputs = inputs(of: args) else { return }
        let slot = Slot(inputs)
        Self.slot = slot
        let thread = Thread {
            let client = try? KubeOptions.client(kubeconfig: inputs.kubeconfig, context: inputs.context, namespace: inputs.namespace)
            slot.client = client
            slot.ready.signal()
            if let client {
                Task.detached {
                    // As many as the operation will ask for (the engine's warm-up then has nothing left to open).
                    await client.warmUp(connections: ReleaseActionOptions().parallelism)
                    // Discovery (from its disk cache, else the server) is needed to map the rendered
                    // kinds to resources; read it now rather than after the render.
                    _ = try? await client.serverResources()
                }
            }
            // The first regular expression of a process starts ICU (~1.3 ms); values schemas and
            // templates (regexMatch, regexReplaceAll) compile theirs during the render. Started
            // here, on the core the argument parsing leaves free, it is done before they ask.
            RegexCache.warmUp()
        }
        thread.start()
    }

    /// The client built ahead for exactly these inputs (waiting for it if it is still being
    /// built); nil when none was started or it was built for other inputs.
    static func take(_ wanted: Inputs) -> KubeClient? {
        guard let slot else { return nil }
        Self.slot = nil
        slot.ready.wait()
        guard let client = slot.client else { return nil }
        if slot.inputs == wanted {
            adopted = true
            return client
        }
        Task.detached { await client.shutdown() }
        return nil
    }

    /// The kubeconfig, context and namespace the arguments name, read the way ArgumentParser
    /// will (`--opt value`, `--opt=value`, `-n value`, `-n=value`); nil when no client should be
    /// built ahead. A misreading only costs a discarded client: `take` compares with the parse.
    static func inputs(of args: [String]) -> Inputs? {
        guard let command = args.first, command == "install" || command == "upgrade" else { return nil }
        var inputs = Inputs()
        var i = 1
        while i < args.count {
            let a = args[i]
            if a == "--" { break }
            func value(_ long: String, short: String? = nil) -> String?? {
                if a == long || (short != nil && a == short) {
                    i += 1
                    return .some(i < args.count ? args[i] : nil)
                }
                for name in [long, short].compactMap({ $0 }) where a.hasPrefix(name + "=") {
                    return .some(String(a.dropFirst(name.count + 1)))
                }
                return nil
            }
            if a == "--dry-run" || a.hasPrefix("--dry-run=") || a == "--dry-run-mode" || a.hasPrefix("--dry-run-mode=")
                || a == "-h" || a == "--help" || a == "--version" {
                return nil
            } else if let v = value("--kubeconfig") {
                inputs.kubeconfig = v
            } else if let v = value("--kube-context") {
                inputs.context = v
            } else if let v = value("--namespace", short: "-n") {
                inputs.namespace = v
            }
            i += 1
        }
        return inputs
    }
}
