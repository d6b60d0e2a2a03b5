import X86Asm

/// The FS and GS base addresses of user code (Linux: thread_struct's fsbase
/// and gsbase, arch/x86/kernel/process_64.c). x86-64 user space reaches its
/// thread-local storage through FS: the C library points it at the thread's
/// TLS block with arch_prctl(ARCH_SET_FS) before main. GS is free for
/// programs to use the same way.
///
/// The kernel itself never uses FS, so the user's FS base simply stays
/// loaded. GS is the kernel's per-CPU pointer: on every entry swapgs moves
/// the user's GS base into MSR_KERNEL_GS_BASE, where it waits until the
/// swapgs on the way out. User code cannot change either base itself
/// (CR4.FSGSBASE is off), so the scheduler saves them when a user task
/// stops running and loads them when one starts, as it does the FPU state.
public struct UserSegmentBases: Equatable, Sendable {
    public var fs: UInt64
    public var gs: UInt64

    public init(fs: UInt64 = 0, gs: UInt64 = 0) {
        self.fs = fs
        self.gs = gs
    }

    private static let fsBaseMSR: UInt32 = 0xC000_0100  // MSR_FS_BASE
    private static let userGSBaseMSR: UInt32 = 0xC000_0102  // MSR_KERNEL_GS_BASE, while in the kernel

    /// The running task's bases, as the CPU holds them. Values must be
    /// canonical addresses (the caller checks they are user addresses).
    public static var live: UserSegmentBases {
        get { UserSegmentBases(fs: rdmsr(fsBaseMSR), gs: rdmsr(userGSBaseMSR)) }
        set {
            wrmsr(fsBaseMSR, newValue.fs)
            wrmsr(userGSBaseMSR, newValue.gs)
        }
    }
}
