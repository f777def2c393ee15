import Foundation
import Testing
@testable import ChartRender

/// Sprig's crypto functions whose output is random: checked by shape, by round trip, and by
/// handing what tarsctl produced to the Go oracle (decryptAES) or to `openssl` (keys, certs).
@Suite struct SprigCryptoTests {
    static func render(_ template: String, _ data: Value = .map([:])) throws -> String {
        try LargeStack.run {
            var set = TemplateSet(functions: FunctionLibrary.standard(), missingKey: .zero)
            try set.parse(name: "t", text: template)
            return try set.execute("t", data: data)
        }
    }

    /// Runs templates through the oracle: one output per template, in order.
    static func oracle(_ templates: [String]) throws -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cases.jsonl")
        var lines = ""
        for (i, t) in templates.enumerated() {
            lines += GoJSON.encode(.map(["name": .string("c\(i)"), "template": .string(t), "data": .map([:])]))! + "\n"
        }
        try lines.write(to: file, atomically: true, encoding: .utf8)
        let results = try Oracle.batch(file)
        return try templates.indices.map { i in
            guard let r = results["c\(i)"] else { throw OracleFailed(message: "no result for case \(i)") }
            guard r.ok else { throw OracleFailed(message: r.error) }
            return r.output
        }
    }

    struct OracleFailed: Error, CustomStringConvertible {
        let message: String
        var description: String { "oracle: \(message)" }
    }

    static func goQuote(_ s: String) -> String { GoJSON.encode(.string(s))! }

    static let plaintexts = ["x", "exactly16bytes!!", "hello world, this spans more than one block", "ünïcödé ✓ \n\t\"quoted\""]
    static let passwords = ["", "k", "secretkey", "a-password-that-is-longer-than-32-bytes!!"]

    @Test func encryptAESRoundTripsAndIsRandomised() throws {
        for (p, t) in zip(Self.passwords, Self.plaintexts) {
            let data: Value = .map(["p": .string(p), "t": .string(t)])
            let c1 = try Self.render("{{ encryptAES .p .t }}", data)
            let c2 = try Self.render("{{ encryptAES .p .t }}", data)
            #expect(c1 != c2, "a fresh IV each time")
            let raw = try #require(Data(base64Encoded: c1))
            #expect(raw.count == 16 + (t.utf8.count / 16 + 1) * 16, "IV plus PKCS#7-padded blocks for \(t.debugDescription)")
            #expect(try Self.render("{{ encryptAES .p .t | decryptAES .p }}", data) == t)
        }
    }

    @Test func oracleDecryptsWhatTarsctlEncrypts() throws {
        var templates: [String] = []
        for (p, t) in zip(Self.passwords, Self.plaintexts) {
            let c = try Self.render("{{ encryptAES .p .t }}", .map(["p": .string(p), "t": .string(t)]))
            templates.append("{{ decryptAES \(Self.goQuote(p)) \(Self.goQuote(c)) }}")
        }
        #expect(try Self.oracle(templates) == Self.plaintexts)
    }

    @Test func tarsctlDecryptsWhatTheOracleEncrypts() throws {
        let templates = zip(Self.passwords, Self.plaintexts).map { "{{ encryptAES \(Self.goQuote($0)) \(Self.goQuote($1)) }}" }
        let ciphertexts = try Self.oracle(templates)
        for ((p, t), c) in zip(zip(Self.passwords, Self.plaintexts), ciphertexts) {
            #expect(try Self.render("{{ decryptAES .p .c }}", .map(["p": .string(p), "c": .string(c)])) == t)
        }
    }

    @Test func scryptMatchesRFC7914Vector() {
        // RFC 7914 section 12, second vector: "password" / "NaCl", N=1024, r=8, p=16.
        let key = Scrypt.derive(password: Array("password".utf8), salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, length: 64)
        #expect(GoBytes.hex(key) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }
}
