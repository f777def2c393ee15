import Foundation

/// Runs deep template recursion (include chains up to Helm's 1000 levels) on a thread with a
/// large stack; the pages are only reserved, and touched only when a template recurses.
public enum LargeStack {
    static let size = 512 << 20

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        try onThread(stackSize: size) { Result { try body() } }().get()
    }

    /// Runs `body(i)` for every `i` in `0..<count` on the calling thread and up to `workers - 1`
    /// more threads with large stacks (each thread takes the next unstarted index), returning
    /// the results in index order once all have finished. For independent items only.
    static func forEach<T>(_ count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let slots = ClaimedSlots<T>(count: count)
        defer { slots.release() }
        let work: @Sendable () -> Void = {
            while let i = slots.claim() { slots.slots[i] = body(i) }
        }
        let extra = max(0, min(workers, count) - 1)
        let done = DispatchGroup()
        for _ in 0..<extra {
            done.enter()
            let thread = Thread { work(); done.leave() }
            thread.stackSize = size
            thread.start()
        }
        work()
        done.wait()
        return slots.slots.map { $0! }
    }

    /// How many threads a render uses: one per core, at most four.
    static var workers: Int { min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    /// Starts `body` on a thread of its own (with `stackSize` bytes of stack, else the default);
    /// the returned function waits for and returns its result.
    public static func onThread<T: Sendable>(stackSize: Int? = nil, _ body: @escaping @Sendable () -> T) -> () -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
        return {
            done.wait()
            guard let value = box.value else { preconditionFailure("the thread signalled without a result") }
            return value
        }
    }

    /// Written once by the thread before it signals; read after the wait.
    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }
}
