import Core
import Lib

/// Reports a fatal kernel exception the way Linux does (Linux:
/// arch/x86/kernel/dumpstack.c __die/show_regs, arch/x86/mm/fault.c
/// page_fault_oops), then panics.
public enum Oops {
    nonisolated(unsafe) private static var count = 0
    /// Kernel stacks are THREAD_SIZE bytes and THREAD_SIZE-aligned, so the
    /// stack under any kernel RSP is known without a lookup.
    public static let threadSize: UInt64 = 16 * 1024

    public static func die(_ title: String, frame: TrapFrame) -> Never {
        Printk.oopsInProgress = true
        count += 1
        pr_emerg("\(title): \(hex(frame.errorCode & 0xFFFF, width: 4)) [#\(count)]")
        pr_emerg("CPU: 0 PID: 0 Comm: swapper/0 Not tainted Apus")
        showRegisters(frame)
        pr_emerg("Call Trace:")
        pr_emerg(" <TASK>")
        let stackBase = frame.rsp & ~(threadSize - 1)
        let stack = stackBase..<(stackBase + threadSize)
        // The chain ends in head.S, below kernel text: the trace stops there.
        for address in StackTrace.returnAddresses(framePointer: frame.rbp, stack: stack) where KernelImage.text.contains(address) {
            // A return address points after the call; name the call's own byte.
            pr_emerg(" " + Kallsyms.describe(address - 1))
        }
        pr_emerg(" </TASK>")
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
