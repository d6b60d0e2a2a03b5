import ABI
import Core
import Lib

/// Handlers for the CPU's exceptions (Linux: arch/x86/kernel/traps.c,
/// arch/x86/mm/fault.c). Any exception in kernel mode is a bug: it oopses.
/// User-mode faults will become signals when user space exists.
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

    public static func install() {
        for vector in 0..<InterruptTable.firstExternalVector {
            InterruptTable.setHandler(vector: vector) { frame in
                // A fault on a user address, from user code or a kernel copy, that the
                // VMAs allow: map the page and retry the instruction.
                if Int(frame.vector) == pageFault && resolveUserFault(frame) { return }
                if frame.isUserMode { userException(frame) }
                if Int(frame.vector) == pageFault {
                    // A guarded copy from or to user memory: resume at its fixup (EFAULT).
                    if let fixup = UserAccess.fixup(forFaultAt: frame.rip) {
                        frame.rip = fixup
                        return
                    }
                    pageFaultOops(frame)
                }
                Oops.die(names[Int(frame.vector)], frame: frame)
            }
        }
        InterruptTable.unhandled = { frame in
            pr_warn("do_IRQ: no handler for vector \(frame.vector)")
            LocalTimer.apic?.endOfInterrupt()
        }
    }

    /// Demand paging and stack growth (Linux: do_user_addr_fault). Kernel
    /// faults on user addresses reach here too: copy_to_user into a page not
    /// yet touched is normal; only an access no VMA allows becomes EFAULT.
    private static func resolveUserFault(_ frame: TrapFrame) -> Bool {
        let address = CPU.faultAddress
        guard address < MemoryLayout64.taskSize, Scheduler.isRunning, let space = Scheduler.current.mm else { return false }
        return space.handleFault(at: address, write: frame.errorCode & 2 != 0, instructionFetch: frame.errorCode & 16 != 0,
                                 present: frame.errorCode & 1 != 0)
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
            pr_info("\(task.comm)[\(task.pid)]: segfault at \(hexDigits(CPU.faultAddress)) ip \(hex(frame.rip, width: 16)) sp \(hex(frame.rsp, width: 16)) error \(hexDigits(frame.errorCode))")
        } else {
            pr_info("traps: \(task.comm)[\(task.pid)] \(names[vector]) ip:\(hexDigits(frame.rip)) sp:\(hexDigits(frame.rsp)) error:\(hexDigits(frame.errorCode))")
        }
        return WaitStatus.signaled(by: signal, coreDumped: false)
    }

    private static func hexDigits(_ value: UInt64) -> String { String(hex(value).dropFirst(2)) }

    /// The page-fault preamble Linux prints before the oops (page_fault_oops, show_fault_oops).
    private static func pageFaultOops(_ frame: TrapFrame) -> Never {
        let address = CPU.faultAddress
        let error = frame.errorCode
        let isWrite = error & 2 != 0, isUser = error & 4 != 0, isFetch = error & 16 != 0
        let present = error & 1 != 0
        if address < MemoryLayout64.pageSize {
            pr_alert("BUG: kernel NULL pointer dereference, address: \(hex(address, width: 16))")
        } else {
            pr_alert("BUG: unable to handle page fault for address: \(hex(address, width: 16))")
        }
        let access = isFetch ? "instruction fetch" : (isWrite ? "write access" : "read access")
        pr_alert("#PF: \(isUser ? "user" : "supervisor") \(access) in \(frame.isUserMode ? "user" : "kernel") mode")
        var reason = present ? "permissions violation" : "not-present page"
        if error & 8 != 0 { reason = "reserved bit violation" }
        pr_alert("#PF: error_code(0x\(hex(error, width: 4))) - \(reason)")
        Oops.die("Oops", frame: frame)
    }
}
