import ABI

/// exit and exit_group (Linux: kernel/exit.c). With one thread per process
/// so far they are the same; wait status encoding: (code & 0xff) << 8.
enum ExitSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.exit, exit),
        (.exit_group, exit),
    ]

    static func exit(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        Scheduler.exitCurrent(status: WaitStatus.exited(code: Int32(truncatingIfNeeded: arguments.a0)))
    }
}
