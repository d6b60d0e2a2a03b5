import ABI

/// One CPU's run queue: Linux's `struct rq` with kernel/sched/core.c's
/// walk over the scheduling classes, strongest first: real time, then CFS,
/// then the idle entity.
///
/// It decides; it does not switch. The kernel calls it with interrupts off,
/// passing the time (`now`, ns, from its clock) into every operation:
/// - a task becomes runnable: `enqueue` (`.new` the first time, `.wakeup`
///   after a sleep), then `checkPreemptWakeup`;
/// - the timer interrupt: `tick`;
/// - when `needsReschedule` is set (or the current task has just been
///   dequeued to sleep, or has yielded): `pickNext`, then switch to the
///   entity it returns.
///
/// Nothing here allocates, and all operations are O(log n) or better.
public final class RunQueue<Entity: SchedulableEntity> {
    public let tunables: SchedTunables
    public let realTime: RealTimeRunQueue<Entity>
    public let fair: FairRunQueue<Entity>

    /// Runs when nothing else can (rq->idle). Always runnable, never queued.
    public let idle: Entity

    /// The entity on the CPU (rq->curr); `idle` when nothing else runs.
    public private(set) var current: Entity

    /// The latest `now` passed in, ns; never goes back (rq->clock).
    public private(set) var clock: UInt64 = 0

    /// `current` should leave the CPU at the next opportunity
    /// (TIF_NEED_RESCHED). Only `pickNext` clears it.
    public private(set) var needsReschedule = false

    /// Context switches performed (rq->nr_switches).
    public private(set) var switchCount: UInt64 = 0

    /// sched_yield calls (rq->yld_count).
    public private(set) var yieldCount: UInt64 = 0

    /// Runnable entities, the running one included, the idle one not (rq->nr_running).
    public var nrRunning: Int { realTime.nrRunning + fair.nrRunning }

    /// A run queue that starts out running `idle`, which it takes over
    /// (Linux: init_idle).
    public init(idle: Entity, tunables: SchedTunables = SchedTunables()) {
        self.tunables = tunables
        realTime = RealTimeRunQueue(tunables: tunables)
        fair = FairRunQueue(tunables: tunables)
        self.idle = idle
        current = idle
        idle.sched.schedClass = .idle
        idle.sched.onRunQueue = true
    }

    // MARK: Queueing

    /// Makes `entity` runnable (activate_task). It must not be queued and
    /// must not be `current`: a task going to sleep is dequeued and switched
    /// away from in one step.
    public func enqueue(_ entity: Entity, flags: EnqueueFlags = [], now: UInt64) {
        precondition(!entity.sched.onRunQueue, "RunQueue: entity already queued")
        precondition(entity !== current, "RunQueue: enqueueing the running entity")
        advanceClock(to: now)
        enqueueInClass(entity, flags: flags)
    }

    /// Takes `entity` off the queue (deactivate_task): `.sleep` when it
    /// blocks; no flags when it moves to another CPU. If it is `current`,
    /// call `pickNext` next.
    public func dequeue(_ entity: Entity, flags: DequeueFlags = [], now: UInt64) {
        precondition(entity.sched.onRunQueue && entity !== idle, "RunQueue: entity not queued")
        advanceClock(to: now)
        dequeueFromClass(entity, flags: flags)
    }

    // MARK: Switching

    /// Chooses what runs next (__schedule's pick_next_task): `current` is
    /// put back (re-queued if still runnable), then the classes are asked in
    /// order. Clears `needsReschedule`. Returns `current`'s new value, which
    /// may be the same entity.
    public func pickNext(now: UInt64) -> Entity {
        advanceClock(to: now)
        let previous = current
        putPrevious(previous)
        let next = realTime.pickNext() ?? fair.pickNext() ?? idle
        setNext(next)
        needsReschedule = false
        if next !== previous {
            switchCount += 1
            if previous.sched.onRunQueue {
                previous.sched.statistics.involuntarySwitches += 1
            } else {
                previous.sched.statistics.voluntarySwitches += 1
            }
            next.sched.statistics.timesRun += 1
            current = next
        }
        return next
    }

    /// The timer interrupt (scheduler_tick): charges `current` and lets its
    /// class decide whether its time is up. Returns `needsReschedule`.
    @discardableResult
    public func tick(now: UInt64) -> Bool {
        advanceClock(to: now)
        let timeIsUp: Bool
        switch current.sched.schedClass {
        case .realTime: timeIsUp = realTime.tick(now: clock)
        case .fair: timeIsUp = fair.tick(now: clock)
        case .idle: timeIsUp = false
        }
        if timeIsUp { needsReschedule = true }
        return needsReschedule
    }

    /// After `woken` was enqueued: whether it should preempt `current`
    /// (check_preempt_curr). Returns `needsReschedule`.
    @discardableResult
    public func checkPreemptWakeup(_ woken: Entity, now: UInt64) -> Bool {
        advanceClock(to: now)
        checkPreemption(by: woken)
        return needsReschedule
    }

    /// `current` calls sched_yield (do_sched_yield): it goes behind its
    /// equals. Sets `needsReschedule`; call `pickNext` next.
    public func yieldCurrent(now: UInt64) {
        advanceClock(to: now)
        yieldCount += 1
        switch current.sched.schedClass {
        case .realTime: realTime.yieldCurrent()
        case .fair: fair.yieldCurrent()
        case .idle: break
        }
        needsReschedule = true
    }

    // MARK: Changing parameters

    /// nice(2) / setpriority(2) (set_user_nice). Values outside -20...19 are
    /// ignored, as in Linux; the system call clamps them first. For a
    /// real-time task the value is only stored, for when it returns to CFS.
    public func setNice(_ entity: Entity, to nice: Int, now: UInt64) {
        precondition(entity !== idle, "RunQueue: the idle entity has no nice value")
        guard nice != entity.sched.nice, SchedPolicy.niceRange.contains(nice) else { return }
        advanceClock(to: now)
        guard !entity.sched.policy.isRealTime else {
            entity.sched.nice = nice
            return
        }
        // A CFS task boosted into real time gets its new weight too; its level stays.
        change(entity, dequeueFlags: .save) {
            $0.setParameters(policy: $0.policy, nice: nice, realTimePriority: $0.realTimePriority)
        }
    }

    /// sched_setscheduler(2) without the permission checks (__sched_setscheduler):
    /// `priority` must be 1...99 for FIFO and RR and 0 otherwise, else EINVAL.
    /// The nice value is kept.
    public func setScheduler(
        _ entity: Entity, policy: SchedPolicy, priority: Int,
        now: UInt64
    ) throws(Errno) {
        precondition(entity !== idle, "RunQueue: the idle entity keeps its class")
        guard SchedState<Entity>.isValid(policy: policy, realTimePriority: priority) else {
            throw .EINVAL
        }
        guard policy != entity.sched.policy || priority != entity.sched.realTimePriority else { return }
        advanceClock(to: now)
        change(entity, dequeueFlags: []) {
            $0.setParameters(policy: policy, nice: $0.nice, realTimePriority: priority)
        }
    }

    /// Lends `entity` a stronger priority, or with nil ends the loan
    /// (Linux: rt_mutex_setprio). The rt-mutex code calls it for the owner
    /// of a lock whose strongest waiter changed; `prio` is a kernel
    /// priority, lower is stronger, and only counts if stronger than the
    /// entity's own.
    public func setInheritedPriority(_ entity: Entity, _ prio: Int?, now: UInt64) {
        precondition(entity !== idle, "RunQueue: the idle entity inherits nothing")
        let inherited = prio.flatMap { $0 < entity.sched.normalPrio ? $0 : nil }
        guard inherited != entity.sched.inheritedPrio else { return }
        advanceClock(to: now)
        change(entity, dequeueFlags: .save) { $0.setInheritedPrio(inherited) }
    }

    /// Applies new parameters the way Linux does: take the entity off its
    /// queue (and off the CPU, if running), change it, put it back, then let
    /// the classes decide whether that calls for preemption
    /// (check_class_changed).
    private func change(
        _ entity: Entity, dequeueFlags: DequeueFlags, _ update: (inout SchedState<Entity>) -> Void
    ) {
        let queued = entity.sched.onRunQueue
        let running = entity === current
        let oldClass = entity.sched.schedClass
        let oldPrio = entity.sched.prio
        if queued { dequeueFromClass(entity, flags: dequeueFlags) }
        if running { putPrevious(entity) }
        update(&entity.sched)
        // A real-time task whose priority drops goes to the head of its new
        // level; one whose priority rises, to the tail.
        if queued { enqueueInClass(entity, flags: oldPrio < entity.sched.prio ? .head : []) }
        if running { setNext(entity) }
        if entity.sched.schedClass != oldClass {
            switchedClass(entity, from: oldClass)
        } else if entity.sched.prio != oldPrio {
            priorityChanged(entity, from: oldPrio)
        }
    }

    /// `entity` moved to another class (switched_from_* / switched_to_*).
    private func switchedClass(_ entity: Entity, from oldClass: SchedClass) {
        if oldClass == .fair { fair.switchedFrom(entity) }
        switch entity.sched.schedClass {
        case .fair:
            fair.switchedTo(entity)
            guard entity.sched.onRunQueue else { return }
            // Most likely it left real time: if it is running, others may now come first.
            if entity === current { needsReschedule = true } else { checkPreemption(by: entity) }
        case .realTime:
            if entity.sched.onRunQueue && entity !== current && entity.sched.prio < current.sched.prio {
                needsReschedule = true
            }
        case .idle:
            preconditionFailure("RunQueue: only the idle entity is in the idle class")
        }
    }

    /// `entity`'s priority changed within its class (prio_changed_*): a
    /// running entity that got weaker, or a waiting one that got stronger,
    /// may have to give way or take over.
    private func priorityChanged(_ entity: Entity, from oldPrio: Int) {
        guard entity.sched.onRunQueue else { return }
        switch entity.sched.schedClass {
        case .realTime:
            if entity === current {
                if entity.sched.prio > oldPrio { needsReschedule = true }
            } else if entity.sched.prio < current.sched.prio {
                needsReschedule = true
            }
        case .fair:
            guard fair.nrRunning > 1 else { return }
            if entity === current {
                if entity.sched.prio > oldPrio { needsReschedule = true }
            } else {
                checkPreemption(by: entity)
            }
        case .idle:
            preconditionFailure("RunQueue: only the idle entity is in the idle class")
        }
    }

    // MARK: Class dispatch

    /// Whether runnable `entity` should preempt `current` (check_preempt_curr):
    /// a stronger class always does; within a class, the class decides.
    private func checkPreemption(by entity: Entity) {
        guard !needsReschedule, entity !== current else { return }
        let entityClass = entity.sched.schedClass
        let preempts: Bool
        if entityClass != current.sched.schedClass {
            preempts = entityClass > current.sched.schedClass
        } else {
            switch entityClass {
            case .realTime: preempts = entity.sched.prio < current.sched.prio
            case .fair: preempts = fair.checkPreemptWakeup(entity, now: clock)
            case .idle: preempts = false
            }
        }
        if preempts { needsReschedule = true }
    }

    private func enqueueInClass(_ entity: Entity, flags: EnqueueFlags) {
        switch entity.sched.schedClass {
        case .realTime: realTime.enqueue(entity, flags: flags)
        case .fair: fair.enqueue(entity, flags: flags, now: clock)
        case .idle: preconditionFailure("RunQueue: the idle entity is never queued")
        }
        if entity !== current { entity.sched.statistics.beginWait(at: clock) }
    }

    private func dequeueFromClass(_ entity: Entity, flags: DequeueFlags) {
        entity.sched.statistics.endWait(at: clock)
        switch entity.sched.schedClass {
        case .realTime: realTime.dequeue(entity, now: clock)
        case .fair: fair.dequeue(entity, flags: flags, now: clock)
        case .idle: preconditionFailure("RunQueue: the idle entity is never queued")
        }
    }

    /// `entity` (which is `current`) leaves the CPU (put_prev_task).
    private func putPrevious(_ entity: Entity) {
        switch entity.sched.schedClass {
        case .realTime: realTime.putPrevious(now: clock)
        case .fair: fair.putPrevious(now: clock)
        case .idle: return
        }
        if entity.sched.onRunQueue { entity.sched.statistics.beginWait(at: clock) }
    }

    /// `entity` goes onto the CPU (set_next_task).
    private func setNext(_ entity: Entity) {
        entity.sched.statistics.endWait(at: clock)
        switch entity.sched.schedClass {
        case .realTime: realTime.setNext(entity, now: clock)
        case .fair: fair.setNext(entity, now: clock)
        case .idle: break
        }
    }

    /// update_rq_clock: the caller's clock, kept monotonic.
    private func advanceClock(to now: UInt64) {
        clock = max(clock, now)
    }
}
