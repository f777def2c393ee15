import Testing
@testable import Validation

@Test func severitiesOrderFromInfoToError() {
    #expect(Severity.info < .warning && Severity.warning < .error)
    #expect([Severity.error, .info, .warning].sorted() == [.info, .warning, .error])
}
