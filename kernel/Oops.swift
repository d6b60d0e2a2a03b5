import ABI
import Core
import Lib
import Synchronization

/// Reports a fatal kernel exception the way Linux does (Linux:
/// arch/x86/kernel/dumpstack.c __die/show_regs/oops_end, arch/x86/mm/fault.c
/// page_fault_oops), then ends what was running: the task whose system call
/// met the bug dies and the rest of the system goes on, tainted (D).
public enum Oops {
    private static let count = Atomic<Int>(0)
    /// `panic_on_oops=1`: every oops panics.
    public static let panicOnOops = Atomic<Bool>(false)

    public static func die(_ title: String, frame: TrapFrame) -> Never {
        let number = count.wrappingAdd(1, ordering: .relaxed).newValue
        pr_emerg("\(title): \(hex(frame.errorCode & 0xFFFF, width: 4)) [#\(number)]")
        pr_emerg(
            "CPU: 0 PID: \(Scheduler.isRunning ? Scheduler.current.pid : 0) Comm: \(Scheduler.isRunning ? Scheduler.current.comm : "swapper/0") \(Taint.description) Apus"
        )
        showRegisters(frame)
        Backtrace.dump(framePointer: frame.rbp)
        ModuleLoader.printModules()
        Taint.add(.die)
        end(frame)
    }

    /// NMI, double fault and machine check run on IST stacks of their own
    /// (arch/x86_64/core/kernel/GDT.swift): an exit from there would leave
    /// the task's stack behind (Linux rewinds to it first).
    private static let istVectors: Set<UInt64> = [2, 8, 18]

    /// Linux's oops_end and make_task_dead: a panic where no task can be
    /// blamed alone or where losing it loses the system; else that task
    /// exits as if killed by SIGSEGV. Locks it held stay held, as in Linux:
    /// this is a net for bugs, not a way to recover from them.
    private static func end(_ frame: TrapFrame) -> Never {
        if PreemptCount.inInterrupt { panic("Fatal exception in interrupt") }
        if panicOnOops.load(ordering: .relaxed) || istVectors.contains(frame.vector) { panic("Fatal exception") }
        guard Scheduler.isRunning, Scheduler.current.pid != 0 else { panic("Attempted to kill the idle task!") }
        let task = Scheduler.current
        // A kernel thread's work has nobody to take it over.
        guard task.mm != nil else { panic("Fatal exception") }
        pr_emerg("---[ end trace 0000000000000000 ]---")
        if PreemptCount.inAtomic {
            pr_info("note: \(task.comm)[\(task.pid)] exited with preempt_count \(PreemptCount.value)")
            PreemptCount.subtract(PreemptCount.value)
        }
        // pid 1 leaves through exit too, which panics with "Attempted to kill init!".
        Scheduler.exitCurrent(status: WaitStatus.signaled(by: .SIGSEGV, coreDumped: false))
    }

    private static func showRegisters(_ frame: TrapFrame) {
        func r(_ value: UInt64) -> String { hex(value, width: 16) }
        pr_emerg("RIP: \(hex(frame.cs, width: 4)):\(Kallsyms.describe(frame.rip))")
        pr_emerg("RSP: \(hex(frame.ss, width: 4)):\(r(frame.rsp)) EFLAGS: \(hex(frame.rflags, width: 8))")
        pr_emerg("RAX: \(r(frame.rax)) RBX: \(r(frame.rbx)) RCX: \(r(frame.rcx))")
        pr_emerg("RDX: \(r(frame.rdx)) RSI: \(r(frame.rsi)) RDI: \(r(frame.rdi))")
        pr_emerg("RBP: \(r(frame.rbp)) R08: \(r(frame.r8)) R09: \(r(frame.r9))")
        pr_emerg("R10: \(r(frame.r10)) R11: \(r(frame.r11)) R12: \(r(frame.r12))")
        pr_emerg("R13: \(r(frame.r13)) R14: \(r(frame.r14)) R15: \(r(frame.r15))")
        let control = CPU.controlRegisters
        pr_emerg("CR0: \(r(control.cr0)) CR2: \(r(control.cr2)) CR3: \(r(control.cr3)) CR4: \(r(control.cr4))")
    }
}
