import ABI
import Core
import Lib

/// A system call as the table holds it: the caller's saved registers in,
/// a result or an Errno out, which the dispatcher turns into -errno (the
/// only place that happens). Sendable, so the family tables are.
public typealias SyscallHandler = @Sendable (UserRegisters) throws(Errno) -> Int64

/// The user registers saved at a system call (Linux: struct pt_regs). The
/// argument registers are decoded by the adapters below; the whole frame is
/// there for the calls that look beyond their arguments: fork and clone
/// copy it into the child, sigaltstack asks where the user stack is.
public struct UserRegisters {
    let frame: TrapFrame

    init(_ frame: TrapFrame) { self.frame = frame }

    /// The user stack pointer at the call.
    var stackPointer: UInt64 { frame.rsp }

    /// Argument `index` in the x86-64 order: RDI, RSI, RDX, R10, R8, R9.
    fileprivate func argument<T: SyscallArgument>(_ index: Int) throws(Errno) -> T {
        let raw =
            switch index {
            case 0: frame.rdi
            case 1: frame.rsi
            case 2: frame.rdx
            case 3: frame.r10
            case 4: frame.r8
            default: frame.r9
            }
        return try T(syscallArgument: raw)
    }
}

// The adapters from a typed handler to a table entry (Linux:
// SYSCALL_DEFINE0...6): `(.read, syscall(read))` for
// `read(_ fd: FileDescriptor, _ buffer: UserPointer<UInt8>, _ count: UInt64)`.
// Each argument is decoded from its register, in order; a handler that
// needs the registers themselves takes UserRegisters first.

func syscall(_ body: @escaping @Sendable () throws(Errno) -> Int64) -> SyscallHandler {
    { _ throws(Errno) in try body() }
}

func syscall<A: SyscallArgument>(_ body: @escaping @Sendable (A) throws(Errno) -> Int64) -> SyscallHandler {
    { r throws(Errno) in try body(r.argument(0)) }
}

func syscall<A: SyscallArgument, B: SyscallArgument>(
    _ body: @escaping @Sendable (A, B) throws(Errno) -> Int64
) -> SyscallHandler {
    { r throws(Errno) in try body(r.argument(0), r.argument(1)) }
}

func syscall<A: SyscallArgument, B: SyscallArgument, C: SyscallArgument>(
    _ body: @escaping @Sendable (A, B, C) throws(Errno) -> Int64
) -> SyscallHandler {
    { r throws(Errno) in try body(r.argument(0), r.argument(1), r.argument(2)) }
}

func syscall<A: SyscallArgument, B: SyscallArgument, C: SyscallArgument, D: SyscallArgument>(
    _ body: @escaping @Sendable (A, B, C, D) throws(Errno) -> Int64
) -> SyscallHandler {
    { r throws(Errno) in try body(r.argument(0), r.argument(1), r.argument(2), r.argument(3)) }
}

func syscall<A: SyscallArgument, B: SyscallArgument, C: SyscallArgument, D: SyscallArgument, E: SyscallArgument>(
    _ body: @escaping @Sendable (A, B, C, D, E) throws(Errno) -> Int64
) -> SyscallHandler {
    { r throws(Errno) in try body(r.argument(0), r.argument(1), r.argument(2), r.argument(3), r.argument(4)) }
}

func syscall<
    A: SyscallArgument, B: SyscallArgument, C: SyscallArgument, D: SyscallArgument, E: SyscallArgument,
    F: SyscallArgument
>(
    _ body: @escaping @Sendable (A, B, C, D, E, F) throws(Errno) -> Int64
) -> SyscallHandler {
    { r throws(Errno) in
        try body(r.argument(0), r.argument(1), r.argument(2), r.argument(3), r.argument(4), r.argument(5))
    }
}

func syscall(_ body: @escaping @Sendable (UserRegisters) throws(Errno) -> Int64) -> SyscallHandler {
    body
}

func syscall<A: SyscallArgument, B: SyscallArgument>(
    _ body: @escaping @Sendable (UserRegisters, A, B) throws(Errno) -> Int64
) -> SyscallHandler {
    { r throws(Errno) in try body(r, r.argument(0), r.argument(1)) }
}

func syscall<A: SyscallArgument, B: SyscallArgument, C: SyscallArgument, D: SyscallArgument, E: SyscallArgument>(
    _ body: @escaping @Sendable (UserRegisters, A, B, C, D, E) throws(Errno) -> Int64
) -> SyscallHandler {
    { r throws(Errno) in try body(r, r.argument(0), r.argument(1), r.argument(2), r.argument(3), r.argument(4)) }
}
