/// The scheduling classes a run queue consults, strongest first in Linux's
/// order: stop > deadline > rt > fair > idle (kernel/sched/sched.h, the
/// `sched_class` instances). Apus has no stop or deadline class yet.
///
/// A runnable entity of a stronger class always runs before any entity of
/// a weaker one; each class orders its own entities by its own rules.
public enum SchedClass: Int, Comparable, Sendable {
    /// Only the per-CPU idle entity (Linux: kernel/sched/idle.c).
    case idle
    /// CFS: SCHED_NORMAL, SCHED_BATCH and SCHED_IDLE (kernel/sched/fair.c).
    case fair
    /// SCHED_FIFO and SCHED_RR (kernel/sched/rt.c).
    case realTime

    /// The class that runs tasks of `policy` (Linux: __setscheduler_prio).
    init(policy: SchedPolicy) {
        self = policy.isRealTime ? .realTime : .fair
    }

    public static func < (lhs: SchedClass, rhs: SchedClass) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
