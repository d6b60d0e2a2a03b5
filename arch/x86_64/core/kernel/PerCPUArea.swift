import X86Asm

/// The per-CPU area that GS points at in the kernel (Linux: the per-CPU
/// section and its `cpu_current_top_of_stack`, reached through %gs). The
/// system-call entry runs before it has a stack, so it finds the running
/// task's kernel stack here; slot offsets are fixed because syscall_64.S
/// names them.
public enum PerCPUArea {
    /// Slot 0: the area's own address; 1: scratch for the user RSP on entry;
    /// 2: the top of the running task's kernel stack.
    private static let slots = 4
    nonisolated(unsafe) private static var area: UnsafeMutablePointer<UInt64>? = nil
    nonisolated(unsafe) private static var tables: CPUTables? = nil

    /// Sets up the boot CPU's area and points the kernel GS base at it.
    public static func initialize(tables cpuTables: CPUTables) {
        unsafe tables = cpuTables
        let block = UnsafeMutablePointer<UInt64>.allocate(capacity: slots)
        unsafe block.initialize(repeating: 0, count: slots)
        unsafe block[0] = UInt64(UInt(bitPattern: block))
        unsafe area = block
        unsafe write_gs_base_kernel(block[0])
    }

    /// Where SYSCALL switches stacks to, and where the TSS sends interrupts from ring 3.
    public static func setKernelStack(top: UInt64) {
        unsafe area?[2] = top
        unsafe tables?.setKernelStack(top: top)
    }
}

/// The SYSCALL/SYSRET mechanism (Linux: syscall_init in arch/x86/kernel/cpu/common.c).
public enum SyscallEntry {
    /// -ENOSYS until the kernel installs its system call table.
    nonisolated(unsafe) fileprivate static var handler: (inout TrapFrame) -> Void = { frame in
        frame.rax = UInt64(bitPattern: -38)
    }

    /// Installs the kernel's system call dispatcher (boot only).
    public static func setHandler(_ dispatch: @escaping (inout TrapFrame) -> Void) { unsafe handler = dispatch }

    private static let star: UInt32 = 0xC000_0081
    private static let lstar: UInt32 = 0xC000_0082
    private static let fmask: UInt32 = 0xC000_0084

    /// STAR holds the selector bases SYSCALL and SYSRET derive CS/SS from
    /// (Segments.swift lays the GDT out for exactly this); SFMASK clears IF,
    /// TF, DF, AC, NT and IOPL on entry, as Linux does.
    public static func enable() {
        wrmsr(star, UInt64(Selector.user32Code) << 48 | UInt64(Selector.kernelCode) << 32)
        wrmsr(lstar, entry_syscall_address())
        wrmsr(fmask, 0x47700)
        wrmsr(CPU.MSR.efer, rdmsr(CPU.MSR.efer) | 1)  // SCE
    }
}

@c(do_syscall_64)
func doSyscall64(_ frame: UnsafeMutableRawPointer) {
    unsafe SyscallEntry.handler(&frame.assumingMemoryBound(to: TrapFrame.self).pointee)
}
