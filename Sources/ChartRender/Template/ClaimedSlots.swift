import Foundation

/// One result slot per work item, for a few threads that each claim the next unstarted item:
/// a slot is written only by the thread that claimed its index and read after all threads have
/// finished (the caller's join orders the writes before the reads). Call `release()` once done.
final class ClaimedSlots<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<T?>
    private let lock = NSLock()
    private var next = 0

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    /// The index of the next item to work on, nil when all are taken.
    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func release() {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}
