import Core
import Lib

/// Linux's softirq vectors, in priority order (include/linux/interrupt.h).
public enum SoftirqVector: Int, CaseIterable, Sendable {
    case hi, timer, netTx, netRx, block, irqPoll, tasklet, sched, hrtimer, rcu

    /// The names /proc/softirqs prints.
    public var name: String {
        switch self {
        case .hi: "HI"
        case .timer: "TIMER"
        case .netTx: "NET_TX"
        case .netRx: "NET_RX"
        case .block: "BLOCK"
        case .irqPoll: "IRQ_POLL"
        case .tasklet: "TASKLET"
        case .sched: "SCHED"
        case .hrtimer: "HRTIMER"
        case .rcu: "RCU"
        }
    }
}

/// Deferred interrupt work (Linux: kernel/softirq.c). A hard interrupt
/// handler does the urgent part and raises a softirq; the rest runs on the
/// way out of the interrupt with interrupts enabled, or — when softirqs keep
/// coming — in the ksoftirqd thread, so they cannot starve tasks.
public enum Softirq {
    /// This CPU's raised vectors (Linux: irq_stat's __softirq_pending),
    /// touched with interrupts off.
    private static let pending = PerCPU<UInt32>(0)
    private static let handlers = IRQSafeLocked<[(() -> Void)?]>(
        Array(repeating: nil, count: SoftirqVector.allCases.count))
    /// How often each vector ran on this CPU (Linux: kstat's softirqs, /proc/softirqs).
    private static let runCounts = PerCPU<[UInt64]>(Array(repeating: 0, count: SoftirqVector.allCases.count))
    /// Woken when softirqs are raised outside interrupt context or keep restarting.
    private static let daemon = BootOnce<DaemonWakeup>()
    /// A struct, not a bare closure: see PreemptCount.Hook.
    private struct DaemonWakeup { let wake: () -> Void }

    public static var counts: [UInt64] { runCounts.withCurrent { $0 } }

    /// Linux's limits on one __do_softirq run before deferring to ksoftirqd.
    static let maxRestarts = 10
    static let maxNanoseconds: UInt64 = 2_000_000

    public static func open(_ vector: SoftirqVector, _ handler: @escaping () -> Void) {
        handlers.withLock { $0[vector.rawValue] = handler }
    }

    /// Installs ksoftirqd's wakeup, once, when the thread starts.
    public static func setDaemonWakeup(_ wake: @escaping () -> Void) { daemon.set(DaemonWakeup(wake: wake)) }

    private static func wakeDaemon() { daemon.valueIfSet?.wake() }

    /// Marks `vector` pending (Linux: raise_softirq). From task context, with
    /// no interrupt exit coming to run it, ksoftirqd is woken instead.
    public static func raise(_ vector: SoftirqVector) {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        pending.withCurrent { $0 |= 1 << UInt32(vector.rawValue) }
        let needDaemon = !PreemptCount.inInterrupt
        CPU.restoreInterrupts(interruptsWereOn)
        if needDaemon { wakeDaemon() }
    }

    public static var hasPending: Bool { pending.withCurrent { $0 != 0 } }

    /// Runs pending softirqs with interrupts enabled (Linux: __do_softirq).
    /// Called with interrupts disabled, outside interrupt context.
    static func run() {
        let deadline = Clock.nanosecondsSinceBoot() + maxNanoseconds
        var restarts = maxRestarts
        PreemptCount.add(PreemptCount.softirqOffset)
        while hasPending {
            let batch = pending.withCurrent { pending -> UInt32 in
                defer { pending = 0 }
                return pending
            }
            CPU.enableInterrupts()
            for vector in SoftirqVector.allCases where batch & (1 << UInt32(vector.rawValue)) != 0 {
                runCounts.withCurrent { $0[vector.rawValue] += 1 }
                handlers.withLock { $0[vector.rawValue] }?()
            }
            CPU.disableInterrupts()
            restarts -= 1
            if hasPending && (restarts == 0 || Clock.nanosecondsSinceBoot() >= deadline) {
                PreemptCount.subtract(PreemptCount.softirqOffset)
                wakeDaemon()
                return
            }
        }
        PreemptCount.subtract(PreemptCount.softirqOffset)
    }

    /// For ksoftirqd: run what is pending from task context.
    public static func runFromDaemon() {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        if hasPending && !PreemptCount.inInterrupt { run() }
        CPU.restoreInterrupts(interruptsWereOn)
    }
}
