import ABI
import Core
import Lib

/// Handlers for the CPU's exceptions (Linux: arch/x86/kernel/traps.c; the
/// page-fault half, arch/x86/mm/fault.c, is arch/x86_64/mm/Fault.swift).
/// Any exception in kernel mode is a bug: it oopses.
public enum Traps {
    /// Linux's names for vectors 0-31, as its oops messages print them.
    static let names: [String] = [
        "divide error", "debug", "nmi", "int3", "overflow", "bounds", "invalid opcode", "device not available",
        "double fault", "coprocessor segment overrun", "invalid TSS", "segment not present", "stack segment",
        "general protection fault", "page fault", "spurious interrupt bug", "coprocessor error", "alignment check",
        "machine check", "SIMD coprocessor error", "virtualization exception", "control protection fault",
        "reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26", "reserved 27",
        "hypervisor injection", "VMM communication", "security exception", "reserved 31",
    ]
    static let pageFault = 14
    static let doubleFault = 8

    public static func install() {
        for vector in 0..<InterruptTable.firstExternalVector {
            InterruptTable.setHandler(vector: vector) { frame in
                // A fault on a user address, from user code or a kernel copy, that the
                // VMAs allow: map the page and retry the instruction. Out of memory in
                // user code, the OOM killer frees some (or ends this task) and the
                // instruction retries (Linux: pagefault_out_of_memory).
                if Int(frame.vector) == pageFault {
                    do throws(VMFault) {
                        try PageFault.resolveUserFault(frame)
                        return
                    } catch {
                        if error == .outOfMemory && frame.isUserMode {
                            OOMKill.pagefaultOutOfMemory()
                            return
                        }
                    }
                }
                if frame.isUserMode { userException(frame) }
                if Int(frame.vector) == pageFault {
                    // A guarded copy from or to user memory: resume at its fixup (EFAULT).
                    if let fixup = UserAccess.fixup(forFaultAt: frame.rip) {
                        frame.rip = fixup
                        return
                    }
                    PageFault.oops(frame)
                }
                if Int(frame.vector) == doubleFault { StackGuard.checkOverflow(frame) }
                Oops.die(names[Int(frame.vector)], frame: frame)
            }
        }
        InterruptTable.setUnhandledHandler { frame in
            pr_warn("do_IRQ: no handler for vector \(frame.vector)")
            LocalTimer.apic?.endOfInterrupt()
        }
    }

    /// A fault in user code kills its process, with the line Linux prints
    /// (arch/x86/mm/fault.c show_signal_msg, arch/x86/kernel/traps.c). Signal
    /// delivery to user handlers comes with the signals work; until then
    /// the default action — termination of every thread — applies.
    private static func userException(_ frame: TrapFrame) -> Never {
        Scheduler.exitGroup(status: reportUserException(frame))
    }

    /// Logs the fault and picks the signal; returns the wait status.
    private static func reportUserException(_ frame: TrapFrame) -> Int32 {
        let task = Scheduler.current
        let vector = Int(frame.vector)
        let signal: Signal
        switch vector {
        case 0, 16, 19: signal = .SIGFPE
        case 6: signal = .SIGILL
        case 1, 3: signal = .SIGTRAP
        case 17: signal = .SIGBUS
        default: signal = .SIGSEGV
        }
        if vector == pageFault {
            pr_info(
                "\(task.comm)[\(task.pid)]: segfault at \(hexDigits(CPU.faultAddress)) ip \(hex(frame.rip, width: 16)) sp \(hex(frame.rsp, width: 16)) error \(hexDigits(frame.errorCode))"
            )
        } else {
            pr_info(
                "traps: \(task.comm)[\(task.pid)] \(names[vector]) ip:\(hexDigits(frame.rip)) sp:\(hexDigits(frame.rsp)) error:\(hexDigits(frame.errorCode))"
            )
        }
        return WaitStatus.signaled(by: signal, coreDumped: false)
    }

    static func hexDigits(_ value: UInt64) -> String { String(hex(value).dropFirst(2)) }
}
