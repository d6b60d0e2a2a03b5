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
                if Int(frame.vector) == pageFault { pageFaultOops(frame) }
                Oops.die(names[Int(frame.vector)], frame: frame)
            }
        }
        InterruptTable.unhandled = { frame in
            pr_warn("do_IRQ: no handler for vector \(frame.vector)")
            LocalTimer.apic?.endOfInterrupt()
        }
    }

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
