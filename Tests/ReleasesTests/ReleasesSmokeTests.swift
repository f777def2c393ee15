import Testing
@testable import Releases

@Test func pendingStatusesAreSpelledAsHelmStoresThem() {
    #expect(ReleaseStatus(rawValue: "pending-upgrade") == .pendingUpgrade)
    #expect(ReleaseStatus.allCases.filter(\.isPending).map(\.rawValue)
        == ["pending-install", "pending-upgrade", "pending-rollback"])
}
