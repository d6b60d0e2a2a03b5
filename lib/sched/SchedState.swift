/// Everything the scheduler keeps per task: Linux's `struct sched_entity`
/// and `struct sched_rt_entity` together with the scheduling fields of
/// `task_struct` (policy, static_prio, rt_priority, sched_class).
///
/// A task stores one and is thereby a `SchedulableEntity`. The fields are
/// read-only outside Lib: each is tied to where the entity sits in a run
/// queue, so only the run queue changes them. `Entity` is the task type,
/// for the intrusive real-time list links.
public struct SchedState<Entity: AnyObject> {
    // MARK: Policy and priority

    public internal(set) var policy: SchedPolicy
    /// -20...19. Kept for real-time tasks too; it counts again once they
    /// return to CFS (Linux: static_prio).
    public internal(set) var nice: Int
    /// 1...99 for FIFO and RR, 0 otherwise (Linux: rt_priority).
    public internal(set) var realTimePriority: Int
    public internal(set) var schedClass: SchedClass
    /// The CFS weight that `policy` and `nice` give (Linux: se.load).
    public internal(set) var load: LoadWeight
    /// The priority lent by the strongest waiter of an rt-mutex the task
    /// holds, when stronger than its own (Linux: pi_top_task's prio).
    public internal(set) var inheritedPrio: Int? = nil

    // MARK: Accounting (sched_entity)

    /// Virtual runtime, ns (see `FairRunQueue`). It is absolute (on the
    /// queue's timeline) while the entity is queued in CFS or asleep after
    /// running in CFS. Otherwise, it is relative to the queue's
    /// `minVruntime`: for a new entity (0 = start at min_vruntime), after a
    /// dequeue that is not a sleep (a migration or an attribute change), and
    /// in other classes.
    public internal(set) var vruntime: UInt64 = 0
    /// When the current accounting stretch began, in run-queue clock ns
    /// (Linux: exec_start).
    public internal(set) var execStart: UInt64 = 0
    /// Total CPU time, ns (Linux: sum_exec_runtime).
    public internal(set) var sumExecRuntime: UInt64 = 0
    /// `sumExecRuntime` when the entity last went onto the CPU; the
    /// difference is how long it has run this time (prev_sum_exec_runtime).
    public internal(set) var prevSumExecRuntime: UInt64 = 0
    /// Whether the entity is runnable on a run queue, waiting or running (on_rq).
    public internal(set) var onRunQueue = false

    // MARK: Real time (sched_rt_entity)

    /// Neighbours in the entity's real-time priority list (run_list). These
    /// strong references form cycles while queued; removal clears them.
    var realTimeNext: Entity?
    var realTimePrevious: Entity?
    /// `sumExecRuntime` when the current SCHED_RR slice began. Linux counts
    /// the slice down in ticks (rt.time_slice); measuring CPU time instead
    /// makes it independent of HZ, and needs no initial value.
    var roundRobinSliceStart: UInt64 = 0

    public internal(set) var statistics = SchedStatistics()

    /// A task's starting state; `realTimePriority` must be 1...99 for FIFO
    /// and RR and 0 otherwise.
    public init(policy: SchedPolicy = .normal, nice: Int = 0, realTimePriority: Int = 0) {
        precondition(SchedPolicy.niceRange.contains(nice), "SchedState: nice out of range")
        precondition(
            Self.isValid(policy: policy, realTimePriority: realTimePriority),
            "SchedState: priority does not match policy")
        self.policy = policy
        self.nice = nice
        self.realTimePriority = realTimePriority
        schedClass = SchedClass(policy: policy)
        load = Self.loadWeight(policy: policy, nice: nice)
    }

    /// The kernel priority the policy gives, lower is stronger: 0...98 for
    /// real time (99 - rt priority), 100...139 for nice -20...19 (Linux: normal_prio).
    public var normalPrio: Int {
        policy.isRealTime
            ? SchedPolicy.realTimeLevels - 1 - realTimePriority
            : SchedPolicy.realTimeLevels + nice - SchedPolicy.niceRange.lowerBound
    }

    /// The priority the scheduler uses: `normalPrio`, or a stronger one
    /// inherited through an rt-mutex (Linux: prio).
    public var prio: Int { min(normalPrio, inheritedPrio ?? normalPrio) }

    /// Whether `realTimePriority` suits `policy`, as sched_setscheduler(2)
    /// requires (otherwise EINVAL).
    public static func isValid(policy: SchedPolicy, realTimePriority: Int) -> Bool {
        policy.isRealTime
            ? SchedPolicy.realTimePriorityRange.contains(realTimePriority)
            : realTimePriority == 0
    }

    /// Replaces the parameters and what derives from them (Linux:
    /// __setscheduler_params, set_load_weight, __setscheduler_prio).
    mutating func setParameters(policy: SchedPolicy, nice: Int, realTimePriority: Int) {
        self.policy = policy
        self.nice = nice
        self.realTimePriority = realTimePriority
        load = Self.loadWeight(policy: policy, nice: nice)
        updateClass()
    }

    /// Sets or clears the inherited priority (Linux: rt_mutex_setprio's
    /// p->prio); a boost to a real-time level moves the task to the
    /// real-time class, whatever its policy, until the boost ends.
    mutating func setInheritedPrio(_ inherited: Int?) {
        inheritedPrio = inherited
        updateClass()
    }

    /// The class that `prio` selects (Linux: __setscheduler_prio).
    private mutating func updateClass() {
        schedClass = prio < SchedPolicy.realTimeLevels ? .realTime : SchedClass(policy: policy)
    }

    /// SCHED_IDLE ignores nice (Linux: set_load_weight).
    private static func loadWeight(policy: SchedPolicy, nice: Int) -> LoadWeight {
        policy == .idle ? .idlePolicy : LoadWeight(nice: nice)
    }

    /// Adds the CPU time since `execStart` and starts a new stretch at `now`
    /// (Linux: update_curr_common). Returns the time charged.
    @discardableResult
    mutating func chargeRuntime(now: UInt64) -> UInt64 {
        guard now > execStart else { return 0 }
        let delta = now - execStart
        execStart = now
        sumExecRuntime += delta
        return delta
    }
}
