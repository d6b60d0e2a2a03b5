import ABI
import Core
import Lib

/// fork, vfork, clone (Linux: kernel/fork.c). clone3 is left ENOSYS: glibc
/// and musl try it first and fall back to clone.
enum ForkSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.fork, fork),
        (.vfork, vfork),
        (.clone, clone),  // partial: no namespaces, pidfds or ptrace
    ]

    static func fork(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        Int64(try Task.kernelClone(CloneArguments(flags: [], exitSignal: .SIGCHLD), registers: arguments.registers))
    }

    /// The child borrows the parent's memory and the parent sleeps until the
    /// child execs or exits.
    static func vfork(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        Int64(try Task.kernelClone(CloneArguments(flags: [.CLONE_VFORK, .CLONE_VM], exitSignal: .SIGCHLD),
                                   registers: arguments.registers))
    }

    /// clone(flags, stack, parent_tid, child_tid, tls) — x86-64's argument
    /// order. The low byte of the 32-bit flags is the exit signal; 0, or a
    /// number above 64, means none is sent (Linux does not check it either).
    static func clone(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let word = UInt64(UInt32(truncatingIfNeeded: arguments.a0))
        let signalNumber = Int32(word & CloneFlags.CSIGNAL.rawValue)
        let clone = CloneArguments(flags: CloneFlags(rawValue: word & ~CloneFlags.CSIGNAL.rawValue),
                                   exitSignal: Signal(rawValue: signalNumber),
                                   stack: arguments.a1, parentTID: arguments.a2, childTID: arguments.a3, tls: arguments.a4)
        return Int64(try Task.kernelClone(clone, registers: arguments.registers))
    }
}
