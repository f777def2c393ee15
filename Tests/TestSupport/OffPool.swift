import Foundation

// Blocking work for tests, kept off the Swift concurrency pool.
//
// Swift Testing runs every test, synchronous or not, on the cooperative thread pool, which has
// one thread per core (two on the CI machine). A test that blocks one of those threads (waiting
// for a child process, `EventLoopFuture.wait()`, sleeping) holds it for the whole wait, and every
// async test in the run then queues for the other thread at each `await`: a watch that opens in
// milliseconds alone waited over 60 s in a full run. These helpers do the blocking part on a
// thread of their own and suspend the calling task until it is done, so the pool keeps running.

/// Runs `work` on a new thread (not one of the pool's) and returns its result.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// `offPool` for work that cannot throw.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// What a finished child process wrote and how it ended.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: Data
    /// Empty when stderr was merged into stdout.
    public var stderr: Data
    /// From the start of the child to its exit, in seconds: without the wait for a free slot
    /// (`ProcessSlots`), which grows with how many other tests run processes at the time.
    public var seconds: Double

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Limits how many child processes the tests run at once. Before the waits moved off the pool,
/// the two blocked pool threads happened to cap that at two; with nothing blocking, ~70 CLI
/// tests would otherwise start their processes together on a 2-core machine.
actor ProcessSlots {
    static let shared = ProcessSlots(max(2, ProcessInfo.processInfo.activeProcessorCount * 2))

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

/// Runs `executable` with `arguments` to completion and collects its output, without blocking
/// a pool thread: the process is started, read and waited for on threads of its own.
/// - stdin: the child's whole input, then end of file (nil: /dev/null).
/// - mergeStderr: stderr goes to the stdout pipe, as `2>&1` (openssl, python checkers).
public func runProcess(_ executable: URL, _ arguments: [String], stdin: Data? = nil, cwd: URL? = nil,
                       environment: [String: String]? = nil, mergeStderr: Bool = false) async throws -> ProcessOutput {
    await ProcessSlots.shared.acquire()
    do {
        let result = try await offPool { try runProcessBlocking(executable, arguments, stdin: stdin, cwd: cwd, environment: environment, mergeStderr: mergeStderr) }
        await ProcessSlots.shared.release()
        return result
    } catch {
        await ProcessSlots.shared.release()
        throw error
    }
}

/// Filled by a reader thread before it signals `done`.
private final class DataBox: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

private func runProcessBlocking(_ executable: URL, _ arguments: [String], stdin: Data?, cwd: URL?,
                                environment: [String: String]?, mergeStderr: Bool) throws -> ProcessOutput {
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    if let cwd { p.currentDirectoryURL = cwd }
    if let environment { p.environment = environment }
    let out = Pipe()
    let err = mergeStderr ? out : Pipe()
    p.standardOutput = out
    p.standardError = err
    let input = Pipe()
    p.standardInput = stdin == nil ? FileHandle.nullDevice : input
    // Input that fits the pipe's buffer (64 KiB on Linux) is written before the start, so a child
    // that exits without reading it cannot raise SIGPIPE here; larger input goes in on a thread
    // of its own while the child reads it.
    let small = (stdin?.count ?? 0) <= 60_000
    if let stdin, small {
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
    }
    let started = Date()
    try p.run()
    let wrote = DispatchSemaphore(value: 0)
    if let stdin, !small {
        Thread.detachNewThread {
            input.fileHandleForWriting.write(stdin)
            try? input.fileHandleForWriting.close()
            wrote.signal()
        }
    } else {
        wrote.signal()
    }
    // stderr on a thread of its own so neither pipe can fill and stall the child.
    let errBox = DataBox()
    if mergeStderr {
        errBox.done.signal()
    } else {
        Thread.detachNewThread {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            errBox.done.signal()
        }
    }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    errBox.done.wait()
    wrote.wait()
    p.waitUntilExit()
    return ProcessOutput(status: p.terminationStatus, stdout: o, stderr: errBox.data, seconds: Date().timeIntervalSince(started))
}
