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
    static let invalidOpcode = 6
    static let pageFault = 14
    static let doubleFault = 8
    static let breakpoint = 3

    public static func install() {
        for vector in 0..<InterruptTable.firstExternalVector {
            InterruptTable.setHandler(vector: vector) { frame in
                // A fault on a user address, from user code or a kernel copy, that the
                // VMAs allow: map the page and retry the instruction. Out of memory in
                // user code, the OOM killer frees some (or ends this task) and the
                // instruction retries (Linux: pagefault_out_of_memory).
                var fault: VMFault? = nil
                if Int(frame.vector) == pageFault {
                    do throws(VMFault) {
                        try PageFault.resolveUserFault(frame)
                        return
                    } catch {
                        if error == .outOfMemory && frame.isUserMode {
                            OOMKill.pagefaultOutOfMemory()
                            return
                        }
                        fault = error
                    }
                }
                if frame.isUserMode {
                    userException(frame, fault: fault)
                    return
                }
                if Int(frame.vector) == pageFault {
                    // A guarded copy from or to user memory: resume at its fixup (EFAULT).
                    if let fixup = UserAccess.fixup(forFaultAt: frame.rip) {
                        frame.rip = fixup
                        return
                    }
                    PageFault.oops(frame)
                }
                if Int(frame.vector) == doubleFault { StackGuard.checkOverflow(frame) }
                // A module's BUG() is a ud2: say which one (Linux: handle_bug).
                if Int(frame.vector) == invalidOpcode { ModuleLoader.reportBug(at: frame.rip) }
                Oops.die(names[Int(frame.vector)], frame: frame)
            }
        }
        // int3 is a breakpoint for ring 3 too (Linux: the DPL-3 gate of X86_TRAP_BP), not a #GP.
        InterruptTable.allowFromUserMode(vector: breakpoint)
        InterruptTable.setUnhandledHandler { frame in
            pr_warn("do_IRQ: no handler for vector \(frame.vector)")
            LocalTimer.apic?.endOfInterrupt()
        }
    }

    /// A fault in user code becomes a signal for the faulting thread
    /// (Linux: do_trap, do_error_trap, exc_general_protection and the
    /// bad_area paths of arch/x86/mm/fault.c), delivered on the way back to
    /// user mode: a handler runs, or the default action ends the process.
    /// The line Linux prints for an unhandled one goes to the log first.
    private static func userException(_ frame: TrapFrame, fault: VMFault?) {
        let task = Scheduler.current
        let vector = Int(frame.vector)
        let address = vector == pageFault ? CPU.faultAddress : 0
        task.lastTrap = TrapInfo(trapNumber: frame.vector, errorCode: frame.errorCode, address: address)
        let info = signalInfo(frame, address: address, fault: fault)
        guard let signal = Signal(rawValue: info.si_signo) else { return }
        let handler = task.sighand.actions[signal].sa_handler
        if handler == KernelSigaction.SIG_DFL || handler == KernelSigaction.SIG_IGN { report(frame, address: address) }
        Signals.force(info)
    }

    /// The signal and siginfo for an exception from user mode, with Linux's
    /// si_code and si_addr. int3 and #GP are SI_KERNEL, as Linux's
    /// do_int3_user and exc_general_protection send them.
    private static func signalInfo(_ frame: TrapFrame, address: UInt64, fault: VMFault?) -> Siginfo {
        var info: Siginfo
        switch Int(frame.vector) {
        case 0:
            info = Siginfo(signal: .SIGFPE, code: SignalCode.FPE_INTDIV)
            info.si_addr = frame.rip
        case 6:
            info = Siginfo(signal: .SIGILL, code: SignalCode.ILL_ILLOPN)
            info.si_addr = frame.rip
        case 1, 3: info = Siginfo(signal: .SIGTRAP, code: SignalCode.SI_KERNEL)
        case 16, 19: info = Siginfo(signal: .SIGFPE, code: SignalCode.SI_KERNEL)
        case 11, 12, 17: info = Siginfo(signal: .SIGBUS, code: SignalCode.SI_KERNEL)
        case pageFault:
            switch fault {
            case .accessDenied: info = Siginfo(signal: .SIGSEGV, code: SignalCode.SEGV_ACCERR)
            case .beyondObject: info = Siginfo(signal: .SIGBUS, code: SignalCode.BUS_ADRERR)
            default: info = Siginfo(signal: .SIGSEGV, code: SignalCode.SEGV_MAPERR)
            }
            info.si_addr = address
        default: info = Siginfo(signal: .SIGSEGV, code: SignalCode.SI_KERNEL)
        }
        return info
    }

    /// Logs an unhandled fault as Linux does (show_signal_msg, do_trap's message).
    private static func report(_ frame: TrapFrame, address: UInt64) {
        let task = Scheduler.current
        let vector = Int(frame.vector)
        if vector == pageFault {
            pr_info(
                "\(task.comm)[\(task.pid)]: segfault at \(hexDigits(address)) ip \(hex(frame.rip, width: 16)) sp \(hex(frame.rsp, width: 16)) error \(hexDigits(frame.errorCode))"
            )
        } else {
            pr_info(
                "traps: \(task.comm)[\(task.pid)] \(names[vector]) ip:\(hexDigits(frame.rip)) sp:\(hexDigits(frame.rsp)) error:\(hexDigits(frame.errorCode))"
            )
        }
    }

    static func hexDigits(_ value: UInt64) -> String { String(hex(value).dropFirst(2)) }
}
