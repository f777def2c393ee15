import Testing
@testable import KubeClient

@Test func userAgentNamesTheTool() {
    #expect(UserAgent.value(version: "1.2.3") == "tarsctl/1.2.3")
}
