import ABI

/// getpid, gettid, getppid (Linux: kernel/sys.c). A thread-group id equals
/// the pid until CLONE_THREAD exists.
enum ProcessIdentitySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getpid, { _ throws(Errno) in Int64(Scheduler.current.tgid) }),
        (.gettid, { _ throws(Errno) in Int64(Scheduler.current.pid) }),
        (.getppid, { _ throws(Errno) in Int64(Scheduler.current.parent?.tgid ?? 0) }),
    ]
}
