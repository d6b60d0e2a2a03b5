/// What the CPU is in the middle of (Linux: include/linux/preempt.h, kept
/// per CPU as x86's __preempt_count). One counter per CPU, in Linux's
/// layout, answers "may this code sleep or be preempted?": bits 0-7 count
/// preempt_disable nesting (spinlocks), 8-15 softirq processing and
/// local_bh_disable, 16-19 hard interrupt nesting.
public enum PreemptCount {
    public static let preemptOffset: UInt32 = 1 << 0
    public static let softirqOffset: UInt32 = 1 << 8
    public static let hardirqOffset: UInt32 = 1 << 16
    static let softirqMask: UInt32 = 0xFF << 8
    static let hardirqMask: UInt32 = 0xF << 16

    private static let count = PerCPU<UInt32>(0)
    /// What preemptEnable calls when the count drops to zero: the scheduler
    /// (in Kernel) decides whether to switch. Spinlocks live here in Core, so
    /// this is how their unlock reaches up into the scheduler.
    private static let reschedule = BootOnce<Hook>()
    /// A closure in a struct: the lock types must not hold bare function
    /// values, which Swift re-abstracts (and re-allocates) on every access.
    private struct Hook { let run: @Sendable () -> Void }

    public static var value: UInt32 { count.withCurrent { $0 } }
    public static func add(_ amount: UInt32) { count.withCurrent { $0 &+= amount } }
    public static func subtract(_ amount: UInt32) { count.withCurrent { $0 &-= amount } }

    public static var inHardInterrupt: Bool { value & hardirqMask != 0 }
    public static var inSoftirq: Bool { value & softirqMask != 0 }
    /// In any interrupt context (Linux: in_interrupt()).
    public static var inInterrupt: Bool { value & (hardirqMask | softirqMask) != 0 }
    /// Nothing may sleep here (Linux: in_atomic()).
    public static var inAtomic: Bool { value != 0 }

    /// Installed once by the scheduler when it starts (Linux: preempt_schedule).
    public static func setRescheduleHook(_ hook: @escaping @Sendable () -> Void) { reschedule.set(Hook(run: hook)) }

    fileprivate static func preemptionPoint() {
        if value == 0 && CPU.interruptsEnabled, let hook = reschedule.valueIfSet { hook.run() }
    }
}

/// Linux's preempt_disable/preempt_enable: while disabled the scheduler will
/// not switch away from this task, even when its tick says it should.
public func preemptDisable() { PreemptCount.add(PreemptCount.preemptOffset) }

public func preemptEnable() {
    PreemptCount.subtract(PreemptCount.preemptOffset)
    PreemptCount.preemptionPoint()
}
