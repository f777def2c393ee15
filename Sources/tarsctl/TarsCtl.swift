import ArgumentParser
import ChartRender
import Foundation

@main
struct TarsCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tarsctl",
        abstract: "Render, validate and deploy Helm-style charts to Kubernetes.",
        version: ChartRender.version,
        subcommands: [Template.self, Tpl.self, Lint.self, Validate.self, SandboxCommand.self] + ReleaseCommands.all
    )

    /// Exit codes from DESIGN.md: 0 ok, 1 the operation failed, 2 usage error, 3 validation problems.
    static func main() {
        if environmentValue("TARSCTL_TRACE") != nil { traceLine("main entered") }
        do {
            let args = CommandLine.arguments.dropFirst()
            if args.first == "tpl", let a = Tpl.simpleArguments(args.dropFirst()) {
                try Tpl.render(files: a.files, data: a.data, name: a.name, missingkey: a.missingkey)
                return
            }
            EarlyClient.start(Array(args))
            var command = try parseAsRoot(ReleaseArguments.rewrite(Array(args)))
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 64 || error is ValidationError {
                let text = fullMessage(for: error)
                if code == .success {
                    print(text)
                    Foundation.exit(0)
                }
                FileHandle.standardError.write(Data((text + "\n").utf8))
                Foundation.exit(2)
            }
            // A command that reports its own outcome (lint/validate: 3 when problems were found).
            if error is ExitCode { Foundation.exit(code.rawValue) }
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }
}
