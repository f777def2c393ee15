import Testing
@testable import TarsServer

@Test func reportsTheChartAppVersion() {
    #expect(ServiceInfo().version == "0.4.0-alpha")
}
