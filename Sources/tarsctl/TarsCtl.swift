import ArgumentParser
import ChartRender

@main
struct TarsCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tarsctl",
        abstract: "Render, validate and deploy Helm-style charts to Kubernetes.",
        version: ChartRender.version,
        subcommands: []
    )
}
