/// What modules may link against (Linux: EXPORT_SYMBOL and
/// EXPORT_SYMBOL_GPL, whose __ksymtab sections hold the kernel's exports).
/// A deliberate list: a module's undefined symbol must be named here, and a
/// GPL-only one is invisible to a module whose licence is not GPL-compatible.
/// The functions are C-callable (`@c`, or assembly); their addresses come
/// from kallsyms. docs/modules.md lists them with their C declarations.
enum KernelSymbols {
    struct Export {
        let address: UInt64
        let gplOnly: Bool
    }

    /// Each exported name, and whether it is GPL-only.
    static let exported: [(name: String, gplOnly: Bool)] = [
        ("_printk", false),  // arch/x86_64/core/lib/printk.S
        ("vprintk", false),  // kernel/printk/VPrintk.swift
        ("__kmalloc", false), ("kfree", false),  // mm/SlabCommon.swift
        // The Embedded Swift runtime's allocation, which a Swift module's own
        // copies of swift_allocObject and swift_slowDealloc call.
        ("posix_memalign", false), ("free", false),  // core/lib/runtime.S
        ("_copy_to_user", false), ("_copy_from_user", false),  // kernel/module/UserCopy.swift
        ("proc_create", false), ("proc_remove", false),  // fs/proc/ProcOps.swift
        ("ktime_get", true),  // kernel/time/Timekeeping.swift
        ("memcpy", false), ("memmove", false), ("memset", false), ("memcmp", false),  // core/lib/memory.S
    ]
}
