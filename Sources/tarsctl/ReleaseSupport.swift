import ArgumentParser
import ChartRender
import Foundation
import KubeClient
import Releases

/// `-n`, `--kubeconfig`, `--kube-context`: which cluster and namespace, as Helm and kubectl take them.
struct KubeOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Namespace of the release (default: the kubeconfig context's, else default).")
    var namespace: String?
    @Option(help: "Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?
    @Option(name: .customLong("kube-context"), help: "The kubeconfig context to use.")
    var kubeContext: String?

    func client() throws -> KubeClient {
        if let early = EarlyClient.take(.init(kubeconfig: kubeconfig, context: kubeContext, namespace: namespace)) { return early }
        return try Self.client(kubeconfig: kubeconfig, context: kubeContext, namespace: namespace)
    }

    /// A client as every command builds one (tarsctl's version in the User-Agent).
    static func client(kubeconfig: String?, context: String?, namespace: String? = nil) throws -> KubeClient {
        var options = KubeClientOptions()
        options.version = ChartRender.version
        return try KubeClient(kubeconfig: kubeconfig, context: context, namespace: namespace, options: options)
    }
}

/// Flags of install, upgrade and rollback that shape the operation.
struct ActionFlags: ParsableArguments {
    @Option(name: .customLong("wait-mode"), help: ArgumentHelp("How to wait: watcher (the default), hookOnly or legacy; also written --wait[=MODE].", valueName: "mode"))
    var waitMode: String?
    @Flag(name: .customLong("no-wait"), help: "Do not wait for readiness; hooks still run to completion.") var noWait = false
    @Flag(name: .customLong("wait-for-jobs"), help: "Also wait for Jobs to complete (always done while waiting).") var waitForJobs = false
    @Option(help: "Time allowed for the whole operation (hooks, apply, wait), e.g. 90s, 5m, 1m30s.") var timeout: String = "5m"
    @Flag(name: [.customLong("rollback-on-failure"), .customLong("atomic")], help: "On failure, restore the previous revision (or remove a failed install).")
    var rollbackOnFailure = false
    @Flag(name: .customLong("no-hooks"), help: "Do not run hooks.") var noHooks = false
    @Flag(name: .customLong("cleanup-on-fail"), help: "On failure, delete the objects this operation created.") var cleanupOnFail = false
    @Option(name: .customLong("history-max"), help: "Revisions kept per release, 0 for no limit (default: $HELM_MAX_HISTORY, else 10).")
    var historyMax: Int?
    @Option(name: .customLong("dry-run-mode"), help: ArgumentHelp("client: render only; server: also a server-side dry-run apply; none; also written --dry-run[=MODE] (bare: client).", valueName: "mode"))
    var dryRunModeText: String?
    @Option(name: .customLong("server-side"), help: ArgumentHelp("true: server-side apply; false: client-side apply (create, then three-way merge patches); auto: install server-side, upgrade as the newest revision, rollback as the target revision.", valueName: "bool"))
    var serverSide: String = "auto"
    @Flag(name: .customLong("force-conflicts"), help: "Take over fields other field managers own (tarsctl always applies with force).") var forceConflicts = false
    @Flag(help: "Record a new revision even when nothing changed.") var force = false
    @Flag(name: .customLong("take-ownership"), help: "Adopt existing objects not owned by this release.") var takeOwnership = false
    @Option(help: "Description of the revision.") var description: String?
    @Option(help: "Labels stored on the release records: key=value,key2=value2.") var labels: String?

    /// The `--dry-run` mode; `none` when the flag is absent.
    var dryRunMode: DryRunMode { (try? DryRunMode(flag: dryRunModeText)) ?? .client }
    var dryRun: Bool { dryRunMode != .none }

    func options() throws -> ReleaseActionOptions {
        var o = ReleaseActionOptions()
        let mode: WaitMode
        do { mode = try WaitMode(flag: waitMode) } catch { throw ValidationError(error.description) }
        if noWait && waitMode != nil { throw ValidationError("--no-wait cannot be combined with --wait=\(mode.rawValue); choose one") }
        // hookOnly: hooks still run to completion, the release's objects are not waited for.
        o.wait = !noWait && mode != .hookOnly
        _ = try DryRunMode(flag: dryRunModeText)
        guard let method = ApplyMethodChoice(rawValue: serverSide) else {
            throw ValidationError("--server-side \(serverSide): use true, false or auto")
        }
        o.serverSide = method
        guard let t = parseDuration(timeout) else {
            throw ValidationError("--timeout \(timeout): not a duration; use Go's form, e.g. 300s, 5m, 1m30s")
        }
        o.timeout = t
        o.rollbackOnFailure = rollbackOnFailure
        o.noHooks = noHooks
        o.cleanupOnFail = cleanupOnFail
        if let historyMax {
            o.historyMax = historyMax
        } else if let env = environmentValue("HELM_MAX_HISTORY"), let n = Int(env) {
            o.historyMax = n
        }
        o.dryRun = dryRunMode != .none
        o.force = force
        o.takeOwnership = takeOwnership
        o.description = description
        for pair in (labels ?? "").split(separator: ",") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty else { throw ValidationError("--labels \(pair): expected key=value") }
            guard !ReleaseSecret.systemLabels.contains(kv[0]) else {
                throw ValidationError("--labels \(kv[0]): this label is Helm's own (\(ReleaseSecret.systemLabels.sorted().joined(separator: ", "))); choose another key")
            }
            o.labels[kv[0]] = kv[1]
        }
        return o
    }
}

/// Go's `time.ParseDuration` for the units a timeout uses (h, m, s, ms); a bare number is seconds.
func parseDuration(_ text: String) -> Duration? {
    if let n = Double(text), n >= 0 { return .milliseconds(Int64(n * 1000)) }
    var total = 0.0
    var number = ""
    var chars = Array(text)
    guard !chars.isEmpty else { return nil }
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if c.isNumber || c == "." { number.append(c); i += 1; continue }
        guard let value = Double(number) else { return nil }
        number = ""
        if c == "m", i + 1 < chars.count, chars[i + 1] == "s" { total += value / 1000; i += 2; continue }
        switch c {
        case "h": total += value * 3600
        case "m": total += value * 60
        case "s": total += value
        default: return nil
        }
        i += 1
    }
    chars = []
    guard number.isEmpty else { return nil }
    return .milliseconds(Int64(total * 1000))
}

/// `-o table|json|yaml`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, yaml
}

/// Progress and warnings go to standard error, so standard output stays parseable.
func stderrLine(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

final class ReleaseTaskBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// Runs an operation on the cluster from a synchronous command. SIGINT/SIGTERM cancel it: the
/// engine then marks the revision failed before the command ends (a second signal exits at once).
/// A `ReleaseActionError` ends the process with its exit code (4 for a readiness timeout).
func runRelease<T: Sendable>(_ body: @escaping @Sendable (KubeClient) async throws -> T, kube: KubeOptions) throws -> T {
    let tracing = environmentValue("TARSCTL_TRACE") != nil
    if tracing { traceLine("client setup") }
    defer { if tracing { traceLine("done") } }
    let client: KubeClient
    do { client = try kube.client() } catch {
        stderrLine("Error: \(error)")
        Foundation.exit(1)
    }
    if tracing { traceLine(EarlyClient.adopted ? "client created (built ahead)" : "client created") }
    let semaphore = DispatchSemaphore(value: 0)
    let box = ReleaseTaskBox<T>()
    let task = Task {
        do { box.result = .success(try await body(client)) } catch { box.result = .failure(error) }
        // Every request has been answered by now: the command can report while the
        // connections close (the process may exit before they finish closing).
        semaphore.signal()
        await client.shutdown()
    }
    var sources: [DispatchSourceSignal] = []
    let signals = ReleaseTaskBox<Int>()
    signals.result = .success(0)
    for sig in [SIGINT, SIGTERM] {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler {
            let count = ((try? signals.result?.get()) ?? 0) + 1
            signals.result = .success(count)
            if count > 1 {
                stderrLine("interrupted again: exiting without cleaning up")
                Foundation.exit(130)
            }
            stderrLine("interrupted: stopping and marking the revision failed (press Ctrl-C again to exit at once)")
            task.cancel()
        }
        source.resume()
        sources.append(source)
    }
    semaphore.wait()
    for s in sources { s.cancel() }
    progressDisplay.finish()
    switch box.result {
    case .success(let v)?: return v
    case .failure(let e as ReleaseActionError)?:
        stderrLine("Error: \(e.description)")
        Foundation.exit(e.exitCode)
    case .failure(let e)?:
        stderrLine("Error: \(e)")
        Foundation.exit(1)
    case nil:
        stderrLine("Error: the operation ended without a result")
        Foundation.exit(1)
    }
}

// MARK: output

enum ReleaseText {
    /// Helm's `status`/`history` date: Go's ANSIC layout in the offset the record was written in.
    static func date(_ t: GoTime?) -> String {
        guard let t, !t.isGoZero else { return "" }
        return t.ansic
    }

    /// `helm list`'s UPDATED: Go's `Time.String()`; "-" when unset.
    static func listDate(_ t: GoTime?) -> String {
        guard let t, !t.isGoZero else { return "-" }
        return t.goString
    }

    static func chartName(_ r: Release) -> String {
        guard let c = r.chart else { return "" }
        return "\(c.name)-\(c.version)"
    }

    /// Helm's `status` text.
    static func status(_ r: Release, showNotes: Bool = true) -> String {
        var out = "NAME: \(r.name)\nLAST DEPLOYED: \(date(r.info?.lastDeployed))\nNAMESPACE: \(r.namespace)\nSTATUS: \(r.status.rawValue)\nREVISION: \(r.version)\n"
        if let d = r.info?.description, !d.isEmpty { out += "DESCRIPTION: \(d)\n" }
        // Test hooks that have run (`tarsctl test`), each with its last run; None without any.
        let tests = HookPlan.ordered(r.hooks, for: .test)
        if tests.isEmpty { out += "TEST SUITE: None\n" }
        for hook in tests where hook.lastRun.startedAt != nil {
            out += "TEST SUITE:     \(hook.name)\nLast Started:   \(date(hook.lastRun.startedAt))\n"
                + "Last Completed: \(date(hook.lastRun.completedAt))\nPhase:          \(hook.lastRun.phase)\n"
        }
        if r.status.isPending {
            out += "WARNING: this revision is \(r.status.rawValue): an operation is running, or one died without finishing "
                + "(clear it with `tarsctl rollback \(r.name) -n \(r.namespace) --recover-pending`).\n"
        }
        if showNotes, let notes = r.info?.notes, !notes.isEmpty { out += "NOTES:\n\(notes.hasSuffix("\n") ? notes : notes + "\n")" }
        return out
    }

    /// Columns padded as Helm's tables are (two spaces apart... Helm uses a tab and padding).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return all.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "\t").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    static func json(_ value: JSON) -> String { JSONWriter.string(value) + "\n" }

    /// JSON as block YAML, keys sorted; strings quoted when a plain scalar would read differently.
    static func yaml(_ value: JSON, indent: Int = 0) -> String {
        var out = ""
        emit(value, indent: indent, into: &out, inline: false)
        return out
    }

    private static func scalar(_ v: JSON) -> String? {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return quote(s)
        case .array(let a) where a.isEmpty: return "[]"
        case .object(let o) where o.isEmpty: return "{}"
        default: return nil
        }
    }

    static func quote(_ s: String) -> String {
        let plain = !s.isEmpty && s.range(of: #"^[A-Za-z_/][A-Za-z0-9_./-]*$"#, options: .regularExpression) != nil
            && !["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"].contains(s.lowercased())
        return plain ? s : JSONWriter.string(.string(s))
    }

    private static func emit(_ v: JSON, indent: Int, into out: inout String, inline: Bool) {
        let pad = String(repeating: "  ", count: indent)
        switch v {
        case .object(let o) where !o.isEmpty:
            for (n, k) in o.keys.sorted().enumerated() {
                let value = o[k]!
                out += (inline && n == 0 ? "" : pad) + quote(k) + ":"
                if let s = scalar(value) { out += " " + s + "\n" } else {
                    out += "\n"
                    emit(value, indent: indent + 1, into: &out, inline: false)
                }
            }
        case .array(let a) where !a.isEmpty:
            for item in a {
                out += pad + "-"
                if let s = scalar(item) { out += " " + s + "\n" } else if case .object = item {
                    out += " "
                    emit(item, indent: indent + 1, into: &out, inline: true)
                } else {
                    out += "\n"
                    emit(item, indent: indent + 1, into: &out, inline: false)
                }
            }
        default:
            out += pad + (scalar(v) ?? "") + "\n"
        }
    }
}

/// Loads a chart and the user's values for install, upgrade and diff.
func loadChartAndValues(_ path: String, _ values: ValuesOptions) throws -> (Chart, [String: Value]) {
    (try Chart.load(path: path), try values.userValues())
}

/// Standard output through stdio: a closed pipe (`| head`) ends the write quietly instead of
/// trapping as `FileHandle.write` does.
func writeOut(_ s: String) {
    print(s, terminator: "")
}

/// One environment variable. `ProcessInfo.environment` builds a dictionary of all of them
/// on every call; a command asks for single variables several times on its critical path.
func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// Milliseconds since the process started (Linux: from /proc/self/stat), for `TARSCTL_TRACE`.
func traceLine(_ phase: String) {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    let nowTicks = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    var started = nowTicks
    if let t0 = environmentValue("TARSCTL_T0").flatMap(Double.init) {
        var rt = timespec()
        clock_gettime(CLOCK_REALTIME, &rt)
        stderrLine("trace: \(String(format: "%.1f", (Double(rt.tv_sec) * 1e9 + Double(rt.tv_nsec) - t0) / 1e6)) ms \(phase)")
        return
    }
    if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
       let close = stat.lastIndex(of: ")") {
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.count > 19, let ticks = Double(fields[19]) { started = ticks / Double(sysconf(Int32(_SC_CLK_TCK))) }
    }
    stderrLine("trace: \(Int((nowTicks - started) * 1000)) ms \(phase)")
}

/// On a terminal, what the wait is waiting for is shown as a live block under the log: one line
/// per pending object with its reason, redrawn in place; other lines scroll above it. Off a
/// terminal every line is printed as it comes (plain log lines).
final class ProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [(key: String, reason: String)] = []
    private var drawn = 0
    let live: Bool

    init(live: Bool = isatty(STDERR_FILENO) == 1 && environmentValue("TERM") != "dumb") {
        self.live = live
    }

    func handle(_ line: String) {
        guard live else { return stderrLine(line) }
        lock.lock()
        defer { lock.unlock() }
        var out = clear()
        if line.hasPrefix("waiting: ") {
            let body = String(line.dropFirst("waiting: ".count))
            let parts = body.components(separatedBy: ": ")
            let key = parts.first ?? body
            let reason = parts.dropFirst().joined(separator: ": ")
            if let i = pending.firstIndex(where: { $0.key == key }) { pending[i].reason = reason } else { pending.append((key, reason)) }
        } else if line.hasPrefix("ready: ") {
            let key = String(line.dropFirst("ready: ".count))
            if let i = pending.firstIndex(where: { $0.key == key }) {
                pending.remove(at: i)
                out += line + "\n"
            }
        } else {
            if line.hasPrefix("waiting for ") || line.contains(" complete: ") || line.hasPrefix("timed out") { pending.removeAll() }
            out += line + "\n"
        }
        for p in pending { out += "\u{1B}[2K  \u{1B}[33m…\u{1B}[0m \(p.key): \(p.reason)\n" }
        drawn = pending.count
        FileHandle.standardError.write(Data(out.utf8))
    }

    /// Erases the block drawn last (cursor up, clear each line).
    private func clear() -> String {
        guard drawn > 0 else { return "" }
        return String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawn)
    }

    /// Removes the block before the final message.
    func finish() {
        guard live else { return }
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data(clear().utf8))
        drawn = 0
        pending.removeAll()
    }
}

let progressDisplay = ProgressDisplay()

/// Helm 4's `--dry-run[=none|client|server]`.
enum DryRunMode: String {
    case none, client, server

    /// nil: the flag was not given. `true`/`false` are Helm 3's spellings of client/none.
    init(flag: String?) throws {
        switch flag {
        case nil, "none", "false": self = .none
        case "", "client", "true": self = .client
        case "server": self = .server
        case let v?: throw ValidationError("invalid value \"\(v)\" for --dry-run: use client, server or none (a bare --dry-run means client)")
        }
    }
}

/// ArgumentParser has no option with an optional value, so `--wait[=MODE]`, `--dry-run[=MODE]`
/// and a bare `--server-side` are rewritten before parsing for the commands taking them.
enum ReleaseArguments {
    static let commands: Set<String> = ["install", "upgrade", "rollback"]

    static func rewrite(_ args: [String]) -> [String] {
        guard let first = args.first, commands.contains(first) else { return args }
        var out: [String] = []
        var rest = false
        for a in args {
            if rest || a == "--" { rest = true; out.append(a); continue }
            if a == "--wait" {
                out += ["--wait-mode", "watcher"]
            } else if a.hasPrefix("--wait=") {
                out += ["--wait-mode", String(a.dropFirst("--wait=".count))]
            } else if a == "--dry-run" {
                out += ["--dry-run-mode", "client"]
            } else if a.hasPrefix("--dry-run=") {
                out += ["--dry-run-mode", String(a.dropFirst("--dry-run=".count))]
            } else if a == "--server-side" {
                out += ["--server-side", "true"]
            } else {
                out.append(a)
            }
        }
        return out
    }
}
