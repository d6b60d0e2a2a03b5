import Core

/// Where a function whose stack canary was overwritten ends up (Linux:
/// kernel/panic.c __stack_chk_fail). Swift's stack protector guards every
/// function with a buffer on its stack: the prologue copies
/// `__stack_chk_guard` (head.S sets it) below the return address, the
/// epilogue compares it and calls this on a mismatch, before the
/// overwritten return address can be used.
@c(__stack_chk_fail)
func stackCheckFail() -> Never {
    let frame = CPU.framePointer
    let caller = StackTrace.returnAddresses(framePointer: frame, stack: frame..<(frame + 16), limit: 1).first
    panic("stack-protector: Kernel stack is corrupted in: \(caller.map { Kallsyms.describe($0 - 1) } ?? "?")")
}
