import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import X509

/// Sprig's `certificate` struct: what genCA and friends return, with `.Cert` and `.Key` PEM text.
struct SprigCertificate: TemplateObject {
    static let type = GoType.named("sprig.certificate", kind: "struct")
    let cert: String
    let key: String
    var goType: GoType { Self.type }
    func field(_ name: String) -> Value? {
        switch name {
        case "Cert": .string(cert)
        case "Key": .string(key)
        default: nil
        }
    }
    var formatted: String { "{\(cert) \(key)}" }
    var jsonFields: [String: Value]? { ["Cert": .string(cert), "Key": .string(key)] }
}

/// A private key of a kind Sprig generates or accepts, written in the PEM form Go's
/// `pemBlockForKey` picks: PKCS#1 for RSA, SEC1 for ECDSA, PKCS#8 for Ed25519.
enum SprigKey {
    case rsa(_RSA.Signing.PrivateKey)
    case p256(P256.Signing.PrivateKey)
    case p384(P384.Signing.PrivateKey)
    case p521(P521.Signing.PrivateKey)
    case ed25519(Curve25519.Signing.PrivateKey)

    var certificateKey: Certificate.PrivateKey {
        switch self {
        case .rsa(let k): Certificate.PrivateKey(k)
        case .p256(let k): Certificate.PrivateKey(k)
        case .p384(let k): Certificate.PrivateKey(k)
        case .p521(let k): Certificate.PrivateKey(k)
        case .ed25519(let k): Certificate.PrivateKey(k)
        }
    }

    static let ed25519PKCS8Prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]

    var pem: String {
        switch self {
        case .rsa(let k): return PEM.encode(type: "RSA PRIVATE KEY", Array(k.derRepresentation))
        case .p256(let k): return PEM.encode(type: "EC PRIVATE KEY", Self.sec1(Array(k.rawRepresentation), oid: [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07], publicKey: Array(k.publicKey.x963Representation)))
        case .p384(let k): return PEM.encode(type: "EC PRIVATE KEY", Self.sec1(Array(k.rawRepresentation), oid: [0x2B, 0x81, 0x04, 0x00, 0x22], publicKey: Array(k.publicKey.x963Representation)))
        case .p521(let k): return PEM.encode(type: "EC PRIVATE KEY", Self.sec1(Array(k.rawRepresentation), oid: [0x2B, 0x81, 0x04, 0x00, 0x23], publicKey: Array(k.publicKey.x963Representation)))
        case .ed25519(let k): return PEM.encode(type: "PRIVATE KEY", Self.ed25519PKCS8Prefix + Array(k.rawRepresentation))
        }
    }

    /// RFC 5915 ECPrivateKey: version 1, the scalar, the curve and the uncompressed public point.
    static func sec1(_ d: [UInt8], oid: [UInt8], publicKey: [UInt8]) -> [UInt8] {
        DERBytes.tlv(0x30, DERBytes.tlv(0x02, [1]) + DERBytes.tlv(0x04, d) + DERBytes.tlv(0xA0, DERBytes.tlv(0x06, oid)) + DERBytes.tlv(0xA1, DERBytes.tlv(0x03, [0] + publicKey)))
    }

    /// Go's parsePrivateKeyPEM, with its error texts.
    static func parse(_ text: String) throws -> SprigKey {
        guard let block = PEM.decode(text) else { throw FunctionError("no PEM data in input") }
        let der = block.bytes
        if block.type == "PRIVATE KEY" {
            if der.count == 48 && Array(der.prefix(16)) == ed25519PKCS8Prefix,
               let k = try? Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32)) { return .ed25519(k) }
            if let k = try? P256.Signing.PrivateKey(derRepresentation: der) { return .p256(k) }
            if let k = try? P384.Signing.PrivateKey(derRepresentation: der) { return .p384(k) }
            if let k = try? P521.Signing.PrivateKey(derRepresentation: der) { return .p521(k) }
            if let k = try? _RSA.Signing.PrivateKey(unsafeDERRepresentation: der) { return .rsa(k) }
            throw FunctionError("decoding PEM as PKCS#8: not a valid RSA, ECDSA (P-256/384/521) or Ed25519 PKCS#8 private key")
        }
        guard block.type.hasSuffix(" PRIVATE KEY") else { throw FunctionError("no private key data in PEM block of type \(block.type)") }
        switch block.type.dropLast(12) {
        case "RSA":
            guard let k = try? _RSA.Signing.PrivateKey(unsafeDERRepresentation: der) else { throw FunctionError("parsing RSA private key from PEM: not a valid PKCS#1 RSA private key") }
            return .rsa(k)
        case "EC":
            if let k = try? P256.Signing.PrivateKey(derRepresentation: der) { return .p256(k) }
            if let k = try? P384.Signing.PrivateKey(derRepresentation: der) { return .p384(k) }
            if let k = try? P521.Signing.PrivateKey(derRepresentation: der) { return .p521(k) }
            throw FunctionError("parsing EC private key from PEM: not a valid SEC1 P-256, P-384 or P-521 private key")
        case "DSA":
            throw FunctionError("parsing DSA private key from PEM: DSA keys are not supported by tarsctl; use an RSA, ECDSA or Ed25519 key")
        default:
            throw FunctionError("invalid private key type \(block.type)")
        }
    }

    static func generateRSA(bits: Int) throws -> SprigKey {
        let size: _RSA.Signing.KeySize = bits == 4096 ? .bits4096 : .bits2048
        return .rsa(try _RSA.Signing.PrivateKey(keySize: size))
    }
}

enum DERBytes {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8]
        if content.count < 0x80 {
            length = [UInt8(content.count)]
        } else {
            var n = content.count
            var bytes: [UInt8] = []
            while n > 0 { bytes.insert(UInt8(n & 0xFF), at: 0); n >>= 8 }
            length = [0x80 | UInt8(bytes.count)] + bytes
        }
        return [tag] + length + content
    }
}

/// PEM as Go's encoding/pem writes and finds it.
enum PEM {
    static func encode(type: String, _ der: [UInt8]) -> String {
        let b64 = Array(Data(der).base64EncodedString().utf8)
        var out = "-----BEGIN \(type)-----\n"
        var i = 0
        while i < b64.count {
            out += String(decoding: b64[i..<min(i + 64, b64.count)], as: UTF8.self) + "\n"
            i += 64
        }
        return out + "-----END \(type)-----\n"
    }

    /// The first well-formed block in `text`, like `pem.Decode` (headers are not supported).
    static func decode(_ text: String) -> (type: String, bytes: [UInt8])? {
        var rest = Substring(text)
        while let begin = rest.range(of: "-----BEGIN ") {
            let afterBegin = rest[begin.upperBound...]
            guard let typeEnd = afterBegin.range(of: "-----") else { return nil }
            let type = String(afterBegin[..<typeEnd.lowerBound])
            let body = afterBegin[typeEnd.upperBound...]
            if !type.contains("\n"), let end = body.range(of: "-----END \(type)-----") {
                let b64 = body[..<end.lowerBound].filter { !$0.isWhitespace }
                if let d = Data(base64Encoded: String(b64)) { return (type, Array(d)) }
            }
            rest = afterBegin
        }
        return nil
    }
}

enum SprigCerts {
    typealias F = TemplateFunction
    static func str(_ v: Value) -> String { v.stringValue ?? "" }
    static func int(_ v: Value) -> Int { if case .int(let i) = v { i } else { 0 } }
    static let list = GoType.slice(.interface)
    static let cert = SprigCertificate.type

    static let functions: [TemplateFunction] = [
        F("genPrivateKey", [.string]) { a, _ in
            switch str(a[0]) {
            case "", "rsa": return .string(try SprigKey.generateRSA(bits: 4096).pem)
            case "ecdsa": return .string(SprigKey.p256(P256.Signing.PrivateKey()).pem)
            case "ed25519": return .string(SprigKey.ed25519(Curve25519.Signing.PrivateKey()).pem)
            case "dsa": throw FunctionError("dsa keys are not supported by tarsctl; use \"rsa\", \"ecdsa\" or \"ed25519\"")
            case let t: return .string("Unknown type " + t)
            }
        },
        F("buildCustomCert", [.string, .string]) { a, _ in
            guard let certPEM = try? GoBase64.decodeStd(str(a[0])) else { throw FunctionError("unable to decode base64 certificate") }
            guard let keyPEM = try? GoBase64.decodeStd(str(a[1])) else { throw FunctionError("unable to decode base64 private key") }
            let certText = String(decoding: certPEM, as: UTF8.self), keyText = String(decoding: keyPEM, as: UTF8.self)
            guard let block = PEM.decode(certText) else { throw FunctionError("unable to decode certificate") }
            do { _ = try Certificate(derEncoded: block.bytes) } catch {
                throw FunctionError("error parsing certificate: decodedCert.Bytes: \(error)")
            }
            do { _ = try SprigKey.parse(keyText) } catch let e as FunctionError {
                throw FunctionError("error parsing private key: \(e.message)")
            }
            return .object(SprigCertificate(cert: certText, key: keyText))
        },
        F("genCA", [.string, .int]) { a, _ in
            .object(try makeCA(cn: str(a[0]), days: int(a[1]), key: try SprigKey.generateRSA(bits: 2048)))
        },
        F("genCAWithKey", [.string, .int, .string]) { a, _ in
            .object(try makeCA(cn: str(a[0]), days: int(a[1]), key: try parsing(str(a[2]))))
        },
        F("genSelfSignedCert", [.string, list, list, .int]) { a, _ in
            .object(try makeLeaf(cn: str(a[0]), ips: a[1], dns: a[2], days: int(a[3]), key: try SprigKey.generateRSA(bits: 2048), ca: nil))
        },
        F("genSelfSignedCertWithKey", [.string, list, list, .int, .string]) { a, _ in
            .object(try makeLeaf(cn: str(a[0]), ips: a[1], dns: a[2], days: int(a[3]), key: try parsing(str(a[4])), ca: nil))
        },
        F("genSignedCert", [.string, list, list, .int, cert]) { a, _ in
            .object(try makeLeaf(cn: str(a[0]), ips: a[1], dns: a[2], days: int(a[3]), key: try SprigKey.generateRSA(bits: 2048), ca: a[4]))
        },
        F("genSignedCertWithKey", [.string, list, list, .int, cert, .string]) { a, _ in
            .object(try makeLeaf(cn: str(a[0]), ips: a[1], dns: a[2], days: int(a[3]), key: try parsing(str(a[5])), ca: a[4]))
        },
    ]

    static func parsing(_ pem: String) throws -> SprigKey {
        do { return try SprigKey.parse(pem) } catch let e as FunctionError { throw FunctionError("parsing private key: \(e.message)") }
    }

    static func serial() -> Certificate.SerialNumber {
        var rng = SystemRandomNumberGenerator()
        return Certificate.SerialNumber(bytes: (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    static func name(_ cn: String) throws -> DistinguishedName {
        cn.isEmpty ? DistinguishedName() : try DistinguishedName { CommonName(cn) }
    }

    static func makeCA(cn: String, days: Int, key: SprigKey) throws -> SprigCertificate {
        let priv = key.certificateKey
        let subject = try name(cn)
        let exts = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            SubjectKeyIdentifier(hash: priv.publicKey)
        }
        return try issue(subject: subject, issuer: subject, days: days, key: key, signer: priv, extensions: exts)
    }

    static func makeLeaf(cn: String, ips: Value, dns: Value, days: Int, key: SprigKey, ca: Value?) throws -> SprigCertificate {
        var names: [GeneralName] = []
        for d in try strings(dns, what: "alternate dns name") { names.append(.dnsName(d)) }
        var ipNames: [GeneralName] = []
        for ip in try strings(ips, what: "ip") {
            guard let bytes = ipBytes(ip) else { throw FunctionError("error parsing ip: \(ip)") }
            ipNames.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        names += ipNames
        var issuer = try name(cn)
        var signer = key.certificateKey
        var authorityKeyID: ArraySlice<UInt8>?
        if case .object(let o)? = ca, let c = o as? SprigCertificate {
            guard let block = PEM.decode(c.cert) else { throw FunctionError("unable to decode certificate") }
            let parent: Certificate
            do { parent = try Certificate(derEncoded: block.bytes) } catch {
                throw FunctionError("error parsing certificate: decodedSignerCert.Bytes: \(error)")
            }
            do { signer = try SprigKey.parse(c.key).certificateKey } catch let e as FunctionError {
                throw FunctionError("error parsing private key: \(e.message)")
            }
            issuer = parent.subject
            authorityKeyID = (try? parent.extensions.subjectKeyIdentifier)??.keyIdentifier
        }
        let subjectAltNames = names
        let aki = authorityKeyID
        let exts = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            Critical(BasicConstraints.notCertificateAuthority)
            if let aki { AuthorityKeyIdentifier(keyIdentifier: aki) }
            if !subjectAltNames.isEmpty { SubjectAlternativeNames(subjectAltNames) }
        }
        return try issue(subject: try name(cn), issuer: issuer, days: days, key: key, signer: signer, extensions: exts)
    }

    static func issue(subject: DistinguishedName, issuer: DistinguishedName, days: Int, key: SprigKey,
                      signer: Certificate.PrivateKey, extensions: Certificate.Extensions) throws -> SprigCertificate {
        // Whole seconds, as Go's UTCTime encoding drops the fraction (never a start in the future).
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let certificate: Certificate
        do {
            certificate = try Certificate(
                version: .v3, serialNumber: serial(), publicKey: key.certificateKey.publicKey,
                notValidBefore: now, notValidAfter: now.addingTimeInterval(Double(days) * 86400),
                issuer: issuer, subject: subject, extensions: extensions, issuerPrivateKey: signer)
        } catch {
            throw FunctionError("error creating certificate: \(error)")
        }
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return SprigCertificate(cert: PEM.encode(type: "CERTIFICATE", serializer.serializedBytes), key: key.pem)
    }

    /// The strings of a `[]interface{}` argument, with Sprig's error for anything else.
    static func strings(_ v: Value, what: String) throws -> [String] {
        guard case .list(let items, _) = v else { return [] }
        return try items.map {
            guard case .string(let s) = $0 else { throw FunctionError("error \(what == "ip" ? "parsing ip" : "processing alternate dns name"): \(SprigConvert.string($0)) is not a string") }
            return s
        }
    }

    /// Go's net.ParseIP, as the bytes a certificate carries (4 for IPv4, 16 for IPv6).
    static func ipBytes(_ s: String) -> [UInt8]? {
        var v4 = in_addr()
        if !s.contains(":") {
            guard inet_pton(AF_INET, s, &v4) == 1 else { return nil }
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, s, &v6) == 1 else { return nil }
        let b = withUnsafeBytes(of: &v6) { Array($0) }
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return Array(b[12...]) }
        return b
    }
}
