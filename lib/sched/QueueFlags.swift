/// Why an entity joins a run queue (Linux: the ENQUEUE_* flags in
/// kernel/sched/sched.h). With none of `wakeup`, `new` or `migrated`, the
/// entity is being put back after an attribute change.
public struct EnqueueFlags: OptionSet, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// It was asleep (try_to_wake_up). Its vruntime is absolute, and CFS
    /// credits it for at most half a latency of sleep (ENQUEUE_WAKEUP).
    public static let wakeup = EnqueueFlags(rawValue: 1 << 0)
    /// Its first enqueue after creation. CFS places it one virtual slice
    /// after min_vruntime, so that a new task cannot take the CPU from the
    /// ones already waiting (task_fork_fair's START_DEBIT).
    public static let new = EnqueueFlags(rawValue: 1 << 1)
    /// It comes from another CPU's queue, with the vruntime made relative
    /// there by a dequeue without `sleep` (ENQUEUE_MIGRATED).
    public static let migrated = EnqueueFlags(rawValue: 1 << 2)
    /// Real time: go to the head of its priority list, not the tail (ENQUEUE_HEAD).
    public static let head = EnqueueFlags(rawValue: 1 << 3)
}

/// Why an entity leaves a run queue (Linux: DEQUEUE_*). Without `sleep`,
/// CFS makes its vruntime relative to min_vruntime, ready to be enqueued
/// here again or on another CPU.
public struct DequeueFlags: OptionSet, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// It is going to sleep: its vruntime stays absolute, so its wakeup
    /// can tell how long it slept (DEQUEUE_SLEEP).
    public static let sleep = DequeueFlags(rawValue: 1 << 0)
    /// It comes straight back to the same place (a nice change). min_vruntime
    /// must not move past it in between, or it would lose ground
    /// (DEQUEUE_SAVE without DEQUEUE_MOVE).
    public static let save = DequeueFlags(rawValue: 1 << 1)
}
