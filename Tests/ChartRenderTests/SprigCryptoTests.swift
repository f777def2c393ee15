import Foundation
import TestSupport
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
    static func oracle(_ templates: [String]) async throws -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cases.jsonl")
        var lines = ""
        for (i, t) in templates.enumerated() {
            lines += GoJSON.encode(.map(["name": .string("c\(i)"), "template": .string(t), "data": .map([:])]))! + "\n"
        }
        try lines.write(to: file, atomically: true, encoding: .utf8)
        let results = try await Oracle.batch(file)
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

    @Test func oracleDecryptsWhatTarsctlEncrypts() async throws {
        var templates: [String] = []
        for (p, t) in zip(Self.passwords, Self.plaintexts) {
            let c = try Self.render("{{ encryptAES .p .t }}", .map(["p": .string(p), "t": .string(t)]))
            templates.append("{{ decryptAES \(Self.goQuote(p)) \(Self.goQuote(c)) }}")
        }
        #expect(try await Self.oracle(templates) == Self.plaintexts)
    }

    @Test func tarsctlDecryptsWhatTheOracleEncrypts() async throws {
        let templates = zip(Self.passwords, Self.plaintexts).map { "{{ encryptAES \(Self.goQuote($0)) \(Self.goQuote($1)) }}" }
        let ciphertexts = try await Self.oracle(templates)
        for ((p, t), c) in zip(zip(Self.passwords, Self.plaintexts), ciphertexts) {
            #expect(try Self.render("{{ decryptAES .p .c }}", .map(["p": .string(p), "c": .string(c)])) == t)
        }
    }

    @Test func scryptMatchesRFC7914Vector() {
        // RFC 7914 section 12, second vector: "password" / "NaCl", N=1024, r=8, p=16.
        let key = Scrypt.derive(password: Array("password".utf8), salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, length: 64)
        #expect(GoBytes.hex(key) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    // MARK: keys and certificates

    /// Runs openssl with the given files written to a temporary directory; returns stdout+stderr and status.
    static func openssl(_ args: [String], files: [String: String]) async throws -> (status: Int32, output: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sprig-openssl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let r = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + args, cwd: dir, mergeStderr: true)
        return (r.status, r.stdoutText)
    }

    static func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

    @Test(arguments: [
        ("rsa", "RSA PRIVATE KEY", "Private-Key: (4096 bit"),
        ("ecdsa", "EC PRIVATE KEY", "ASN1 OID: prime256v1"),
        ("ed25519", "PRIVATE KEY", "ED25519 Private-Key"),
    ])
    func genPrivateKeyWritesSprigsPEMTypes(_ type: String, _ pemType: String, _ opensslSays: String) async throws {
        let pem = try Self.render("{{ genPrivateKey \(Self.goQuote(type)) }}")
        #expect(pem.hasPrefix("-----BEGIN \(pemType)-----\n"))
        #expect(pem.hasSuffix("-----END \(pemType)-----\n"))
        let r = try await Self.openssl(["pkey", "-in", "key.pem", "-noout", "-text"], files: ["key.pem": pem])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains(opensslSays), "\(r.output.prefix(300))")
        // Go's parsers accept it too: the oracle signs a certificate with this key.
        let out = try await Self.oracle(["{{ (genSelfSignedCertWithKey \"k\" nil nil 1 \(Self.goQuote(pem))).Key | len }}"])
        #expect(out == ["\(pem.utf8.count)"], "Go re-encodes the parsed key to the same PEM")
    }

    @Test func genPrivateKeyRejectsDSAClearlyAndUnknownTypesLikeSprig() throws {
        #expect(throws: (any Error).self) { try Self.render("{{ genPrivateKey \"dsa\" }}") }
        do {
            _ = try Self.render("{{ genPrivateKey \"dsa\" }}")
        } catch {
            #expect("\(error)".contains("error calling genPrivateKey: dsa keys are not supported by tarsctl; use \"rsa\", \"ecdsa\" or \"ed25519\""))
        }
        #expect(try Self.render("{{ genPrivateKey \"rsa3\" }}") == "Unknown type rsa3")
    }

    @Test func genCAIsACAThatSignsVerifiableServerCertificates() async throws {
        let out = try Self.render("""
        {{- $ca := genCA "tars-ca" 365 -}}
        {{- $c := genSignedCert "api.example.com" (list "10.0.0.1" "::1") (list "api.example.com" "api") 30 $ca -}}
        {{ $ca.Cert }}|{{ $ca.Key }}|{{ $c.Cert }}|{{ $c.Key }}
        """)
        let parts = out.split(separator: "|").map(String.init)
        try #require(parts.count == 4)
        let (caCert, caKey, cert, key) = (parts[0], parts[1], parts[2], parts[3])
        #expect(caKey.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n") && key.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n"))

        let ca = try await Self.openssl(["x509", "-in", "ca.pem", "-noout", "-text"], files: ["ca.pem": caCert])
        #expect(ca.status == 0, "\(ca.output)")
        for want in ["Subject: CN = tars-ca", "Issuer: CN = tars-ca", "CA:TRUE", "Certificate Sign", "Digital Signature", "Key Encipherment",
                     "Public-Key: (2048 bit)", "sha256WithRSAEncryption", "TLS Web Server Authentication", "TLS Web Client Authentication",
                     "Subject Key Identifier"] {
            #expect(ca.output.contains(want), "CA lacks \(want)")
        }
        let leaf = try await Self.openssl(["x509", "-in", "c.pem", "-noout", "-text"], files: ["c.pem": cert])
        for want in ["Subject: CN = api.example.com", "Issuer: CN = tars-ca", "CA:FALSE", "DNS:api.example.com, DNS:api, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1",
                     "Public-Key: (2048 bit)", "Authority Key Identifier"] {
            #expect(leaf.output.contains(want), "leaf lacks \(want): \(leaf.output)")
        }
        #expect(!leaf.output.contains("Certificate Sign"))
        let verify = try await Self.openssl(["verify", "-CAfile", "ca.pem", "c.pem"], files: ["ca.pem": caCert, "c.pem": cert])
        #expect(verify.status == 0 && verify.output.contains("c.pem: OK"), "\(verify.output)")
        let match = try await Self.openssl(["x509", "-in", "c.pem", "-noout", "-pubkey"], files: ["c.pem": cert])
        let fromKey = try await Self.openssl(["pkey", "-in", "k.pem", "-pubout"], files: ["k.pem": key])
        #expect(match.output == fromKey.output, "the certificate carries the returned key")

        // Validity: 30 days from now.
        let stillValid = try await Self.openssl(["x509", "-in", "c.pem", "-noout", "-checkend", "\(30 * 86400 - 120)"], files: ["c.pem": cert])
        let expired = try await Self.openssl(["x509", "-in", "c.pem", "-noout", "-checkend", "\(30 * 86400 + 120)"], files: ["c.pem": cert])
        #expect(stillValid.status == 0 && expired.status == 1, "valid for 30 days: \(stillValid.output) \(expired.output)")

        // Go accepts what we made: buildCustomCert parses both, genSignedCert signs with our CA.
        let oracle = try await Self.oracle([
            "{{ (buildCustomCert \(Self.goQuote(Self.b64(caCert))) \(Self.goQuote(Self.b64(caKey)))).Cert | len }}",
            "{{ $ca := buildCustomCert \(Self.goQuote(Self.b64(caCert))) \(Self.goQuote(Self.b64(caKey))) }}{{ (genSignedCert \"x\" nil nil 1 $ca).Cert }}",
        ])
        #expect(oracle[0] == "\(caCert.utf8.count)")
        let goSigned = try await Self.openssl(["verify", "-CAfile", "ca.pem", "g.pem"], files: ["ca.pem": caCert, "g.pem": oracle[1]])
        #expect(goSigned.status == 0, "\(goSigned.output)")
    }

    @Test func certificatesWithGivenKeysKeepThoseKeys() async throws {
        for type in ["ecdsa", "ed25519", "rsa"] {
            let out = try Self.render("""
            {{- $k := genPrivateKey \(Self.goQuote(type)) -}}
            {{- $ca := genCAWithKey "ca" 10 $k -}}
            {{- $s := genSelfSignedCertWithKey "self" (list "192.168.1.2") (list "self.local") 5 $k -}}
            {{- $c := genSignedCertWithKey "leaf" nil nil 5 $ca $k -}}
            {{ $k }}|{{ $ca.Key }}|{{ $s.Key }}|{{ $c.Key }}|{{ $ca.Cert }}|{{ $s.Cert }}|{{ $c.Cert }}
            """)
            let p = out.split(separator: "|").map(String.init)
            try #require(p.count == 7)
            #expect(p[1] == p[0] && p[2] == p[0] && p[3] == p[0], "\(type): the given key is returned as .Key")
            let s = try await Self.openssl(["x509", "-in", "s.pem", "-noout", "-text"], files: ["s.pem": p[5]])
            #expect(s.output.contains("Subject: CN = self") && s.output.contains("DNS:self.local, IP Address:192.168.1.2"), "\(s.output)")
            let v = try await Self.openssl(["verify", "-CAfile", "ca.pem", "c.pem"], files: ["ca.pem": p[4], "c.pem": p[6]])
            #expect(v.status == 0, "\(type): \(v.output)")
        }
    }

    @Test func buildCustomCertReturnsTheDecodedPEMs() throws {
        let out = try Self.render("{{ $ca := genCA \"x\" 1 }}{{ $b := buildCustomCert ($ca.Cert | b64enc) ($ca.Key | b64enc) }}{{ eq $b.Cert $ca.Cert }} {{ eq $b.Key $ca.Key }}")
        #expect(out == "true true")
    }

    // MARK: bcrypt

    @Test func bcryptReproducesGoHashesFromTheirSalt() async throws {
        let passwords = ["x", "", "pässwörd with spaces", String(repeating: "long", count: 20)]
        let hashes = try await Self.oracle(passwords.map { "{{ bcrypt \(Self.goQuote($0)) }}" })
        for (p, h) in zip(passwords, hashes) {
            #expect(Bcrypt.verify(password: Array(p.utf8), hash: h), "Go's \(h) for \(p.debugDescription)")
            // Like Go's, only the first 72 bytes of the password (with its NUL) count.
            #expect(Bcrypt.verify(password: Array((p + "!").utf8), hash: h) == (p.utf8.count >= 72))
        }
        // A fixed hash from the oracle, so the check does not depend on the oracle at all.
        #expect(Bcrypt.verify(password: Array("x".utf8), hash: "$2a$10$TkPc3XFLYHkBCZuHN3AzfunszoNH9xDeZ2piGtEqnibkW02el0nDi"))
    }

    @Test func bcryptAndHtpasswdOutputsVerify() throws {
        let out = try Self.render("{{ bcrypt \"s3cret\" }} {{ bcrypt \"s3cret\" }} {{ htpasswd \"admin\" \"pw\" }} {{ htpasswd \"a:b\" \"pw\" }}")
        let parts = out.split(separator: " ").map(String.init)
        try #require(parts.count == 6, "\(out)")
        #expect(parts[0] != parts[1], "a fresh salt each time")
        for h in parts[0...1] {
            #expect(h.range(of: #"^\$2a\$10\$[./A-Za-z0-9]{53}$"#, options: .regularExpression) != nil, "\(h)")
            #expect(Bcrypt.verify(password: Array("s3cret".utf8), hash: h))
        }
        #expect(parts[2].hasPrefix("admin:$2a$10$"))
        #expect(Bcrypt.verify(password: Array("pw".utf8), hash: String(parts[2].dropFirst("admin:".count))))
        #expect(parts[3...5].joined(separator: " ") == "invalid username: a:b")
    }

    /// openssl's text dump of a certificate with what is random each time (serial, key
    /// material, key identifiers, signature) and the clock (validity) left out.
    static func certificateShape(_ pem: String) async throws -> String {
        let r = try await openssl(["x509", "-in", "c.pem", "-noout", "-text"], files: ["c.pem": pem])
        return r.output.split(separator: "\n").filter { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            return !t.isEmpty && !t.allSatisfy({ $0.isHexDigit || $0 == ":" }) && !t.hasPrefix("Not Before") && !t.hasPrefix("Not After")
        }.joined(separator: "\n")
    }

    @Test func certificatesAreBuiltLikeGos() async throws {
        let template = """
        {{- $ca := genCA "tars-ca" 365 -}}
        {{ $ca.Cert }}|{{ (genSignedCert "api" (list "10.0.0.1" "::1" "::ffff:1.2.3.4") (list "a.b" "c") 30 $ca).Cert }}|{{ (genSelfSignedCert "" nil nil 1).Cert }}
        """
        let ours = try Self.render(template).split(separator: "|").map(String.init)
        let go = try await Self.oracle([template])[0].split(separator: "|").map(String.init)
        try #require(ours.count == 3 && go.count == 3)
        for i in 0..<3 {
            let shape = try await Self.certificateShape(ours[i])
            #expect(shape.contains("X509v3 Basic Constraints: critical"), "\(shape)")
            #expect(shape == (try await Self.certificateShape(go[i])))
        }
    }
}
