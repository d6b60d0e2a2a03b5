import Core
import Lib

/// A kernel stack overflow (Linux: arch/x86/kernel/traps.c
/// handle_stack_overflow). A push into the guard page below a task's stack
/// cannot deliver its #PF, whose frame would go to the same page, so the CPU
/// raises #DF instead, which runs on its own IST stack; there the fault
/// address in CR2 tells an overflow from any other double fault.
enum StackGuard {
    /// Dies with Linux's report when the double fault in `frame` was the
    /// current stack running into its guard page; returns otherwise. The
    /// boot code and the idle task run on the boot stack, whose guard page
    /// the image leaves unmapped (vmlinux.lds.S).
    static func checkOverflow(_ frame: TrapFrame) {
        let address = CPU.faultAddress
        let taskStack =
            Scheduler.isRunning ? Scheduler.current.stack.map { $0.value..<($0.value + Task.stackSize) } : nil
        let stack = taskStack ?? KernelImage.initStack
        guard address >= stack.lowerBound - MemoryLayout64.pageSize, address < stack.lowerBound else { return }
        pr_emerg(
            "BUG: TASK stack guard page was hit at \(hex(address, width: 16)) (stack is \(hex(stack.lowerBound, width: 16))..\(hex(stack.upperBound - 1, width: 16)))"
        )
        Oops.die("stack guard page", frame: frame)
    }
}
