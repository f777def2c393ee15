/// The Kubernetes version the sandbox reports on `/version`; kubectl's dispatcher picks its build from it.
public enum SandboxVersion {
    public static let major = "1"
    public static let minor = "32"
    public static let gitVersion = "v1.32.4"
}
