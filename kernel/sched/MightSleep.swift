import Core
import Lib
import Synchronization

/// Linux's might_sleep(): a sleeping call from atomic context is a bug that
/// would deadlock or corrupt, so every one is reported loudly.
public func mightSleep(_ what: String) {
    guard PreemptCount.inAtomic || !CPU.interruptsEnabled, Scheduler.isRunning else { return }
    MightSleep.violations.add(1, ordering: .relaxed)
    pr_err("BUG: sleeping function called from invalid context: \(what)")
    pr_err(
        "in_atomic(): \(PreemptCount.inAtomic ? 1 : 0), irqs_disabled(): \(CPU.interruptsEnabled ? 0 : 1), preempt_count: \(hex(UInt64(PreemptCount.value))) pid: \(Scheduler.current.pid), name: \(Scheduler.current.comm)"
    )
    Backtrace.dump(framePointer: CPU.framePointer)
}

public enum MightSleep {
    /// How many sleeping calls from atomic context happened (tests read it).
    public static let violations = Atomic<Int>(0)
}
