import KubeClient
import ArgumentParser
import ChartRender
import Foundation

/// `tarsctl tpl`: execute raw templates with data as dot, like the gotpl oracle without `-helm`.
struct Tpl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tpl",
        abstract: "Execute raw Go templates with Helm's functions (no chart, no YAML post-processing).",
        discussion: "All files form one template set named by their paths; the first runs unless --name is given."
    )

    @Argument(help: "Template files.") var files: [String]
    @Option(help: "Data for dot: a JSON or YAML file (YAML as Helm loads values).") var data: String?
    @Option(help: "The template to execute (default: the first file).") var name: String?
    @Option(help: "Missing map keys: zero (Helm), default or error.") var missingkey: MissingKey = .zero

    func run() throws {
        try Tpl.render(files: files, data: data, name: name, missingkey: missingkey)
    }

    static func render(files: [String], data: String?, name: String?, missingkey: MissingKey) throws {
        let dot: Value
        if let data {
            dot = try CLIInput.loadData(path: data)
        } else {
            dot = .null
        }
        var set = TemplateSet(functions: FunctionLibrary.standard(), missingKey: missingkey)
        // Files are read and parsed in parallel; the error reported is the first in file order,
        // as reading and parsing them one by one would find.
        if let failure = set.parseAll(names: files, load: { [files] in try CLIInput.readText(files[$0]) }) {
            throw failure.error
        }
        let (templateSet, entry) = (set, name ?? files[0])
        let output = try LargeStack.run {
            do {
                return try templateSet.execute(entry, data: dot)
            } catch let error as TemplateError {
                FileHandle.standardOutput.write(Data(error.partialOutput.utf8))
                throw error
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    /// The arguments of `tpl` when they are only files and `--data`/`--name`/`--missingkey` with
    /// a value, each option at most once; nil for anything else (help, `--opt=value`, `--`, a bad
    /// value), which ArgumentParser then handles. ArgumentParser spends time proportional to the
    /// values already parsed on each value of an array argument, so 1,000 files cost 1,000² steps
    /// (about a third of rendering them); this subset means exactly what ArgumentParser reads.
    static func simpleArguments(_ args: ArraySlice<String>) -> (files: [String], data: String?, name: String?, missingkey: MissingKey)? {
        var files: [String] = []
        var options: [String: String] = [:]
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i]
            if a.hasPrefix("-") {
                guard ["--data", "--name", "--missingkey"].contains(a), options[a] == nil, i + 1 < args.endIndex,
                      !args[i + 1].hasPrefix("-") else { return nil }
                options[a] = args[i + 1]
                i += 2
            } else {
                files.append(a)
                i += 1
            }
        }
        var missingkey = MissingKey.zero
        if let m = options["--missingkey"] {
            guard let k = MissingKey(rawValue: m) else { return nil }
            missingkey = k
        }
        guard !files.isEmpty else { return nil }
        return (files, options["--data"], options["--name"], missingkey)
    }
}

extension MissingKey: ExpressibleByArgument {}
