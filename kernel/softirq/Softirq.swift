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
    nonisolated(unsafe) private static var pending: UInt32 = 0
    nonisolated(unsafe) private static var handlers: [(() -> Void)?] = Array(repeating: nil, count: SoftirqVector.allCases.count)
    /// How often each vector ran (/proc/softirqs).
    nonisolated(unsafe) public private(set) static var counts: [UInt64] = Array(repeating: 0, count: SoftirqVector.allCases.count)
    /// Woken when softirqs are raised outside interrupt context or keep restarting.
    nonisolated(unsafe) public static var wakeDaemon: () -> Void = {}

    /// Linux's limits on one __do_softirq run before deferring to ksoftirqd.
    static let maxRestarts = 10
    static let maxNanoseconds: UInt64 = 2_000_000

    public static func open(_ vector: SoftirqVector, _ handler: @escaping () -> Void) {
        handlers[vector.rawValue] = handler
    }

    /// Marks `vector` pending (Linux: raise_softirq). From task context, with
    /// no interrupt exit coming to run it, ksoftirqd is woken instead.
    public static func raise(_ vector: SoftirqVector) {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        pending |= 1 << UInt32(vector.rawValue)
        let needDaemon = !PreemptCount.inInterrupt
        CPU.restoreInterrupts(interruptsWereOn)
        if needDaemon { wakeDaemon() }
    }

    public static var hasPending: Bool { pending != 0 }

    /// Runs pending softirqs with interrupts enabled (Linux: __do_softirq).
    /// Called with interrupts disabled, outside interrupt context.
    static func run() {
        let deadline = Clock.nanosecondsSinceBoot() + maxNanoseconds
        var restarts = maxRestarts
        PreemptCount.add(PreemptCount.softirqOffset)
        while pending != 0 {
            let batch = pending
            pending = 0
            CPU.enableInterrupts()
            for vector in SoftirqVector.allCases where batch & (1 << UInt32(vector.rawValue)) != 0 {
                counts[vector.rawValue] += 1
                handlers[vector.rawValue]?()
            }
            CPU.disableInterrupts()
            restarts -= 1
            if pending != 0 && (restarts == 0 || Clock.nanosecondsSinceBoot() >= deadline) {
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
        if pending != 0 && !PreemptCount.inInterrupt { run() }
        CPU.restoreInterrupts(interruptsWereOn)
    }
}
