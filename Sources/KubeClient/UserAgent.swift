/// The User-Agent every request to a cluster carries.
public enum UserAgent {
    public static func value(version: String) -> String { "tarsctl/\(version)" }
}
