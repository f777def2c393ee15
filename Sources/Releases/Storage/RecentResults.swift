import Foundation

/// The last few results of a costly pure function, shared by all threads: a key computed by one
/// thread is not computed again by another, which waits for it instead (release records: the
/// pending and the final record of an operation share their largest parts, and the engine starts
/// computing them on another thread ahead of time). Least recently used entries go first.
final class RecentResults<Key: Equatable & Sendable, Value: Sendable>: @unchecked Sendable {
    // @unchecked: `entries` and each entry's `value` are only touched with `condition` locked.
    private final class Entry {
        let key: Key
        var value: Value?
        init(key: Key) { self.key = key }
    }

    private let capacity: Int
    private let condition = NSCondition()
    private var entries: [Entry] = []

    init(capacity: Int) { self.capacity = capacity }

    /// The value for `key`, computed by `compute` only when no entry holds it or is being
    /// computed; `computed` says whether this call computed it. Keys are compared in full, so a
    /// lookup costs a comparison per entry (a handful, each failing fast or identical storage).
    func value(for key: Key, compute: () throws -> Value) rethrows -> (value: Value, computed: Bool) {
        condition.lock()
        var entry: Entry
        while true {
            guard let i = entries.firstIndex(where: { $0.key == key }) else {
                entry = Entry(key: key)
                entries.append(entry)
                if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
                break
            }
            let found = entries[i]
            if let value = found.value {
                entries.remove(at: i)
                entries.append(found)
                condition.unlock()
                return (value, false)
            }
            // Another thread is computing it (it holds no lock while it does): wait for its result.
            condition.wait()
        }
        condition.unlock()
        let value: Value
        do {
            value = try compute()
        } catch {
            condition.lock()
            entries.removeAll { $0 === entry }
            condition.broadcast()
            condition.unlock()
            throw error
        }
        condition.lock()
        entry.value = value
        condition.broadcast()
        condition.unlock()
        return (value, true)
    }
}
