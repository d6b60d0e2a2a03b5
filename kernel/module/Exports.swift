import Core

/// What modules may link against (Linux: EXPORT_SYMBOL and
/// EXPORT_SYMBOL_GPL, whose __ksymtab sections hold the kernel's exports).
/// A deliberate list: a module's undefined symbol must be named here, and a
/// GPL-only one is invisible to a module whose licence is not GPL-compatible.
/// The functions are C-callable (`@c`, or assembly); their addresses come
/// from kallsyms, a variable's from `variableAddress`. docs/modules.md
/// lists them with their C declarations.
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
        ("clear_user", false), ("strncpy_from_user", false),  // kernel/module/UserCopy.swift
        // kernel/module/ModuleReferences.swift
        ("try_module_get", false), ("module_put", false), ("module_refcount", false),
        ("misc_register", false), ("misc_deregister", false),  // drivers/char/Misc.swift
        // fs/ModuleFile.swift
        ("no_llseek", false), ("noop_llseek", false), ("default_llseek", false), ("poll_wait", false),
        ("ktime_get", true),  // kernel/time/Timekeeping.swift
        ("memcpy", false), ("memmove", false), ("memset", false), ("memcmp", false),  // core/lib/memory.S
        // Locking, waiting, timers and work (docs/modules.md, "Locking, waiting, timers and work"):
        // kernel/locking/MutexExports.swift, SpinlockExports.swift
        ("__mutex_init", false), ("mutex_lock", false), ("mutex_lock_interruptible", false),
        ("mutex_trylock", false), ("mutex_unlock", false), ("mutex_lock_killable", false),
        ("_raw_spin_lock", false), ("_raw_spin_unlock", false), ("_raw_spin_trylock", false),
        ("_raw_spin_lock_irqsave", false), ("_raw_spin_unlock_irqrestore", false),
        ("_raw_spin_lock_irq", false), ("_raw_spin_unlock_irq", false),
        ("_raw_spin_lock_bh", false), ("_raw_spin_unlock_bh", false),
        ("local_bh_disable", false), ("local_bh_enable", false),  // kernel/softirq/BottomHalves.swift
        // kernel/sched/WaitExports.swift
        ("prepare_to_wait_event", false), ("finish_wait", false), ("__wake_up", false),
        ("schedule", false), ("schedule_timeout", false),
        ("schedule_timeout_interruptible", false), ("schedule_timeout_uninterruptible", false),
        // kernel/sched/CompletionExports.swift
        ("complete", false), ("complete_all", false), ("wait_for_completion", false),
        ("wait_for_completion_timeout", false), ("wait_for_completion_interruptible", false),
        ("wait_for_completion_killable", false), ("try_wait_for_completion", false), ("completion_done", false),
        // kernel/time/ModuleTimers.swift, Jiffies.swift, DelayExports.swift
        ("add_timer", false), ("mod_timer", false), ("del_timer", false),
        ("del_timer_sync", false), ("timer_pending", false),
        ("jiffies_to_msecs", false), ("__msecs_to_jiffies", false), ("__usecs_to_jiffies", false),
        ("msleep", false), ("msleep_interruptible", false), ("usleep_range_state", false), ("__udelay", false),
        // kernel/ModuleWork.swift
        ("queue_work_on", false), ("schedule_work", false), ("flush_work", false),
        ("cancel_work", false), ("cancel_work_sync", false),
        ("queue_delayed_work_on", false), ("schedule_delayed_work", false), ("delayed_work_timer_fn", false),
        ("cancel_delayed_work", false), ("cancel_delayed_work_sync", false), ("flush_delayed_work", false),
        ("alloc_workqueue", false), ("destroy_workqueue", false),
        ("vmalloc", false), ("vzalloc", false), ("vfree", false),  // mm/VmallocExports.swift
        ("kstrdup", false),  // mm/SlabCommon.swift
        // core/lib/printk.S, kernel/printk/Vsnprintf.swift
        ("snprintf", false), ("scnprintf", false), ("sprintf", false), ("vsnprintf", false), ("vscnprintf", false),
        // The Embedded Swift runtime, emitted into the kernel as into every Swift object. A Swift
        // module's own weak copies of these are bound to the kernel's (LinkedModule), as a linker
        // would bind them: one runtime, whose objects either side may retain and release.
        ("swift_allocObject", false), ("swift_allocEmptyBox", false), ("swift_initStackObject", false),
        ("swift_initStaticObject", false), ("swift_deallocObject", false), ("swift_deallocClassInstance", false),
        ("swift_deallocPartialClassInstance", false), ("swift_deallocUninitializedObject", false),
        ("swift_slowAlloc", false), ("swift_slowDealloc", false), ("swift_coroFrameAlloc", false),
        ("swift_retain", false), ("swift_retain_n", false), ("swift_release", false), ("swift_release_n", false),
        ("swift_retainCount", false), ("swift_setDeallocating", false), ("swift_bridgeObjectRetain", false),
        ("swift_bridgeObjectRetain_n", false), ("swift_bridgeObjectRelease", false),
        ("swift_bridgeObjectRelease_n", false), ("swift_isUniquelyReferenced_native", false),
        ("swift_isUniquelyReferenced_nonNull_native", false), ("swift_isEscapingClosureAtFileLocation", false),
        ("swift_dynamicCastClass", false), ("swift_dynamicCastClassUnconditional", false), ("swift_once", false),
        ("swift_beginAccess", false), ("swift_endAccess", false), ("swift_willThrow", false),
        ("swift_errorInMain", false), ("swift_unexpectedError", false), ("swift_deletedMethodError", false),
        ("swift_clearSensitive", false),
    ]

    /// Variables modules use in place (Linux exports data too).
    static let exportedData: [(name: String, gplOnly: Bool)] = [
        ("jiffies", false), ("jiffies_64", false),  // core/kernel/jiffies.S
    ]

    /// Where an exported variable is: kallsyms lists only functions.
    static func variableAddress(_ name: String) -> UInt64? {
        switch name {
        case "jiffies", "jiffies_64": JiffiesCounter.address
        default: nil
        }
    }
}
