import ArgumentParser
import ChartRender
import Foundation
import KubeClient
import Releases

/// The release subcommands, registered in TarsCtl.
enum ReleaseCommands {
    static let all: [ParsableCommand.Type] = [Install.self, Upgrade.self, Rollback.self, Uninstall.self, History.self, Status.self, List.self,
                                              Get.self, Diff.self, TestRelease.self]
}

private func engine(_ client: KubeClient) -> ReleaseEngine {
    var trace: (@Sendable (String) -> Void)?
    if environmentValue("TARSCTL_TRACE") != nil {
        trace = { phase in traceLine(phase) }
    }
    return ReleaseEngine(client: client, log: { progressDisplay.handle($0) }, trace: trace)
}

private func printRelease(_ r: Release, output: OutputFormat, dryRun: Bool = false) {
    switch output {
    case .table:
        var text = ReleaseText.status(r)
        if dryRun { text += "HOOKS:\n" + r.hooks.map { "---\n# Source: \($0.path)\n\($0.manifest)\n" }.joined() + "MANIFEST:\n" + r.manifest }
        writeOut(text)
    case .json: writeOut(ReleaseText.json(releaseJSON(r)))
    case .yaml: writeOut(ReleaseText.yaml(releaseJSON(r)))
    }
}

/// The release as Helm's `-o json` shows it (the stored record).
private func releaseJSON(_ r: Release) -> JSON {
    (try? JSONParser.parse(ReleaseCodec.encode(r))) ?? .null
}

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "install", abstract: "Install a chart as a new release (revision 1), waiting until it is ready.")
    @Argument(help: "Release name.") var name: String
    @Argument(help: "Chart directory or .tgz.") var chart: String
    @OptionGroup var valuesOptions: ValuesOptions
    @OptionGroup var kube: KubeOptions
    @OptionGroup var flags: ActionFlags
    @Flag(name: .customLong("create-namespace"), help: "Create the release namespace if it does not exist.") var createNamespace = false
    @Option(name: [.short, .long], help: "Output format: table, json, yaml.") var output: OutputFormat = .table

    func run() throws {
        var options = try flags.options()
        options.createNamespace = createNamespace
        if environmentValue("TARSCTL_TRACE") != nil { traceLine("arguments parsed") }
        let (chart, values) = try loadChartAndValues(self.chart, valuesOptions)
        let (name, output, dry, mode) = (self.name, self.output, flags.dryRun, flags.dryRunMode)
        let opts = options
        let r: Release
        if mode == .client {
            // Helm's client dry run: rendered here, the cluster is never contacted.
            r = try ClientDryRun.install(name: name, namespace: try kube.client().defaultNamespace, chart: chart, values: values, labels: opts.labels,
                                      applyMethod: opts.serverSide.method(following: nil))
        } else {
            r = try runRelease({ client in
                try await engine(client).install(name: name, namespace: client.defaultNamespace, chart: chart, values: values, options: opts)
            }, kube: kube)
        }
        printRelease(r, output: output, dryRun: dry)
        if environmentValue("TARSCTL_TRACE") != nil { traceLine("printed") }
    }
}

struct Upgrade: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upgrade", abstract: "Upgrade a release to a chart and values; records no revision when nothing changes.")
    @Argument(help: "Release name.") var name: String
    @Argument(help: "Chart directory or .tgz.") var chart: String
    @OptionGroup var valuesOptions: ValuesOptions
    @OptionGroup var kube: KubeOptions
    @OptionGroup var flags: ActionFlags
    @Flag(name: [.short, .customLong("install")], help: "Install the release if it does not exist.") var install = false
    @Flag(name: .customLong("create-namespace"), help: "With --install: create the namespace if it does not exist.") var createNamespace = false
    @Flag(help: "Print the diff against the live objects before applying.") var diff = false
    @Flag(name: .customLong("reuse-values"), help: "Merge the new values over the last revision's user values.") var reuseValues = false
    @Flag(name: .customLong("reset-values"), help: "Use only the chart's defaults and the new values (the default).") var resetValues = false
    @Flag(name: .customLong("reset-then-reuse-values"), help: "As --reuse-values, with the new chart's defaults.") var resetThenReuseValues = false
    @Flag(name: .customLong("show-secrets"), help: "Show Secret values in the diff.") var showSecrets = false
    @Flag(help: "Show the diff (as --diff) and ask y/N on the terminal before applying.") var confirm = false
    @Option(name: [.short, .long], help: "Output format: table, json, yaml.") var output: OutputFormat = .table

    func run() throws {
        var options = try flags.options()
        options.createNamespace = createNamespace
        if resetValues && (reuseValues || resetThenReuseValues) {
            throw ValidationError("--reset-values cannot be combined with --reuse-values or --reset-then-reuse-values")
        }
        if reuseValues && resetThenReuseValues {
            throw ValidationError("--reuse-values cannot be combined with --reset-then-reuse-values; choose one")
        }
        if confirm && isatty(STDIN_FILENO) != 1 {
            throw ValidationError("--confirm asks before applying, but standard input is not a terminal; review the changes with `tarsctl diff upgrade \(name) \(self.chart)` and run the upgrade without --confirm")
        }
        // --reset-then-reuse-values: the new chart's defaults, then the last release's user values,
        // then the new flags (the engine's reuseValues).
        options.reuseValues = resetThenReuseValues
        var (chart, values) = try loadChartAndValues(self.chart, valuesOptions)
        let mode = flags.dryRunMode
        let (name, install, diff, showSecrets, confirm) = (self.name, self.install, self.diff || self.confirm, self.showSecrets, self.confirm)
        if reuseValues {
            // --reuse-values: the last release's chart defaults and user values, the new flags over them.
            let current = try runRelease({ client in
                let h = try await engine(client).history(name: name, namespace: client.defaultNamespace)
                return h.last { $0.status == .deployed } ?? h.last
            }, kube: kube)
            if let current {
                let resolved = ValuesReuse.reuse.resolve(given: values, current: current)
                values = resolved.user
                if let defaults = resolved.chartDefaults { chart.values = defaults }
            }
        }
        let opts = options
        let color = isatty(STDOUT_FILENO) == 1
        let (finalChart, finalValues) = (chart, values)
        if confirm {
            let d = try runRelease({ client in
                try await engine(client).diffUpgrade(name: name, namespace: client.defaultNamespace, chart: finalChart, values: finalValues, options: opts,
                                                     diffOptions: DiffOptions(showSecrets: showSecrets, color: color, desiredLabel: "upgrade"))
            }, kube: kube)
            writeOut(d.render())
            if !d.isEmpty {
                writeOut("Apply these changes to release \"\(name)\"? [y/N] ")
                let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "y" || answer == "yes" else {
                    stderrLine("Upgrade of \"\(name)\" cancelled at the prompt; nothing was changed.")
                    throw ExitCode(1)
                }
            }
        }
        let outcome = try runRelease({ client in
            let e = engine(client)
            if diff && !confirm {
                let d = try await e.diffUpgrade(name: name, namespace: client.defaultNamespace, chart: finalChart, values: finalValues, options: opts,
                                                diffOptions: DiffOptions(showSecrets: showSecrets, color: color, desiredLabel: "upgrade"))
                writeOut(d.render())
            }
            let outcome = try await e.upgrade(name: name, namespace: client.defaultNamespace, chart: finalChart, values: finalValues, options: opts, install: install)
            if mode == .server { try await e.serverDryRun(outcome.release, options: opts) }
            return outcome
        }, kube: kube)
        if outcome.unchanged {
            writeOut("Release \"\(name)\" has no changes: revision \(outcome.release.version) stays deployed (use --force to record a new revision).\n")
            return
        }
        if output == .table && !flags.dryRun {
            writeOut(outcome.release.info?.status == .deployed && outcome.release.version == 1 && install
                ? "Release \"\(name)\" does not exist. Installed it now.\n" : "Release \"\(name)\" has been upgraded. Happy Helming!\n")
        }
        printRelease(outcome.release, output: output, dryRun: flags.dryRun)
    }
}

struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "Roll a release back to an earlier revision (default: the previous one) as a new revision.")
    @Argument(help: "Release name.") var name: String
    @Argument(help: "Revision to restore (default: the one before the current).") var revision: Int?
    @OptionGroup var kube: KubeOptions
    @OptionGroup var flags: ActionFlags
    @Flag(name: .customLong("recover-pending"), help: "Mark a revision left pending by a crashed process failed, then roll back.") var recoverPending = false

    func run() throws {
        let options = try flags.options()
        let (name, revision, recover) = (self.name, self.revision, recoverPending)
        let r = try runRelease({ client in
            try await engine(client).rollback(name: name, namespace: client.defaultNamespace, revision: revision, options: options, recoverPending: recover)
        }, kube: kube)
        print("Rollback was a success! Happy Helming! (revision \(r.version) restores revision \(r.info?.rollbackRevision ?? 0))")
    }
}

struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uninstall", abstract: "Uninstall a release: pre-delete hooks, delete its objects, post-delete hooks.")
    @Argument(help: "Release name.") var name: String
    @OptionGroup var kube: KubeOptions
    @Flag(name: .customLong("keep-history"), help: "Keep the release records (status uninstalled).") var keepHistory = false
    @Flag(name: .customLong("no-hooks"), help: "Do not run hooks.") var noHooks = false
    @Flag(name: .customLong("ignore-not-found"), help: "Succeed when the release does not exist.") var ignoreNotFound = false
    @Flag(name: .customLong("wait"), help: "Wait until the objects are gone.") var wait = false
    @Option(help: "Time allowed, e.g. 5m.") var timeout: String = "5m"
    @Flag(name: .customLong("dry-run"), help: "Show what would be uninstalled.") var dryRun = false
    @Option(help: "How dependents are deleted: background, foreground or orphan.") var cascade: String = "background"

    func run() throws {
        var options = ReleaseActionOptions()
        switch cascade {
        case "background": options.cascade = .background
        case "foreground": options.cascade = .foreground
        case "orphan": options.cascade = .orphan
        default: throw ValidationError("--cascade \(cascade): use background, foreground or orphan")
        }
        options.keepHistory = keepHistory
        options.noHooks = noHooks
        options.wait = wait
        options.dryRun = dryRun
        guard let t = parseDuration(timeout) else { throw ValidationError("--timeout \(timeout): not a duration; use e.g. 300s or 5m") }
        options.timeout = t
        let (name, ignore, opts) = (self.name, ignoreNotFound, options)
        let r: Release? = try runRelease({ client in
            do {
                return try await engine(client).uninstall(name: name, namespace: client.defaultNamespace, options: opts)
            } catch let e as ReleaseActionError where e.kind == .usage && ignore {
                return nil
            }
        }, kube: kube)
        if r == nil {
            print("release \"\(name)\" not found; nothing to uninstall")
        } else {
            print("release \"\(name)\" uninstalled" + (keepHistory ? " (history kept)" : ""))
        }
    }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Show a release's revisions.")
    @Argument(help: "Release name.") var name: String
    @OptionGroup var kube: KubeOptions
    @Option(help: "Show at most this many revisions (newest).") var max: Int = 256
    @Option(name: [.short, .long], help: "Output format: table, json, yaml.") var output: OutputFormat = .table

    func run() throws {
        let name = self.name
        let history = try runRelease({ client in
            let h = try await engine(client).history(name: name, namespace: client.defaultNamespace)
            if h.isEmpty { throw ReleaseActionError(.usage, "release \"\(name)\" not found in namespace \"\(client.defaultNamespace)\"") }
            return h
        }, kube: kube).suffix(max)
        let items: [JSON] = history.map { r in
            ["revision": .int(Int64(r.version)), "updated": .string(ReleaseText.listDate(r.info?.lastDeployed)), "status": .string(r.status.rawValue),
             "chart": .string(ReleaseText.chartName(r)), "app_version": .string(r.chart?.appVersion ?? ""), "description": .string(r.info?.description ?? "")]
        }
        switch output {
        case .json: print(ReleaseText.json(.array(items)), terminator: "")
        case .yaml: print(ReleaseText.yaml(.array(items)), terminator: "")
        case .table:
            print(ReleaseText.table(["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"], history.map { r in
                [String(r.version), ReleaseText.date(r.info?.lastDeployed), r.status.rawValue, ReleaseText.chartName(r), r.chart?.appVersion ?? "", r.info?.description ?? ""]
            }), terminator: "")
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show a release's current revision.")
    @Argument(help: "Release name.") var name: String
    @OptionGroup var kube: KubeOptions
    @Option(help: "Show this revision instead of the newest.") var revision: Int?
    @Option(name: [.short, .long], help: "Output format: table, json, yaml.") var output: OutputFormat = .table

    func run() throws {
        let (name, revision) = (self.name, self.revision)
        let r = try runRelease({ client in
            let h = try await engine(client).history(name: name, namespace: client.defaultNamespace)
            guard let r = revision.map({ v in h.first { $0.version == v } }) ?? h.last else {
                throw ReleaseActionError(.usage, "release \"\(name)\"\(revision.map { " revision \($0)" } ?? "") not found in namespace \"\(client.defaultNamespace)\"")
            }
            return r
        }, kube: kube)
        printRelease(r, output: output)
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List releases (deployed and failed unless told otherwise).")
    @OptionGroup var kube: KubeOptions
    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "List releases in every namespace.") var allNamespaces = false
    @Flag(name: [.short, .long], help: "Show releases in every status.") var all = false
    @Flag(help: "Show deployed releases.") var deployed = false
    @Flag(help: "Show failed releases.") var failed = false
    @Flag(help: "Show pending releases.") var pending = false
    @Flag(help: "Show superseded releases.") var superseded = false
    @Flag(help: "Show uninstalled releases (history kept).") var uninstalled = false
    @Flag(help: "Show releases being uninstalled.") var uninstalling = false
    @Option(name: [.short, .long], help: "Only releases whose name matches this regular expression.") var filter: String?
    @Option(name: [.short, .long], help: "Output format: table, json, yaml.") var output: OutputFormat = .table

    func run() throws {
        let every = allNamespaces
        var releases = try runRelease({ client in
            try await SecretRecordStore(client: client).latestOfAll(namespace: every ? nil : client.defaultNamespace)
        }, kube: kube)
        var wanted = Set<ReleaseStatus>()
        if deployed { wanted.insert(.deployed) }
        if failed { wanted.insert(.failed) }
        if pending { wanted.formUnion([.pendingInstall, .pendingUpgrade, .pendingRollback]) }
        if superseded { wanted.insert(.superseded) }
        if uninstalled { wanted.insert(.uninstalled) }
        if uninstalling { wanted.insert(.uninstalling) }
        if wanted.isEmpty { wanted = [.deployed, .failed] }  // Helm's default
        if !all { releases = releases.filter { wanted.contains($0.status) } }
        if let filter {
            releases = releases.filter { $0.name.range(of: filter, options: .regularExpression) != nil }
        }
        let items: [JSON] = releases.map { r in
            ["name": .string(r.name), "namespace": .string(r.namespace), "revision": .string(String(r.version)),
             "updated": .string(ReleaseText.listDate(r.info?.lastDeployed)), "status": .string(r.status.rawValue),
             "chart": .string(ReleaseText.chartName(r)), "app_version": .string(r.chart?.appVersion ?? "")]
        }
        switch output {
        case .json: print(ReleaseText.json(.array(items)), terminator: "")
        case .yaml: print(ReleaseText.yaml(.array(items)), terminator: "")
        case .table:
            print(ReleaseText.table(["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"], releases.map { r in
                [r.name, r.namespace, String(r.version), ReleaseText.listDate(r.info?.lastDeployed), r.status.rawValue, ReleaseText.chartName(r), r.chart?.appVersion ?? ""]
            }), terminator: "")
        }
    }
}

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show parts of a stored release.", subcommands: [GetManifest.self, GetValues.self, GetNotes.self, GetHooks.self, GetMetadata.self])
}

struct GetTarget: ParsableArguments {
    @Argument(help: "Release name.") var name: String
    @Option(help: "Revision (default: the newest).") var revision: Int?
    @OptionGroup var kube: KubeOptions

    func load() throws -> Release {
        let (name, revision) = (self.name, self.revision)
        return try runRelease({ client in
            let h = try await SecretRecordStore(client: client).history(name: name, namespace: client.defaultNamespace)
            guard let r = revision.map({ v in h.first { $0.version == v } }) ?? h.last else {
                throw ReleaseActionError(.usage, "release \"\(name)\"\(revision.map { " revision \($0)" } ?? "") not found in namespace \"\(client.defaultNamespace)\"")
            }
            return r
        }, kube: kube)
    }
}

struct GetManifest: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "manifest", abstract: "The manifest a revision applied.")
    @OptionGroup var target: GetTarget
    func run() throws { writeOut(try target.load().manifest) }
}

struct GetNotes: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "notes", abstract: "The NOTES.txt a revision rendered.")
    @OptionGroup var target: GetTarget
    func run() throws { print("NOTES:\n" + (try target.load().info?.notes ?? "")) }
}

struct GetHooks: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hooks", abstract: "The hooks of a revision.")
    @OptionGroup var target: GetTarget
    func run() throws {
        let r = try target.load()
        writeOut(r.hooks.map { "---\n# Source: \($0.path)\n\($0.manifest)\n" }.joined())
    }
}

struct GetMetadata: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metadata", abstract: "Name, chart, revision and status of a revision.")
    @OptionGroup var target: GetTarget
    @Option(name: [.short, .long], help: "Output format: table, json, yaml.") var output: OutputFormat = .table

    func run() throws {
        let r = try target.load()
        let fields: [(String, String)] = [("name", r.name), ("chart", r.chart?.name ?? ""), ("version", r.chart?.version ?? ""),
                                          ("app_version", r.chart?.appVersion ?? ""), ("namespace", r.namespace), ("revision", String(r.version)),
                                          ("status", r.status.rawValue), ("deployed_at", r.info?.lastDeployed.map(String.init(describing:)) ?? "")]
        let json = JSON.object(Dictionary(uniqueKeysWithValues: fields.map { ($0.0, $0.0 == "revision" ? JSON.int(Int64(r.version)) : JSON.string($0.1)) }))
        switch output {
        case .json: writeOut(ReleaseText.json(json))
        case .yaml: writeOut(ReleaseText.yaml(json))
        case .table: writeOut(fields.map { "\($0.0.uppercased().replacingOccurrences(of: "_", with: " ")): \($0.1)\n" }.joined())
        }
    }
}

struct GetValues: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "values", abstract: "The values a revision was deployed with (user-supplied, or --all computed).")
    @OptionGroup var target: GetTarget
    @Flag(name: [.short, .long], help: "All values: the chart's defaults merged with the user's.") var all = false
    @Option(name: [.short, .long], help: "Output format: table, json, yaml.") var output: OutputFormat = .table

    func run() throws {
        let r = try target.load()
        var values = JSON.object(r.config)
        if all { values = merge(r.chart?.values ?? .object([:]), values) }
        switch output {
        case .json: print(ReleaseText.json(values), terminator: "")
        case .yaml: print(ReleaseText.yaml(values), terminator: "")
        case .table: print((all ? "COMPUTED VALUES:\n" : "USER-SUPPLIED VALUES:\n") + (r.config.isEmpty && !all ? "null\n" : ReleaseText.yaml(values)), terminator: "")
        }
    }

    private func merge(_ base: JSON, _ over: JSON) -> JSON {
        guard case .object(var b) = base, case .object(let o) = over else { return over }
        for (k, v) in o { b[k] = v.isNull ? nil : (b[k].map { merge($0, v) } ?? v) }
        return .object(b)
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "diff", abstract: "Show what an operation would change, object by object, against the live objects.", subcommands: [DiffUpgrade.self])
}

struct DiffUpgrade: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upgrade", abstract: "Diff an upgrade against the live objects (Secret values redacted unless --show-secrets).")
    @Argument(help: "Release name.") var name: String
    @Argument(help: "Chart directory or .tgz.") var chart: String
    @OptionGroup var valuesOptions: ValuesOptions
    @OptionGroup var kube: KubeOptions
    @Flag(name: .customLong("show-secrets"), help: "Show Secret values.") var showSecrets = false
    @Option(name: .customLong("context"), help: "Lines of context around each change.") var contextLines: Int = 3
    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when there are changes.") var detailedExitCode = false

    func run() throws {
        let (chart, values) = try loadChartAndValues(self.chart, valuesOptions)
        let (name, show, lines) = (self.name, showSecrets, contextLines)
        let color = isatty(STDOUT_FILENO) == 1
        let d = try runRelease({ client in
            try await engine(client).diffUpgrade(name: name, namespace: client.defaultNamespace, chart: chart, values: values, options: ReleaseActionOptions(),
                                                 diffOptions: DiffOptions(showSecrets: show, color: color, context: lines, desiredLabel: "upgrade"))
        }, kube: kube)
        writeOut(d.render())
        if !d.isEmpty { stderrLine(d.summary) }
        if detailedExitCode && !d.isEmpty { Foundation.exit(2) }
    }
}

struct TestRelease: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Run a release's test hooks (helm.sh/hook: test) and report each one's phase.")
    @Argument(help: "Release name.") var name: String
    @OptionGroup var kube: KubeOptions
    @Option(help: "Time allowed for all tests, e.g. 90s, 5m.") var timeout: String = "5m"
    @Flag(name: .customLong("hide-notes"), help: "Do not print the release's NOTES.") var hideNotes = false
    @Flag(help: "After the tests, print each test Pod's log (read before the delete policies remove the Pods).") var logs = false
    @Option(help: "Select tests by name: name=NAME runs only NAME, !name=NAME skips it; repeat the flag or separate with commas.")
    var filter: [String] = []

    func validate() throws {
        do { _ = try ReleaseTestFilter(parsing: filter) } catch let e as ReleaseActionError { throw ValidationError(e.description) }
    }

    func run() throws {
        var options = ReleaseActionOptions()
        guard let t = parseDuration(timeout) else { throw ValidationError("--timeout \(timeout): not a duration; use e.g. 300s or 5m") }
        options.timeout = t
        let test = ReleaseTestOptions(filter: try ReleaseTestFilter(parsing: filter), logs: logs)
        let (name, opts, hideNotes) = (self.name, options, self.hideNotes)
        let outcome = try runRelease({ client in
            try await engine(client).test(name: name, namespace: client.defaultNamespace, options: opts, test: test)
        }, kube: kube)
        // Helm prints the status with the tests that ran (later ones after a failure did not),
        // then, with --logs, a blank line and each test Pod's log.
        var out = ReleaseText.status(outcome.release, showNotes: !hideNotes)
        if logs { out += "\n" + outcome.logs.filter { $0.error == nil }.map(\.rendered).joined() }
        writeOut(out)
        if let failure = outcome.failure { stderrLine("Error: \(failure.description)") }
        let unread = outcome.logs.compactMap(\.error)
        for why in unread { stderrLine("Error: \(why)") }
        if let failure = outcome.failure { throw ExitCode(failure.exitCode) }
        if !unread.isEmpty { throw ExitCode(1) }
    }
}
