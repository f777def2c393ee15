import Foundation

/// Runs deep template recursion (include chains up to Helm's 1000 levels) on a thread with a
/// large stack; the pages are only reserved, and touched only when a template recurses.
public enum LargeStack {
    static let size = 512 << 20

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result { try body() }
            done.signal()
        }
        thread.stackSize = size
        thread.start()
        done.wait()
        guard let result = box.result else { throw RenderError(description: "internal error: the render thread ended without a result") }
        return try result.get()
    }

    /// Written once by the worker thread before it signals; read after the wait.
    private final class ResultBox<T>: @unchecked Sendable {
        var result: Result<T, Error>?
    }
}
