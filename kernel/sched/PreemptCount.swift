import Core
import Lib

/// What the CPU is in the middle of (Linux: include/linux/preempt.h). One
/// counter per CPU, in Linux's layout, answers "may this code sleep or be
/// preempted?": bits 0-7 count preempt_disable nesting (spinlocks), 8-15
/// softirq processing and local_bh_disable, 16-19 hard interrupt nesting.
public enum PreemptCount {
    public static let preemptOffset: UInt32 = 1 << 0
    public static let softirqOffset: UInt32 = 1 << 8
    public static let hardirqOffset: UInt32 = 1 << 16
    static let softirqMask: UInt32 = 0xFF << 8
    static let hardirqMask: UInt32 = 0xF << 16

    /// Per CPU; one CPU runs for now (arrays indexed by CPU id come with SMP).
    nonisolated(unsafe) public private(set) static var value: UInt32 = 0

    static func add(_ amount: UInt32) { value &+= amount }
    static func subtract(_ amount: UInt32) { value &-= amount }

    public static var inHardInterrupt: Bool { value & hardirqMask != 0 }
    public static var inSoftirq: Bool { value & softirqMask != 0 }
    /// In any interrupt context (Linux: in_interrupt()).
    public static var inInterrupt: Bool { value & (hardirqMask | softirqMask) != 0 }
    /// Nothing may sleep here (Linux: in_atomic()).
    public static var inAtomic: Bool { value != 0 }
}

/// Linux's preempt_disable/preempt_enable: while disabled the scheduler will
/// not switch away from this task, even when its tick says it should.
public func preemptDisable() { PreemptCount.add(PreemptCount.preemptOffset) }

public func preemptEnable() {
    PreemptCount.subtract(PreemptCount.preemptOffset)
    if PreemptCount.value == 0 && Scheduler.needsReschedule && CPU.interruptsEnabled { Scheduler.preempt() }
}

/// Linux's might_sleep(): a sleeping call from atomic context is a bug that
/// would deadlock or corrupt, so every one is reported loudly.
public func mightSleep(_ what: String) {
    guard PreemptCount.inAtomic || !CPU.interruptsEnabled, Scheduler.isRunning else { return }
    MightSleep.violations += 1
    pr_err("BUG: sleeping function called from invalid context: \(what)")
    pr_err("in_atomic(): \(PreemptCount.inAtomic ? 1 : 0), irqs_disabled(): \(CPU.interruptsEnabled ? 0 : 1), preempt_count: \(hex(UInt64(PreemptCount.value))) pid: \(Scheduler.current.pid), name: \(Scheduler.current.comm)")
    Backtrace.dump(framePointer: CPU.framePointer)
}

public enum MightSleep {
    /// How many sleeping calls from atomic context happened (tests read it).
    nonisolated(unsafe) public static var violations = 0
}
