/// The tarsctl release version, shared by `--version`, the User-Agent and `.Capabilities.HelmVersion`.
public let version = "0.1.0"
