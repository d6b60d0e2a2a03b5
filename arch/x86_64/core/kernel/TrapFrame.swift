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

    /// The registers a program starts with: `rip` and `rsp`, interrupts on,
    /// the user segments, every other register zero (Linux: start_thread).
    /// Written over a system call's frame by execve, so the old program's
    /// registers never reach the new one. The return path leaves through
    /// iretq, which checks RIP (SYSRET would fault in ring 0 on a
    /// non-canonical one); `rip` lies below TASK_SIZE, canonical anyway.
    public static func userEntry(rip: UInt64, rsp: UInt64) -> TrapFrame {
        TrapFrame(
            r15: 0, r14: 0, r13: 0, r12: 0, rbp: 0, rbx: 0, r11: 0, r10: 0, r9: 0, r8: 0,
            rax: 0, rcx: 0, rdx: 0, rsi: 0, rdi: 0, vector: 0, errorCode: 0,
            rip: rip, cs: UInt64(Selector.userCode), rflags: 0x202, rsp: rsp, ss: UInt64(Selector.userData))
    }

    /// Whether the interrupted code ran in ring 3.
    public var isUserMode: Bool { cs & 3 == 3 }
}
