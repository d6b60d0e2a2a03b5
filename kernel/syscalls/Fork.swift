import ABI
import Core

/// fork, vfork, clone (Linux: kernel/fork.c).
enum ForkSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.fork, fork),
        (.vfork, fork),  // partial: a full copy-on-write fork; the parent does not wait for exec/exit
        (.clone, clone),  // partial: process clones (exit signal only); threads need CLONE_VM and friends
    ]

    static func fork(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let child = try Task.fork(of: Scheduler.current, registers: arguments.registers)
        Scheduler.wakeUpNewTask(child)
        return Int64(child.pid)
    }

    /// clone(flags, stack, parent_tid, child_tid, tls): only the fork-like
    /// form — an exit signal in the low byte, nothing else — until threads exist.
    static func clone(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        guard arguments.a0 & ~0xFF == 0, arguments.a1 == 0 else { throw .EINVAL }
        return try fork(arguments)
    }
}
