import X86Asm

/// The CPU state of a task that is not running: its saved kernel stack
/// pointer, under which switch_stacks (switch.S) left the callee-saved
/// registers (Linux: struct thread_struct's sp, struct inactive_task_frame).
@safe public final class ThreadContext {
    /// A heap cell, so switch_stacks gets a stable address to store into.
    private let savedStackPointerCell: UnsafeMutablePointer<UInt64>

    /// The context of code already running on its own stack (the boot CPU's idle task).
    public init() {
        unsafe savedStackPointerCell = .allocate(capacity: 1)
        unsafe savedStackPointerCell.initialize(to: 0)
    }

    /// A new kernel thread on the stack ending at `stackTop`: the first switch
    /// to it pops zeroed registers and "returns" into ret_from_kernel_thread,
    /// which calls the kernel's `kernel_thread_start`. The thread's stack
    /// starts below a TrapFrame's worth of space (Linux: task_pt_regs), where
    /// the frame for ring 3 goes if the thread execs a user program: writing
    /// it there never overwrites the thread's own live frames.
    public init(stackTop: VirtAddr) {
        precondition(stackTop.value % 16 == 0, "kernel stacks are 16-byte aligned")
        unsafe savedStackPointerCell = .allocate(capacity: 1)
        let userFrame = stackTop.value - UInt64(MemoryLayout<TrapFrame>.size)
        // From the saved SP upwards: r15 r14 r13 r12 rbx rbp, return address, then
        // two words of padding so ret_from_kernel_thread's call sees an aligned stack.
        let frame = unsafe UnsafeMutablePointer<UInt64>(bitPattern: UInt(userFrame - 9 * 8))!
        for slot in 0..<6 { unsafe frame[slot] = 0 }
        unsafe frame[6] = linker_ret_from_kernel_thread()
        unsafe frame[7] = 0
        unsafe frame[8] = 0
        unsafe savedStackPointerCell.initialize(to: userFrame - 9 * 8)
    }

    /// A forked child on the stack ending at `stackTop`: `frame` (the
    /// parent's registers, RAX already 0) sits at the top of the stack, and
    /// the first switch returns into ret_from_fork with R12 pointing at it.
    public init(stackTop: VirtAddr, forkedFrame frame: TrapFrame) {
        precondition(stackTop.value % 16 == 0, "kernel stacks are 16-byte aligned")
        unsafe savedStackPointerCell = .allocate(capacity: 1)
        let frameAddress = stackTop.value - UInt64(MemoryLayout<TrapFrame>.size)
        unsafe UnsafeMutablePointer<TrapFrame>(bitPattern: UInt(frameAddress))!.initialize(to: frame)
        // Below the frame, the switch record as for a kernel thread: r15 r14 r13
        // r12 rbx rbp, the return address, two words so the call in ret_from_fork is aligned.
        let record = unsafe UnsafeMutablePointer<UInt64>(bitPattern: UInt(frameAddress - 9 * 8))!
        for slot in 0..<9 { unsafe record[slot] = 0 }
        unsafe record[3] = frameAddress  // r12
        unsafe record[6] = linker_ret_from_fork()
        unsafe savedStackPointerCell.initialize(to: frameAddress - 9 * 8)
    }

    deinit { unsafe savedStackPointerCell.deallocate() }

    /// The saved stack pointer, for a switch that needs no object references (`resume`).
    public var savedStackPointer: UInt64 { unsafe savedStackPointerCell.pointee }

    /// Resumes the task whose saved stack pointer is `stackPointer`, saving
    /// nothing: the final switch of an exiting task. It takes a number, not a
    /// context, so the dying task's frame holds no reference it would never release.
    public static func resume(stackPointer: UInt64) -> Never {
        resume_stack(stackPointer)
    }

    /// Saves the running code's state in `current` and resumes `next`. Returns
    /// when some later switch resumes `current`. Interrupts must be off.
    public static func switchFrom(_ current: ThreadContext, to next: ThreadContext) {
        unsafe switch_stacks(current.savedStackPointerCell, next.savedStackPointerCell.pointee)
    }
}

/// What a forked child runs before its first return to user mode (Linux:
/// schedule_tail, then the exit-to-user-mode work of ret_from_fork), with
/// its user registers: signal delivery may rewrite them.
public enum ForkReturn {
    nonisolated(unsafe) fileprivate static var handler: (inout TrapFrame) -> Void = { _ in }

    /// Installs the kernel's first step of a forked child (boot only).
    public static func setHandler(_ handler: @escaping (inout TrapFrame) -> Void) {
        unsafe ForkReturn.handler = handler
    }
}

@c(schedule_tail)
func scheduleTail(_ frame: UnsafeMutableRawPointer) {
    unsafe ForkReturn.handler(&frame.assumingMemoryBound(to: TrapFrame.self).pointee)
}
