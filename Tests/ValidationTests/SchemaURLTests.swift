import Foundation
import KubeClient
import TestSupport
import Testing
@testable import Validation

/// `--schema-location` URL templates, as kubeconform takes them: schemas (and the sibling files
/// their `$ref`s name) fetched over HTTP from a local static file server.
@Suite struct SchemaURLTests {
    /// `python3 -m http.server` on 127.0.0.1 serving `directory`, stopped by `stop()`. Starting
    /// and stopping await (polling with `Task.sleep`, the exit waited for off the pool), so a
    /// test here never holds a concurrency-pool thread while python starts.
    final class FileServer: Sendable {
        let process: Process
        let port: Int

        private init(process: Process, port: Int) {
            self.process = process
            self.port = port
        }

        static func start(directory: URL) async throws -> FileServer {
            var lastPort = 0
            for _ in 0..<5 {
                let port = Int.random(in: 20000...40000)
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                p.arguments = ["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", directory.path, String(port)]
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                for _ in 0..<100 where p.isRunning && !accepts(port) { try await Task.sleep(for: .milliseconds(50)) }
                if p.isRunning && accepts(port) { return FileServer(process: p, port: port) }
                if p.isRunning { kill(p.processIdentifier, SIGKILL) }
                await offPool { p.waitUntilExit() }
                lastPort = port
            }
            throw ServerError(description: "python3 -m http.server did not start (last port \(lastPort))")
        }

        struct ServerError: Error, CustomStringConvertible { var description: String }

        static func accepts(_ port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            return withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
        }

        /// SIGKILL: a test runner may start children with SIGTERM ignored, and python then
        /// outlives `terminate()`.
        func stop() async {
            let p = process
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            await offPool { p.waitUntilExit() }
        }
    }

    static func schemas() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schema-url-\(UUID().uuidString)")
        let versioned = dir.appendingPathComponent("v1.30.0-standalone")
        try FileManager.default.createDirectory(at: versioned, withIntermediateDirectories: true)
        try Data(#"""
            {"type": "object", "properties": {
              "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
              "spec": {"$ref": "_definitions.json#/definitions/example.Spec"}}}
            """#.utf8).write(to: versioned.appendingPathComponent("widget-example-v1.json"))
        try Data(#"""
            {"definitions": {"example.Spec": {"type": "object", "required": ["size"], "properties": {"size": {"type": "integer"}}}}}
            """#.utf8).write(to: versioned.appendingPathComponent("_definitions.json"))
        return dir
    }

    static let widgets = ManifestLoader.load(text: """
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        spec:
          size: big
        ---
        apiVersion: example.com/v1
        kind: Gizmo
        metadata: {name: g}

        """, file: "in.yaml").documents

    @Test func urlLocationsFetchSchemasAndTheirSiblingDefinitions() async throws {
        let dir = try Self.schemas()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try await FileServer.start(directory: dir)
        do {
            try await Self.checkURLLocations(base: "http://127.0.0.1:\(server.port)")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func checkURLLocations(base: String) async throws {
        // The schema check fetches with blocking waits (EventLoopFuture.wait()): off the pool.
        // A plain URL gets kubeconform's default layout, like a directory.
        let findings = try await offPool { try SchemaCheck.validate(widgets, options: SchemaOptions(kubernetesVersion: "1.30.0", schemaLocations: [base + "/"])) }
        #expect(findings.map(\.message) == [
            "spec.size: expected integer, got string \"big\"",
            "no schema for Gizmo example.com/v1 (looked in \(base)/v1.30.0-standalone/gizmo-example-v1.json); for a custom resource, pass its CustomResourceDefinition too (or the chart's crds/); check apiVersion and kind, or pass --ignore-missing-schemas to skip such objects",
        ])
        #expect(findings.first?.location.line == 5)
        // A template, with the bundle after it for built-in kinds.
        let template = base + "/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
        let docs = widgets.prefix(1) + ManifestLoader.load(text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n", file: "cm.yaml").documents
        let mixed = try await offPool { try SchemaCheck.validate(Array(docs), options: SchemaOptions(kubernetesVersion: "1.30.0", schemaLocations: [template, "default"])) }
        #expect(mixed.map(\.message) == ["spec.size: expected integer, got string \"big\"", "data.a: expected string, got integer 1"])
    }

    @Test func anUnreachableServerIsNamedWithTheReason() async throws {
        // A port nothing listens on: bound and closed again.
        let dir = try Self.schemas()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try await FileServer.start(directory: dir)
        let port = server.port
        await server.stop()
        let findings = try await offPool { try SchemaCheck.validate(Self.widgets, options: SchemaOptions(kubernetesVersion: "1.30.0", schemaLocations: ["http://127.0.0.1:\(port)/"])) }
        #expect(findings.count == 2)
        for (f, kind) in zip(findings, ["widget", "gizmo"]) {
            #expect(f.message.contains("(looked in http://127.0.0.1:\(port)/v1.30.0-standalone/\(kind)-example-v1.json (connection refused))"), "\(f.message)")
        }
    }
}
