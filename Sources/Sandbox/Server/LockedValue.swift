import Foundation

/// A value shared across threads behind a lock.
///
/// `@unchecked Sendable`: `value` is only reached through `withLock`, which holds `lock`.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
