import Core
import Lib

/// A kernel stack overflow (Linux: arch/x86/kernel/traps.c
/// handle_stack_overflow). A push into the guard page below a task's stack
/// cannot deliver its #PF, whose frame would go to the same page, so the CPU
/// raises #DF instead, which runs on its own IST stack; there the fault
/// address in CR2 tells an overflow from any other double fault.
enum StackGuard {
    /// Dies with Linux's report when the double fault in `frame` was the
    /// current task's stack running into its guard page; returns otherwise.
    static func checkOverflow(_ frame: TrapFrame) {
        let address = CPU.faultAddress
        guard Scheduler.isRunning, let base = Scheduler.current.stack?.value,
            address >= base - MemoryLayout64.pageSize, address < base
        else { return }
        pr_emerg(
            "BUG: TASK stack guard page was hit at \(hex(address, width: 16)) (stack is \(hex(base, width: 16))..\(hex(base + Task.stackSize - 1, width: 16)))"
        )
        Oops.die("stack guard page", frame: frame)
    }
}
