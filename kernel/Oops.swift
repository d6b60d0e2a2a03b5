import Core
import Lib
import Synchronization

/// Reports a fatal kernel exception the way Linux does (Linux:
/// arch/x86/kernel/dumpstack.c __die/show_regs, arch/x86/mm/fault.c
/// page_fault_oops), then panics.
public enum Oops {
    private static let count = Atomic<Int>(0)

    public static func die(_ title: String, frame: TrapFrame) -> Never {
        Printk.oopsInProgress.store(true, ordering: .relaxed)
        let number = count.wrappingAdd(1, ordering: .relaxed).newValue
        pr_emerg("\(title): \(hex(frame.errorCode & 0xFFFF, width: 4)) [#\(number)]")
        pr_emerg(
            "CPU: 0 PID: \(Scheduler.isRunning ? Scheduler.current.pid : 0) Comm: \(Scheduler.isRunning ? Scheduler.current.comm : "swapper/0") Not tainted Apus"
        )
        showRegisters(frame)
        Backtrace.dump(framePointer: frame.rbp)
        panic("Fatal exception")
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
