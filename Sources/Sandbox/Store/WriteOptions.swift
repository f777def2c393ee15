/// Query options shared by the write verbs.
public struct WriteOptions: Sendable {
    public var fieldManager: String?
    public var dryRun = false
    public var force = false
    public var subresource = ""

    public init(fieldManager: String? = nil, dryRun: Bool = false, force: Bool = false, subresource: String = "") {
        self.fieldManager = fieldManager
        self.dryRun = dryRun
        self.force = force
        self.subresource = subresource
    }
}

/// How a DELETE treats the dependents of the object.
public enum PropagationPolicy: String, Sendable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}
