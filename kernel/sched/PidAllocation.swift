import Lib

/// Process IDs (Linux: kernel/pid.c): the idle task is 0, then IDs are
/// handed out cyclically up to pid_max, so a just-freed ID is not reused at
/// once — a stale PID in user space is less likely to name a new process.
enum PidAllocation {
    nonisolated(unsafe) private static var allocator: PidAllocator? = nil
    private static let lock = SpinLock()

    static func initialize() {
        let pids = PidAllocator()
        try? pids.allocate(exactly: 0)
        allocator = pids
    }

    static func allocate() -> Int32? {
        lock.withLockIrqSave { () -> Int32? in
            guard let pid = try? allocator?.allocate() else { return nil }
            return Int32(pid)
        }
    }

    static func free(_ pid: Int32) {
        lock.withLockIrqSave { try? allocator?.free(Int(pid)) }
    }
}
