import ArgumentParser
import ChartRender
import Foundation

/// `tarsctl tpl`: execute raw templates with data as dot, like the gotpl oracle without `-helm`.
struct Tpl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute raw Go templates with Helm's functions (no chart, no YAML post-processing).",
        discussion: "All files form one template set named by their paths; the first runs unless --name is given."
    )

    @Argument(help: "Template files.") var files: [String]
    @Option(help: "Data for dot: a JSON or YAML file (YAML as Helm loads values).") var data: String?
    @Option(help: "The template to execute (default: the first file).") var name: String?
    @Option(help: "Missing map keys: zero (Helm), default or error.") var missingkey: MissingKey = .zero

    func run() throws {
        let dot: Value
        if let data {
            dot = try CLIInput.loadData(path: data)
        } else {
            dot = .null
        }
        var set = TemplateSet(functions: FunctionLibrary.standard(), missingKey: missingkey)
        for f in files {
            try set.parse(name: f, text: try CLIInput.readText(f))
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
}

extension MissingKey: ExpressibleByArgument {}
