import Crypto
import _CryptoExtras
import Foundation

/// Sprig 3's cryptographic functions: AES-CBC encryption with a password, Master Password
/// derivation, private keys and X.509 certificates, each producing what Sprig's Go code does.
enum SprigCrypto {
    typealias F = TemplateFunction
    static func str(_ v: Value) -> String { v.stringValue ?? "" }

    static let functions: [TemplateFunction] = [
        F("encryptAES", [.string, .string]) { a, _ in .string(try encryptAES(password: str(a[0]), plaintext: str(a[1]))) },
        F("decryptAES", [.string, .string]) { a, _ in .string(try decryptAES(password: str(a[0]), base64: str(a[1]))) },
        F("derivePassword", [.uint32, .string, .string, .string, .string]) { a, _ in
            let counter: UInt32 = if case .int(let i) = a[0] { UInt32(truncatingIfNeeded: i) } else { 0 }
            return .string(derivePassword(counter: counter, type: str(a[1]), password: str(a[2]), user: str(a[3]), site: str(a[4])))
        },
        F("bcrypt", [.string]) { a, _ in .string(Bcrypt.hash(password: Array(str(a[0]).utf8))) },
        F("htpasswd", [.string, .string]) { a, _ in
            let user = str(a[0])
            if user.contains(":") { return .string("invalid username: \(user)") }
            return .string("\(user):\(Bcrypt.hash(password: Array(str(a[1]).utf8)))")
        },
    ] + SprigCerts.functions

    // MARK: AES

    /// Sprig's key: the password's bytes copied into 32 zero bytes (longer passwords are cut).
    static func aesKey(_ password: String) -> SymmetricKey {
        var key = [UInt8](repeating: 0, count: 32)
        for (i, b) in password.utf8.prefix(32).enumerated() { key[i] = b }
        return SymmetricKey(data: key)
    }

    static func encryptAES(password: String, plaintext: String, iv fixedIV: [UInt8]? = nil) throws -> String {
        if plaintext.isEmpty { return "" }
        var iv = fixedIV ?? []
        if fixedIV == nil {
            var rng = SystemRandomNumberGenerator()
            iv = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        let sealed = try AES._CBC.encrypt(Array(plaintext.utf8), using: aesKey(password), iv: AES._CBC.IV(ivBytes: iv))
        return Data(iv + sealed).base64EncodedString()
    }

    /// Decrypts like Sprig: no padding check, the last byte says how many bytes to drop. Where
    /// Go panics (short or ragged input, a pad longer than the text) the error is Go's panic text.
    static func decryptAES(password: String, base64: String) throws -> String {
        if base64.isEmpty { return "" }
        let crypt = try GoBase64.decodeStd(base64)
        // Go slices the IV off a buffer of DecodedLen bytes, so its panic names that capacity.
        let capacity = base64.utf8.count / 4 * 3
        if capacity < 16 { throw FunctionError("runtime error: slice bounds out of range [:16] with capacity \(capacity)") }
        if crypt.count < 16 { throw FunctionError("runtime error: slice bounds out of range [16:\(crypt.count)]") }
        let body = crypt[16...]
        if body.count % 16 != 0 { throw FunctionError("crypto/cipher: input not full blocks") }
        if body.isEmpty { throw FunctionError("runtime error: index out of range [-1]") }
        let plain = try AES._CBC.decrypt(body, using: aesKey(password), iv: AES._CBC.IV(ivBytes: crypt[..<16]), noPadding: true)
        let bytes = [UInt8](plain)
        let end = bytes.count - Int(bytes[bytes.count - 1])
        if end < 0 { throw FunctionError("runtime error: slice bounds out of range [:\(end)]") }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    // MARK: Master Password

    static let passwordTemplates: [String: [String]] = [
        "maximum": ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long": ["CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
                 "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
                 "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
                 "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
                 "CvccCvcvCvccno"],
        "medium": ["CvcnoCvc", "CvcCvcno"],
        "short": ["Cvcn"],
        "basic": ["aaanaaan", "aannaaan", "aaannaaa"],
        "pin": ["nnnn"],
    ]

    static let templateCharacters: [UInt8: [UInt8]] = [
        UInt8(ascii: "V"): Array("AEIOU".utf8),
        UInt8(ascii: "C"): Array("BCDFGHJKLMNPQRSTVWXYZ".utf8),
        UInt8(ascii: "v"): Array("aeiou".utf8),
        UInt8(ascii: "c"): Array("bcdfghjklmnpqrstvwxyz".utf8),
        UInt8(ascii: "A"): Array("AEIOUBCDFGHJKLMNPQRSTVWXYZ".utf8),
        UInt8(ascii: "a"): Array("AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz".utf8),
        UInt8(ascii: "n"): Array("0123456789".utf8),
        UInt8(ascii: "o"): Array("@&%?,=[]_:-+*$#!'^~;()/.".utf8),
        UInt8(ascii: "x"): Array("AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()".utf8),
    ]

    static func bigEndian(_ n: UInt32) -> [UInt8] {
        [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
    }

    static func derivePassword(counter: UInt32, type: String, password: String, user: String, site: String) -> String {
        guard let templates = passwordTemplates[type] else { return "cannot find password template \(type)" }
        let seedPrefix = Array("com.lyndir.masterpassword".utf8)
        let salt = seedPrefix + bigEndian(UInt32(truncatingIfNeeded: user.utf8.count)) + Array(user.utf8)
        let key = Scrypt.derive(password: Array(password.utf8), salt: salt, n: 32768, r: 8, p: 2, length: 64)
        let message = seedPrefix + bigEndian(UInt32(truncatingIfNeeded: site.utf8.count)) + Array(site.utf8) + bigEndian(counter)
        let seed = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        let template = Array(templates[Int(seed[0]) % templates.count].utf8)
        var out: [UInt8] = []
        for (i, c) in template.enumerated() {
            let chars = templateCharacters[c]!
            out.append(chars[Int(seed[i + 1]) % chars.count])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Go's `base64.StdEncoding.DecodeString`: strict padding, CR and LF skipped, errors naming the
/// offset of the first bad byte.
enum GoBase64 {
    static func decodeStd(_ s: String) throws -> [UInt8] {
        var table = [Int16](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(c)] = Int16(i) }
        let input = Array(s.utf8)
        var out: [UInt8] = []
        var quantum: [(Int16, Int)] = []
        var i = 0
        func bad(_ at: Int) -> FunctionError { FunctionError("illegal base64 data at input byte \(at)") }
        while i < input.count {
            let c = input[i]
            if c == 0x0A || c == 0x0D { i += 1; continue }
            if c == UInt8(ascii: "=") {
                // Padding may complete a quantum of 2 or 3 symbols, and nothing may follow it.
                if quantum.count < 2 { throw bad(i) }
                let needed = 4 - quantum.count
                var seen = 0
                var j = i
                while j < input.count && seen < needed {
                    if input[j] == 0x0A || input[j] == 0x0D { j += 1; continue }
                    if input[j] != UInt8(ascii: "=") { throw bad(j - 1) }
                    seen += 1; j += 1
                }
                if seen < needed { throw bad(input.count) }
                while j < input.count && (input[j] == 0x0A || input[j] == 0x0D) { j += 1 }
                if j < input.count { throw bad(j) }
                out += flush(quantum)
                return out
            }
            let v = table[Int(c)]
            if v < 0 { throw bad(i) }
            quantum.append((v, i))
            if quantum.count == 4 { out += flush(quantum); quantum = [] }
            i += 1
        }
        if let first = quantum.first { throw bad(first.1) }
        return out
    }

    private static func flush(_ q: [(Int16, Int)]) -> [UInt8] {
        var n: UInt32 = 0
        for k in 0..<4 { n = n << 6 | UInt32(k < q.count ? q[k].0 : 0) }
        let bytes = [UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
        return Array(bytes.prefix(q.count - 1))
    }
}

/// scrypt (RFC 7914): PBKDF2-HMAC-SHA256 around ROMix of Salsa20/8 BlockMix.
enum Scrypt {
    static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var out: [UInt8] = []
        var block: UInt32 = 1
        while out.count < length {
            var u = Array(HMAC<SHA256>.authenticationCode(for: salt + SprigCrypto.bigEndian(block), using: key))
            var t = u
            if iterations > 1 {
                for _ in 1..<iterations {
                    u = Array(HMAC<SHA256>.authenticationCode(for: u, using: key))
                    for k in 0..<t.count { t[k] ^= u[k] }
                }
            }
            out += t
            block += 1
        }
        return Array(out.prefix(length))
    }

    static func derive(password: [UInt8], salt: [UInt8], n: Int, r: Int, p: Int, length: Int) -> [UInt8] {
        let blockWords = 32 * r
        var b = pbkdf2(password: password, salt: salt, iterations: 1, length: p * 128 * r)
        var x = [UInt32](repeating: 0, count: blockWords)
        var v = [UInt32](repeating: 0, count: blockWords * n)
        var scratch = [UInt32](repeating: 0, count: blockWords)
        for chunk in 0..<p {
            let base = chunk * 128 * r
            for w in 0..<blockWords {
                let o = base + w * 4
                x[w] = UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
            }
            x.withUnsafeMutableBufferPointer { xp in
                v.withUnsafeMutableBufferPointer { vp in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        roMix(xp, vp, sp, n: n, r: r)
                    }
                }
            }
            for w in 0..<blockWords {
                let o = base + w * 4
                b[o] = UInt8(truncatingIfNeeded: x[w]); b[o + 1] = UInt8(truncatingIfNeeded: x[w] >> 8)
                b[o + 2] = UInt8(truncatingIfNeeded: x[w] >> 16); b[o + 3] = UInt8(truncatingIfNeeded: x[w] >> 24)
            }
        }
        return pbkdf2(password: password, salt: b, iterations: 1, length: length)
    }

    private static func roMix(_ x: UnsafeMutableBufferPointer<UInt32>, _ v: UnsafeMutableBufferPointer<UInt32>,
                              _ y: UnsafeMutableBufferPointer<UInt32>, n: Int, r: Int) {
        let words = 32 * r
        for i in 0..<n {
            for w in 0..<words { v[i * words + w] = x[w] }
            blockMix(x, y, r: r)
        }
        for _ in 0..<n {
            let j = Int(x[(2 * r - 1) * 16]) & (n - 1)
            for w in 0..<words { x[w] ^= v[j * words + w] }
            blockMix(x, y, r: r)
        }
    }

    /// BlockMix: y_i = Salsa(x_{i-1} ^ b_i), then the even outputs followed by the odd ones.
    private static func blockMix(_ b: UnsafeMutableBufferPointer<UInt32>, _ y: UnsafeMutableBufferPointer<UInt32>, r: Int) {
        var t = [UInt32](repeating: 0, count: 16)
        for k in 0..<16 { t[k] = b[(2 * r - 1) * 16 + k] }
        t.withUnsafeMutableBufferPointer { tp in
            for i in 0..<(2 * r) {
                for k in 0..<16 { tp[k] ^= b[i * 16 + k] }
                salsa8(tp)
                let dest = (i % 2 == 0 ? i / 2 : r + i / 2) * 16
                for k in 0..<16 { y[dest + k] = tp[k] }
            }
        }
        for k in 0..<(32 * r) { b[k] = y[k] }
    }

    private static func salsa8(_ b: UnsafeMutableBufferPointer<UInt32>) {
        var x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7]
        var x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15]
        @inline(__always) func rotl(_ v: UInt32, _ c: UInt32) -> UInt32 { (v << c) | (v >> (32 - c)) }
        for _ in 0..<4 {
            x4 ^= rotl(x0 &+ x12, 7); x8 ^= rotl(x4 &+ x0, 9); x12 ^= rotl(x8 &+ x4, 13); x0 ^= rotl(x12 &+ x8, 18)
            x9 ^= rotl(x5 &+ x1, 7); x13 ^= rotl(x9 &+ x5, 9); x1 ^= rotl(x13 &+ x9, 13); x5 ^= rotl(x1 &+ x13, 18)
            x14 ^= rotl(x10 &+ x6, 7); x2 ^= rotl(x14 &+ x10, 9); x6 ^= rotl(x2 &+ x14, 13); x10 ^= rotl(x6 &+ x2, 18)
            x3 ^= rotl(x15 &+ x11, 7); x7 ^= rotl(x3 &+ x15, 9); x11 ^= rotl(x7 &+ x3, 13); x15 ^= rotl(x11 &+ x7, 18)
            x1 ^= rotl(x0 &+ x3, 7); x2 ^= rotl(x1 &+ x0, 9); x3 ^= rotl(x2 &+ x1, 13); x0 ^= rotl(x3 &+ x2, 18)
            x6 ^= rotl(x5 &+ x4, 7); x7 ^= rotl(x6 &+ x5, 9); x4 ^= rotl(x7 &+ x6, 13); x5 ^= rotl(x4 &+ x7, 18)
            x11 ^= rotl(x10 &+ x9, 7); x8 ^= rotl(x11 &+ x10, 9); x9 ^= rotl(x8 &+ x11, 13); x10 ^= rotl(x9 &+ x8, 18)
            x12 ^= rotl(x15 &+ x14, 7); x13 ^= rotl(x12 &+ x15, 9); x14 ^= rotl(x13 &+ x12, 13); x15 ^= rotl(x14 &+ x13, 18)
        }
        b[0] &+= x0; b[1] &+= x1; b[2] &+= x2; b[3] &+= x3; b[4] &+= x4; b[5] &+= x5; b[6] &+= x6; b[7] &+= x7
        b[8] &+= x8; b[9] &+= x9; b[10] &+= x10; b[11] &+= x11; b[12] &+= x12; b[13] &+= x13; b[14] &+= x14; b[15] &+= x15
    }
}
