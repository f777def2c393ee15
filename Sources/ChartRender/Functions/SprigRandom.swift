import Foundation

/// Sprig's random values: strings from goutils' crypto-random generators, base64 random bytes
/// and version-4 UUIDs, all from the system's secure generator.
enum SprigRandom {
    static let digits = Array("0123456789".unicodeScalars)
    static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)
    /// goutils.CryptoRandomAscii: the printable characters 32…126.
    static let ascii = (32...126).map { Unicode.Scalar(UInt8($0)) }

    static func random(_ count: Value, from set: [Unicode.Scalar]) -> Value {
        let n = Int(SprigConvert.int64(count))
        // goutils refuses a negative length; Sprig drops the error and prints "".
        guard n > 0 else { return .string("") }
        var g = SystemRandomNumberGenerator()
        return .string(String(String.UnicodeScalarView((0..<n).map { _ in set.randomElement(using: &g)! })))
    }

    static let functions: [TemplateFunction] = [
        TemplateFunction("randAlphaNum", [.int]) { a, _ in random(a[0], from: digits + letters) },
        TemplateFunction("randAlpha", [.int]) { a, _ in random(a[0], from: letters) },
        TemplateFunction("randNumeric", [.int]) { a, _ in random(a[0], from: digits) },
        TemplateFunction("randAscii", [.int]) { a, _ in random(a[0], from: ascii) },
        TemplateFunction("randBytes", [.int]) { a, _ in
            let n = Int(SprigConvert.int64(a[0]))
            guard n >= 0 else { throw FunctionError("runtime error: makeslice: len out of range") }
            var g = SystemRandomNumberGenerator()
            return .string(Data((0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }).base64EncodedString())
        },
        TemplateFunction("uuidv4") { _, _ in .string(UUID().uuidString.lowercased()) },
    ]
}
