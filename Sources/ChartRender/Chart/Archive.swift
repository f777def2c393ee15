import Foundation

extension Chart {
    /// Loads a packaged chart (`.tgz`): unpacks it with the system's tar into a temporary
    /// directory, loads the single chart directory inside, and removes the temporary files.
    public static func load(archive path: String) throws -> Chart {
        let fm = FileManager.default
        let tmp = fm.temporaryDirectory.appendingPathComponent("tarsctl-chart-\(UUID().uuidString)")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: tmp) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xzf", path, "-C", tmp.path, "--no-same-owner", "--no-same-permissions"]
        let err = Pipe()
        tar.standardError = err
        do { try tar.run() } catch {
            throw LoadError(description: "\(path): cannot run tar to unpack the chart archive (\(error)); install tar or unpack it into charts/")
        }
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else {
            throw LoadError(description: "\(path): not a valid chart archive: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let dirs = ((try? fm.contentsOfDirectory(atPath: tmp.path)) ?? []).filter {
            fm.fileExists(atPath: tmp.appendingPathComponent($0).appendingPathComponent("Chart.yaml").path)
        }
        guard dirs.count == 1 else {
            throw LoadError(description: "\(path): a chart archive must hold exactly one directory with a Chart.yaml (found \(dirs.count))")
        }
        return try load(directory: tmp.appendingPathComponent(dirs[0]).path)
    }
}
