import ABI
import Core
import Lib

/// A system call as the table holds it: the caller's saved registers in,
/// a result or an Errno out, which the dispatcher turns into -errno (the
/// only place that happens). The registers are the frame on the kernel
/// stack itself, inout, never a copy (a copy is 176 bytes, and each one
/// costs more than the rest of a null system call): execve and rt_sigreturn
/// replace them. The closure is kept in a struct, so the table's Array
/// stores it as it is and calls it without a reabstraction thunk.
public struct SyscallHandler: Sendable {
    let call: @Sendable (inout TrapFrame) throws(Errno) -> Int64
}

extension TrapFrame {
    /// Argument `index` of a system call in the x86-64 order: RDI, RSI, RDX, R10, R8, R9.
    fileprivate func argument<T: SyscallArgument>(_ index: Int) throws(Errno) -> T {
        let raw =
            switch index {
            case 0: rdi
            case 1: rsi
            case 2: rdx
            case 3: r10
            case 4: r8
            default: r9
            }
        return try T(syscallArgument: raw)
    }
}

// The adapters from a typed handler to a table entry (Linux:
// SYSCALL_DEFINE0...6): `(.read, syscall(read))` for
// `read(_ fd: FileDescriptor, _ buffer: UserPointer<UInt8>, _ count: UInt64)`.
// Each argument is decoded from its register, in order. A handler that
// needs the registers themselves (Linux: current_pt_regs) takes them first,
// inout: fork and clone copy them into the child, sigaltstack finds the
// user stack in them, execve and rt_sigreturn replace them. Its arguments
// are decoded before the call, which then has the registers to itself.

func syscall(_ body: @escaping @Sendable () throws(Errno) -> Int64) -> SyscallHandler {
    SyscallHandler { _ throws(Errno) in try body() }
}

func syscall<A: SyscallArgument>(_ body: @escaping @Sendable (A) throws(Errno) -> Int64) -> SyscallHandler {
    SyscallHandler { r throws(Errno) in try body(r.argument(0)) }
}

func syscall<A: SyscallArgument, B: SyscallArgument>(
    _ body: @escaping @Sendable (A, B) throws(Errno) -> Int64
) -> SyscallHandler {
    SyscallHandler { r throws(Errno) in try body(r.argument(0), r.argument(1)) }
}

func syscall<A: SyscallArgument, B: SyscallArgument, C: SyscallArgument>(
    _ body: @escaping @Sendable (A, B, C) throws(Errno) -> Int64
) -> SyscallHandler {
    SyscallHandler { r throws(Errno) in try body(r.argument(0), r.argument(1), r.argument(2)) }
}

func syscall<A: SyscallArgument, B: SyscallArgument, C: SyscallArgument, D: SyscallArgument>(
    _ body: @escaping @Sendable (A, B, C, D) throws(Errno) -> Int64
) -> SyscallHandler {
    SyscallHandler { r throws(Errno) in try body(r.argument(0), r.argument(1), r.argument(2), r.argument(3)) }
}

func syscall<A: SyscallArgument, B: SyscallArgument, C: SyscallArgument, D: SyscallArgument, E: SyscallArgument>(
    _ body: @escaping @Sendable (A, B, C, D, E) throws(Errno) -> Int64
) -> SyscallHandler {
    SyscallHandler { r throws(Errno) in
        try body(r.argument(0), r.argument(1), r.argument(2), r.argument(3), r.argument(4))
    }
}

func syscall<
    A: SyscallArgument, B: SyscallArgument, C: SyscallArgument, D: SyscallArgument, E: SyscallArgument,
    F: SyscallArgument
>(
    _ body: @escaping @Sendable (A, B, C, D, E, F) throws(Errno) -> Int64
) -> SyscallHandler {
    SyscallHandler { r throws(Errno) in
        try body(r.argument(0), r.argument(1), r.argument(2), r.argument(3), r.argument(4), r.argument(5))
    }
}

func syscall(_ body: @escaping @Sendable (inout TrapFrame) throws(Errno) -> Int64) -> SyscallHandler {
    SyscallHandler(call: body)
}

func syscall<A: SyscallArgument, B: SyscallArgument>(
    _ body: @escaping @Sendable (inout TrapFrame, A, B) throws(Errno) -> Int64
) -> SyscallHandler {
    SyscallHandler { r throws(Errno) in
        let (a, b): (A, B) = (try r.argument(0), try r.argument(1))
        return try body(&r, a, b)
    }
}

func syscall<A: SyscallArgument, B: SyscallArgument, C: SyscallArgument>(
    _ body: @escaping @Sendable (inout TrapFrame, A, B, C) throws(Errno) -> Int64
) -> SyscallHandler {
    SyscallHandler { r throws(Errno) in
        let (a, b, c): (A, B, C) = (try r.argument(0), try r.argument(1), try r.argument(2))
        return try body(&r, a, b, c)
    }
}

func syscall<A: SyscallArgument, B: SyscallArgument, C: SyscallArgument, D: SyscallArgument, E: SyscallArgument>(
    _ body: @escaping @Sendable (inout TrapFrame, A, B, C, D, E) throws(Errno) -> Int64
) -> SyscallHandler {
    SyscallHandler { r throws(Errno) in
        let (a, b, c, d, e): (A, B, C, D, E) = (
            try r.argument(0), try r.argument(1), try r.argument(2), try r.argument(3), try r.argument(4)
        )
        return try body(&r, a, b, c, d, e)
    }
}
