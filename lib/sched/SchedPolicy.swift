/// How a task asks to be scheduled: the `policy` argument of
/// sched_setscheduler(2), with Linux's numbers because user space passes
/// them in (include/uapi/linux/sched.h; priorities from
/// include/linux/sched/prio.h).
///
/// The policy selects the scheduling class: FIFO and RR are real-time;
/// NORMAL, BATCH and IDLE all belong to CFS and differ only in weight and
/// wakeup behaviour. Note that SCHED_IDLE is *not* the idle class: a
/// SCHED_IDLE task still competes in CFS, just with a tiny weight.
public enum SchedPolicy: Int32, Sendable {
    /// SCHED_NORMAL (SCHED_OTHER): CFS, weighted by the nice value.
    case normal = 0
    /// SCHED_FIFO: real-time; runs until it blocks, yields or a higher
    /// priority becomes runnable.
    case fifo = 1
    /// SCHED_RR: SCHED_FIFO with a time slice, after which the task goes
    /// behind the others of its priority.
    case roundRobin = 2
    /// SCHED_BATCH: CFS, but a waking task never preempts; for throughput work.
    case batch = 3
    /// SCHED_IDLE: CFS with weight 3, far below even nice 19.
    case idle = 5

    public var isRealTime: Bool { self == .fifo || self == .roundRobin }

    /// Nice values, strongest first (Linux: MIN_NICE...MAX_NICE).
    public static let niceRange = -20...19

    /// Priorities of FIFO and RR tasks; higher runs first. The other
    /// policies take priority 0.
    public static let realTimePriorityRange = 1...99

    /// Kernel priority levels 0..<100 belong to real time (Linux: MAX_RT_PRIO);
    /// nice values map onto the 40 levels after them.
    public static let realTimeLevels = 100
}
