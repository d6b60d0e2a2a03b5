import ABI
import Core
import Lib
import Synchronization

/// The error code the CPU pushes for a page fault (Linux: enum
/// x86_pf_error_code in arch/x86/include/asm/trap_pf.h).
struct X86PageFaultError: OptionSet {
    let rawValue: UInt64
    /// Set: a protection violation on a present page; clear: a not-present page.
    static let protection = X86PageFaultError(rawValue: 1 << 0)
    static let write = X86PageFaultError(rawValue: 1 << 1)
    /// The access came from ring 3.
    static let user = X86PageFaultError(rawValue: 1 << 2)
    /// A reserved bit was set in a paging-structure entry.
    static let reservedBit = X86PageFaultError(rawValue: 1 << 3)
    static let instructionFetch = X86PageFaultError(rawValue: 1 << 4)
    static let protectionKey = X86PageFaultError(rawValue: 1 << 5)
}

/// The x86 half of page-fault handling (Linux: arch/x86/mm/fault.c): decode
/// the error code, hand user addresses to the address space, and print the
/// oops preamble for the rest.
enum PageFault {
    /// Demand paging and stack growth (Linux: do_user_addr_fault). Kernel
    /// faults on user addresses reach here too: copy_to_user into a page not
    /// yet touched is normal; only an access no VMA allows becomes EFAULT.
    /// Throws why the fault stands: the trap handler turns that into a
    /// signal, the OOM killer, EFAULT or an oops.
    static func resolveUserFault(_ frame: TrapFrame) throws(VMFault) {
        let address = CPU.faultAddress
        guard address < MemoryLayout64.taskSize, Scheduler.isRunning, let space = Scheduler.current.mm else {
            throw .noMapping
        }
        let error = X86PageFaultError(rawValue: frame.errorCode)
        // The kernel running user code (SMEP), or touching a user page outside
        // the copy routines (SMAP: EFLAGS.AC clear), is a bug, never demand
        // paging: it oopses (Linux: do_user_addr_fault's first checks).
        if !error.contains(.user) {
            if error.contains(.instructionFetch) { throw .accessDenied }
            if frame.rflags & CPU.alignmentCheckFlag == 0 && CPU.isEnabled(CPU.CR4.smap) { throw .accessDenied }
        }
        try space.handleFault(
            at: address, write: error.contains(.write),
            instructionFetch: error.contains(.instructionFetch),
            present: error.contains(.protection))
        // Every fault served counts as minor: none waits for I/O (Linux: mm_account_fault).
        Scheduler.current.minorFaults += 1
        VMEvents.pageFaults.add(1, ordering: .relaxed)
    }

    /// The page-fault preamble Linux prints before the oops (page_fault_oops, show_fault_oops).
    static func oops(_ frame: TrapFrame) -> Never {
        let address = CPU.faultAddress
        let error = X86PageFaultError(rawValue: frame.errorCode)
        if error.contains(.instructionFetch), !frame.isUserMode {
            explainInstructionFetch(at: address)
        }
        if address < MemoryLayout64.pageSize {
            pr_alert("BUG: kernel NULL pointer dereference, address: \(hex(address, width: 16))")
        } else {
            pr_alert("BUG: unable to handle page fault for address: \(hex(address, width: 16))")
        }
        let access =
            error.contains(.instructionFetch)
            ? "instruction fetch"
            : (error.contains(.write) ? "write access" : "read access")
        let mode = frame.isUserMode ? "user" : "kernel"
        pr_alert("#PF: \(error.contains(.user) ? "user" : "supervisor") \(access) in \(mode) mode")
        var reason = error.contains(.protection) ? "permissions violation" : "not-present page"
        if error.contains(.reservedBit) { reason = "reserved bit violation" }
        pr_alert("#PF: error_code(0x\(hex(frame.errorCode, width: 4))) - \(reason)")
        Oops.die("Oops", frame: frame)
    }

    /// The kernel jumped to a page it may not run: say which protection
    /// stopped it, as Linux's show_fault_oops does.
    private static func explainInstructionFetch(at address: UInt64) {
        guard let flags = PageTable.active.translate(VirtAddr(address))?.flags else { return }
        let uid = Scheduler.isRunning ? Scheduler.current.credentials.uid.real : 0
        if flags.contains(.noExecute) {
            pr_crit("kernel tried to execute NX-protected page - exploit attempt? (uid: \(uid))")
        } else if flags.contains(.user) && CPU.isEnabled(CPU.CR4.smep) {
            pr_crit("unable to execute userspace code (SMEP?) (uid: \(uid))")
        }
    }
}
