import Foundation

/// Standard-alphabet base64 with padding, as Go's `base64.StdEncoding`.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// nil when the text is not valid padded standard base64.
    static func decode(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }
}
