import Synchronization

/// Events counted since boot for /proc/vmstat that the page allocator does
/// not count itself (Linux: include/linux/vm_event_item.h, count_vm_event).
public enum VMEvents {
    /// User page faults served (Linux: PGFAULT, counted in handle_mm_fault).
    public static let pageFaults = Atomic<UInt64>(0)
    /// Processes the OOM killer chose (Linux: OOM_KILL, in __oom_kill_process).
    public static let oomKills = Atomic<UInt64>(0)
}
