import Testing
@testable import Sandbox

@Test func reportsAVersionKubectlsDispatcherKnows() {
    #expect(SandboxVersion.gitVersion.hasPrefix("v\(SandboxVersion.major).\(SandboxVersion.minor)."))
}
