import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TarsServer

@main
struct TarsServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tars-server",
        abstract: "The T.A.R.S. retrieval backend. Configuration comes from environment variables only.",
        subcommands: [Serve.self, Migrate.self],
        defaultSubcommand: Serve.self
    )
}

/// Loads the configuration from the environment and sets up logging, or exits with the reason.
func loadConfiguration() throws -> ServerConfiguration {
    do {
        let configuration = try ServerConfiguration(environment: ProcessInfo.processInfo.environment)
        configuration.bootstrapLogging()
        return configuration
    } catch let error as ConfigurationError {
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        throw ExitCode(2)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the HTTP API on HOST:PORT (and metrics on METRICS_PORT).")

    func run() async throws {
        let configuration = try loadConfiguration()
        let app = try await buildApplication(configuration: configuration)
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations, then exit (the chart's migration hook).")

    func run() async throws {
        let configuration = try loadConfiguration()
        var logger = Logger(label: "tars-server.migrate")
        logger.logLevel = configuration.logLevel
        do {
            let applied = try await migrateDatabase(configuration: configuration, logger: logger)
            logger.info("migrations finished", metadata: ["applied": "\(applied)"])
        } catch {
            logger.error("migration failed", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}
