/// bcrypt (Provos and Mazières) as golang.org/x/crypto/bcrypt computes it, version `$2a$`:
/// the password plus a NUL byte keys an expensively salted Blowfish, which then encrypts
/// "OrpheanBeholderScryDoubt" 64 times.
enum Bcrypt {
    static let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    static func hash(password: [UInt8], cost: Int = 10, salt fixedSalt: [UInt8]? = nil) -> String {
        var salt = fixedSalt ?? []
        if fixedSalt == nil {
            var rng = SystemRandomNumberGenerator()
            salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        var state = Blowfish.initial()
        let key = password + [0]
        state.withUnsafeMutableBufferPointer { s in
            Blowfish.expand(s, key: key, salt: salt)
            for _ in 0..<(1 << cost) {
                Blowfish.expand(s, key: key, salt: nil)
                Blowfish.expand(s, key: salt, salt: nil)
            }
        }
        var text = Array("OrpheanBeholderScryDoubt".utf8)
        state.withUnsafeMutableBufferPointer { s in
            for i in stride(from: 0, to: 24, by: 8) {
                var l = UInt32(text[i]) << 24 | UInt32(text[i + 1]) << 16 | UInt32(text[i + 2]) << 8 | UInt32(text[i + 3])
                var r = UInt32(text[i + 4]) << 24 | UInt32(text[i + 5]) << 16 | UInt32(text[i + 6]) << 8 | UInt32(text[i + 7])
                for _ in 0..<64 { (l, r) = Blowfish.encrypt(s, l, r) }
                for k in 0..<4 {
                    text[i + k] = UInt8(truncatingIfNeeded: l >> (24 - 8 * k))
                    text[i + 4 + k] = UInt8(truncatingIfNeeded: r >> (24 - 8 * k))
                }
            }
        }
        let costText = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$2a$\(costText)$" + encode(salt) + encode(Array(text.prefix(23)))
    }

    /// Whether `hash` (a `$2a$`/`$2b$`/`$2y$` string) is the bcrypt of `password`.
    static func verify(password: [UInt8], hash: String) -> Bool {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, ["2a", "2b", "2y"].contains(parts[1]), let cost = Int(parts[2]), (4...31).contains(cost),
              parts[3].utf8.count == 53, let salt = decode(Array(parts[3].utf8.prefix(22))) else { return false }
        let again = Bcrypt.hash(password: password, cost: cost, salt: salt)
        return again.dropFirst(4) == hash.dropFirst(4)
    }

    /// Standard base64 bit order with bcrypt's alphabet and no padding.
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v: UInt32 = 0
            for k in 0..<3 { v = v << 8 | UInt32(k < n ? bytes[i + k] : 0) }
            for k in 0...n { out.append(alphabet[Int((v >> (18 - 6 * k)) & 0x3F)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ chars: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            let n = min(4, chars.count - i)
            if n == 1 { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                var d: UInt32 = 0
                if k < n {
                    guard let idx = alphabet.firstIndex(of: chars[i + k]) else { return nil }
                    d = UInt32(idx)
                }
                v = v << 6 | d
            }
            for k in 0..<(n - 1) { out.append(UInt8(truncatingIfNeeded: v >> (16 - 8 * k))) }
            i += 4
        }
        return out
    }
}

/// Blowfish's state as one array: P at 0..<18, then the four S-boxes of 256 words.
enum Blowfish {
    static func initial() -> [UInt32] {
        BlowfishTables.p + BlowfishTables.s0 + BlowfishTables.s1 + BlowfishTables.s2 + BlowfishTables.s3
    }

    @inline(__always)
    static func f(_ s: UnsafeMutableBufferPointer<UInt32>, _ x: UInt32) -> UInt32 {
        ((s[18 + Int(x >> 24)] &+ s[274 + Int((x >> 16) & 0xFF)]) ^ s[530 + Int((x >> 8) & 0xFF)]) &+ s[786 + Int(x & 0xFF)]
    }

    static func encrypt(_ s: UnsafeMutableBufferPointer<UInt32>, _ l: UInt32, _ r: UInt32) -> (UInt32, UInt32) {
        var xl = l ^ s[0], xr = r
        var i = 1
        while i < 17 {
            xr ^= f(s, xl) ^ s[i]
            xl ^= f(s, xr) ^ s[i + 1]
            i += 2
        }
        xr ^= s[17]
        return (xr, xl)
    }

    /// The next big-endian word of `bytes`, cycling from the start when they run out.
    @inline(__always)
    static func word(_ bytes: [UInt8], _ j: inout Int) -> UInt32 {
        var w: UInt32 = 0
        for _ in 0..<4 {
            if j >= bytes.count { j = 0 }
            w = w << 8 | UInt32(bytes[j])
            j += 1
        }
        return w
    }

    /// Key expansion: P ^= key, then P and the S-boxes are replaced by successive encryptions,
    /// each of the previous output mixed with the salt's words when there is a salt.
    static func expand(_ s: UnsafeMutableBufferPointer<UInt32>, key: [UInt8], salt: [UInt8]?) {
        var j = 0
        for i in 0..<18 { s[i] ^= word(key, &j) }
        j = 0
        var l: UInt32 = 0, r: UInt32 = 0
        var i = 0
        while i < 1042 {
            if let salt {
                l ^= word(salt, &j)
                r ^= word(salt, &j)
            }
            (l, r) = encrypt(s, l, r)
            s[i] = l
            s[i + 1] = r
            i += 2
        }
    }
}
