/// The registers saved on interrupt or exception entry, in Linux's `struct
/// pt_regs` order (arch/x86/include/asm/ptrace.h); entry.S builds it.
public struct TrapFrame {
    public var r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8: UInt64
    public var rax, rcx, rdx, rsi, rdi: UInt64
    /// The vector number (Linux keeps the error code in orig_ax instead).
    public var vector: UInt64
    public var errorCode: UInt64
    // Pushed by the CPU.
    public var rip, cs, rflags, rsp, ss: UInt64

    /// Whether the interrupted code ran in ring 3.
    public var isUserMode: Bool { cs & 3 == 3 }
}
