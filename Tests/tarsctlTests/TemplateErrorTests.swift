import Foundation
import Testing

/// A throwaway chart on disk, written from a dictionary of relative path → contents.
struct TempChart {
    let dir: URL

    init(_ files: [String: String], raw: [String: [UInt8]] = [:]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarsctl-chart-\(UUID().uuidString)")
        var all = files
        if all["Chart.yaml"] == nil { all["Chart.yaml"] = "apiVersion: v2\nname: demo\nversion: 0.1.0\n" }
        for (rel, text) in all { try write(rel, Array(text.utf8)) }
        for (rel, bytes) in raw { try write(rel, bytes) }
    }

    private func write(_ rel: String, _ bytes: [UInt8]) throws {
        let url = dir.appendingPathComponent(rel)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func path(_ rel: String = "") -> String { rel.isEmpty ? dir.path : dir.appendingPathComponent(rel).path }
}

struct BadInput: CustomTestStringConvertible, Sendable {
    let label: String
    let files: [String: String]
    var raw: [String: [UInt8]] = [:]
    var args: [String] = []
    let status: Int32
    /// Fragments the error message must contain (location and what is wrong).
    let stderr: [String]
    var testDescription: String { label }
}

let aliasBomb = """
a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""

let badInputs: [BadInput] = [
    BadInput(label: "unclosed action", files: ["templates/a.yaml": "x: 1\ny: {{ .Values.a\n"], status: 1,
             stderr: ["parse error at (demo/templates/a.yaml:", "unclosed action"]),
    BadInput(label: "unknown function", files: ["templates/a.yaml": "x: {{ nosuch 1 }}\n"], status: 1,
             stderr: ["parse error at (demo/templates/a.yaml:1)", "function \"nosuch\" not defined"]),
    BadInput(label: "wrong argument count", files: ["templates/a.yaml": "\n\nx: {{ include \"x\" }}\n"], status: 1,
             stderr: ["demo/templates/a.yaml:3:6", "wrong number of args for include: want 2 got 1"]),
    BadInput(label: "wrong argument type", files: ["templates/a.yaml": "x: {{ printf .Values.num }}\n", "values.yaml": "num: 3\n"], status: 1,
             stderr: ["demo/templates/a.yaml:1:20", "wrong type for value; expected string; got float64"]),
    BadInput(label: "wrong literal type", files: ["templates/a.yaml": "x: {{ printf 3 }}\n"], status: 1,
             stderr: ["demo/templates/a.yaml:1:13", "expected string; found 3"]),
    BadInput(label: "undefined variable", files: ["templates/a.yaml": "x: {{ $nope }}\n"], status: 1,
             stderr: ["parse error at (demo/templates/a.yaml:1)", "undefined variable \"$nope\""]),
    BadInput(label: "nil pointer", files: ["templates/a.yaml": "a: 1\nx: {{ .Values.missing.key }}\n"], status: 1,
             stderr: ["demo/templates/a.yaml:2:13", "nil pointer evaluating interface {}.key"]),
    BadInput(label: "index out of range", files: ["templates/a.yaml": "x: {{ index .Values.l 7 }}\n", "values.yaml": "l: [1, 2]\n"], status: 1,
             stderr: ["demo/templates/a.yaml:1:6", "error calling index: index out of range: 7"]),
    BadInput(label: "missing named template", files: ["templates/a.yaml": "x: {{ include \"nope\" . }}\n"], status: 1,
             stderr: ["demo/templates/a.yaml:1:6", "no template \"nope\""]),
    BadInput(label: "infinite include recursion",
             files: ["templates/_h.tpl": "{{ define \"loop\" }}{{ include \"loop\" . }}{{ end }}", "templates/a.yaml": "x: {{ include \"loop\" . }}\n"],
             status: 1, stderr: ["demo/templates/a.yaml:1:6", "template \"loop\" includes itself more than 1000 times", "_h.tpl:1:22"]),
    BadInput(label: "malformed values YAML", files: ["templates/a.yaml": "x: 1\n", "values.yaml": "a: 1\nb: [1, 2\nc: 3\n"], status: 1,
             stderr: ["values.yaml:", "did not find expected ',' or ']'"]),
    BadInput(label: "malformed -f values", files: ["templates/a.yaml": "x: 1\n", "bad.yaml": "ok: 1\n  bad: : 2\n"], args: ["-f", "bad.yaml"],
             status: 1, stderr: ["bad.yaml:2", "fix the YAML in"]),
    BadInput(label: "invalid --set syntax", files: ["templates/a.yaml": "x: 1\n"], args: ["--set", "a[x]=1"], status: 1,
             stderr: ["--set \"a[x]=1\"", "not a non-negative number"]),
    BadInput(label: "values alias bomb", files: ["templates/a.yaml": "x: 1\n", "values.yaml": aliasBomb], status: 1,
             stderr: ["values.yaml", "excessive aliasing"]),
    BadInput(label: "non-UTF-8 template", files: [:], raw: ["templates/a.yaml": [0x78, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]], status: 1,
             stderr: ["templates/a.yaml", "not valid UTF-8"]),
    BadInput(label: "rendered output is not YAML", files: ["templates/a.yaml": "a: [1\n"], status: 1,
             stderr: ["YAML parse error on demo/templates/a.yaml", "line 1"]),
    BadInput(label: "required value missing", files: ["templates/a.yaml": "x: {{ required \"set --set token=...\" .Values.token }}\n"], status: 1,
             stderr: ["execution error at (demo/templates/a.yaml:1:6): set --set token=..."]),
    BadInput(label: "schema violations",
             files: ["templates/a.yaml": "x: 1\n", "values.yaml": "replicas: many\nimage: {tag: 5}\n",
                     "values.schema.json": #"{"type":"object","required":["name"],"properties":{"replicas":{"type":"integer","minimum":1},"image":{"type":"object","additionalProperties":false,"properties":{"repo":{"type":"string"}}}}}"#],
             status: 1,
             stderr: ["values don't meet the specifications of the schema(s) in the following chart(s):\ndemo:",
                      "- (root): name is required", "- image: Additional property tag is not allowed",
                      "- replicas: Invalid type. Expected: integer, given: string"]),
    BadInput(label: "no chart", files: [:], args: ["/nonexistent/chart"], status: 1, stderr: ["/nonexistent/chart", "no Chart.yaml found"]),
    BadInput(label: "bad kube version", files: ["templates/a.yaml": "x: 1\n"], args: ["--kube-version", "abc"], status: 2,
             stderr: ["--kube-version abc", "invalid kube version"]),
]

@Test(arguments: badInputs)
func badInputGivesALocatedErrorAndExitCode(_ c: BadInput) async throws {
    let chart = try TempChart(c.files, raw: c.raw)
    defer { try? FileManager.default.removeItem(at: chart.dir) }
    var args = ["template", "rel"]
    if c.label == "no chart" { args += c.args } else { args += [chart.path()] + c.args }
    let r = try await CLI.run(args, cwd: chart.dir)
    #expect(r.seconds < 20, "took too long")
    #expect(r.status == c.status, "exit \(r.status), stderr: \(r.stderr)")
    for fragment in c.stderr {
        #expect(r.stderr.contains(fragment), "stderr lacks \(fragment.debugDescription):\n\(r.stderr)")
    }
    #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtracing"))
}
