import Foundation
import Logging

/// One JSON object per line on stdout: timestamp, level, logger, message and metadata.
/// Call sites never put tokens, passwords or query text in metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) { fields[key] = "\(value)" }
        fields["timestamp"] = Date().formatted(.iso8601)
        fields["level"] = level.rawValue
        fields["logger"] = label
        fields["message"] = message.description
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(fields) else { return }
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}

extension ServerConfiguration {
    /// Installs the process-wide log handler chosen by `LOG_FORMAT` and `LOG_LEVEL`.
    public func bootstrapLogging() {
        let level = logLevel
        switch logFormat {
        case .json: LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        case .text: LoggingSystem.bootstrap { var handler = StreamLogHandler.standardOutput(label: $0); handler.logLevel = level; return handler }
        }
    }
}
