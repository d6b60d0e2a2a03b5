/// One CPU's CFS run queue: Linux's `struct cfs_rq` and the Completely Fair
/// Scheduler of kernel/sched/fair.c as it was before EEVDF (Linux 5.x-6.5),
/// without group scheduling or load tracking.
///
/// Each entity accumulates virtual runtime: real runtime scaled by
/// NICE_0_LOAD / weight, so heavier entities age more slowly. CFS runs the
/// entity with the least vruntime, and over time each gets CPU in proportion
/// to its weight. Waiting entities sit in a red-black tree ordered by
/// vruntime. The running entity, `current`, is taken out of the tree while
/// it runs, because its key changes all the time, and put back when it
/// stops (set_next_entity / put_prev_entity).
///
/// `minVruntime` follows the smallest vruntime and never goes back. Joining
/// entities are placed relative to it: a new one a slice after it, a waking
/// one at most half a latency before it, so sleeping does not bank credit.
///
/// `RunQueue` drives this; nothing here allocates.
public final class FairRunQueue<Entity: SchedulableEntity> {
    let tunables: SchedTunables

    /// Runnable entities except `current`, least vruntime leftmost (tasks_timeline).
    let timeline = RBTree<Entity>()

    /// The entity running from this queue, if any (cfs_rq->curr). It stays
    /// `current` after it is dequeued, until `putPrevious`.
    public private(set) var current: Entity?

    /// The queue's reference point: the least vruntime among its runnable
    /// entities, except that it never moves back (min_vruntime). It starts
    /// 2^20 ns before the UInt64 wrap, as in Linux, so that wrapping bugs
    /// show up at once rather than after centuries.
    public private(set) var minVruntime: UInt64 = 0 &- (1 << 20)

    /// Sum of the weights of all queued entities, `current` included if
    /// runnable (load.weight).
    public private(set) var load: UInt64 = 0

    /// Number of queued entities, `current` included if runnable (nr_running).
    public private(set) var nrRunning = 0

    // Buddies: hints that override the leftmost pick when doing so is not
    // too unfair (within a wakeup granularity). Strong references, so every
    // dequeue clears the ones naming the departing entity.

    /// The waking entity that preempted `current`: run it next (cfs_rq->next).
    private var nextBuddy: Entity?
    /// The entity that wakeup preemption took the CPU from, under load:
    /// give the CPU back to it, for cache warmth (cfs_rq->last).
    private var lastBuddy: Entity?
    /// The entity that yielded: pass it over (cfs_rq->skip).
    private var skipBuddy: Entity?

    init(tunables: SchedTunables) {
        self.tunables = tunables
    }

    // MARK: Accounting

    /// Charges `current` for the time since it was last charged (update_curr):
    /// real time to sumExecRuntime, weighted time to vruntime.
    func updateCurrent(now: UInt64) {
        guard let current else { return }
        let delta = current.sched.chargeRuntime(now: now)
        guard delta > 0 else { return }
        let advance = current.sched.load.virtualDelta(delta)
        current.sched.vruntime &+= advance
        updateMinVruntime()
    }

    /// Moves `minVruntime` up to the least vruntime on the queue, never back
    /// (update_min_vruntime).
    private func updateMinVruntime() {
        let running = current.flatMap { $0.sched.onRunQueue ? $0.sched.vruntime : nil }
        let waiting = timeline.leftmost?.sched.vruntime
        let least: UInt64
        switch (running, waiting) {
        case (let running?, let waiting?): least = Vruntime.earlier(running, waiting)
        case (let running?, nil): least = running
        case (nil, let waiting?): least = waiting
        case (nil, nil): return
        }
        minVruntime = Vruntime.later(minVruntime, least)
    }

    /// The real time `entity` should run per period: the period shared in
    /// proportion to weight, but at least `minGranularity` (sched_slice). An
    /// entity not yet queued is counted as if it were.
    func slice(of entity: Entity) -> UInt64 {
        let joining = !entity.sched.onRunQueue
        let period = tunables.period(nrRunning: nrRunning + (joining ? 1 : 0))
        let queueLoad = LoadWeight(weight: load + (joining ? entity.sched.load.weight : 0))
        return max(queueLoad.scale(period, by: entity.sched.load.weight), tunables.minGranularity)
    }

    /// `slice(of:)` in the entity's virtual time (sched_vslice).
    func virtualSlice(of entity: Entity) -> UInt64 {
        entity.sched.load.virtualDelta(slice(of: entity))
    }

    // MARK: Queueing

    /// Makes `entity` runnable here (enqueue_entity).
    func enqueue(_ entity: Entity, flags: EnqueueFlags, now: UInt64) {
        precondition(entity !== current, "CFS: enqueueing the running entity")
        precondition(!(flags.contains(.new) && flags.contains(.wakeup)), "CFS: new and waking at once")
        // Charge the running entity first, so that min_vruntime is current
        // when the newcomer is measured against it.
        updateCurrent(now: now)
        if !flags.contains(.wakeup) || flags.contains(.migrated) {
            entity.sched.vruntime &+= minVruntime
        }
        // A new entity's slice is computed as if it had already joined.
        if flags.contains(.new) { place(entity, isNew: true) }
        load += entity.sched.load.weight
        nrRunning += 1
        if flags.contains(.wakeup) { place(entity, isNew: false) }
        timeline.insert(entity)
        entity.sched.onRunQueue = true
    }

    /// Removes `entity`, waiting or running, from the runnable set (dequeue_entity).
    func dequeue(_ entity: Entity, flags: DequeueFlags, now: UInt64) {
        updateCurrent(now: now)
        clearBuddies(entity)
        if entity !== current { timeline.remove(entity) }
        entity.sched.onRunQueue = false
        load -= entity.sched.load.weight
        nrRunning -= 1
        if !flags.contains(.sleep) { entity.sched.vruntime &-= minVruntime }
        // The departing entity may have been holding min_vruntime back.
        if !flags.contains(.save) { updateMinVruntime() }
    }

    /// Sets the vruntime of a joining entity (place_entity). A new entity
    /// goes one virtual slice past min_vruntime: the current period is
    /// already promised to the others (START_DEBIT). A sleeper may be at
    /// most half a latency behind: sleeping earns a little priority, not a
    /// bank of CPU time (GENTLE_FAIR_SLEEPERS). Neither moves an entity back.
    private func place(_ entity: Entity, isNew: Bool) {
        var vruntime = minVruntime
        if isNew {
            vruntime &+= virtualSlice(of: entity)
        } else {
            // A SCHED_IDLE sleeper earns less.
            let credit = entity.sched.policy == .idle ? tunables.minGranularity : tunables.latency
            vruntime &-= credit / 2
        }
        entity.sched.vruntime = Vruntime.later(entity.sched.vruntime, vruntime)
    }

    // MARK: Running

    /// The entity CFS would run next, or nil when none is runnable
    /// (pick_next_entity). Call it with no `current` (after `putPrevious`).
    func pickNext() -> Entity? {
        precondition(current == nil, "CFS: pick with an entity still running")
        guard let leftmost = timeline.leftmost else { return nil }
        var chosen = leftmost
        if skipBuddy === leftmost, let second = timeline.successor(of: leftmost),
            !isAheadBeyondWakeupGranularity(second, of: leftmost)
        {
            chosen = second
        }
        if let nextBuddy, !isAheadBeyondWakeupGranularity(nextBuddy, of: leftmost) {
            chosen = nextBuddy
        } else if let lastBuddy, !isAheadBeyondWakeupGranularity(lastBuddy, of: leftmost) {
            chosen = lastBuddy
        }
        return chosen
    }

    /// `entity`, as returned by `pickNext`, goes onto the CPU (set_next_entity).
    func setNext(_ entity: Entity, now: UInt64) {
        precondition(current == nil, "CFS: an entity is already running")
        clearBuddies(entity)
        timeline.remove(entity)
        entity.sched.execStart = now
        entity.sched.prevSumExecRuntime = entity.sched.sumExecRuntime
        current = entity
    }

    /// `current` leaves the CPU (put_prev_entity). If still runnable it is
    /// charged and returns to the tree; a dequeued one was charged then.
    func putPrevious(now: UInt64) {
        guard let current else { return }
        if current.sched.onRunQueue {
            updateCurrent(now: now)
            timeline.insert(current)
        }
        self.current = nil
    }

    // MARK: Preemption

    /// The timer tick's check (entity_tick, check_preempt_tick): whether
    /// `current` should give way, because it has had its slice, or because
    /// it is a slice of virtual time ahead of the leftmost waiter.
    func tick(now: UInt64) -> Bool {
        updateCurrent(now: now)
        guard let current, nrRunning > 1, let leftmost = timeline.leftmost else { return false }
        // With many light tasks the slice can exceed the latency; cap it.
        let idealRuntime = min(slice(of: current), tunables.latency)
        let ranFor = current.sched.sumExecRuntime - current.sched.prevSumExecRuntime
        if ranFor > idealRuntime {
            // It had its share; a buddy hint must not re-elect it.
            clearBuddies(current)
            return true
        }
        // Let it run a minimum, so a task that narrowly missed wakeup
        // preemption does not cause a switch every tick.
        guard ranFor >= tunables.minGranularity else { return false }
        // Linux compares this virtual lead with the real-time slice as is.
        let lead = Vruntime.difference(current.sched.vruntime, leftmost.sched.vruntime)
        return lead > 0 && UInt64(lead) > idealRuntime
    }

    /// Whether waking `woken` should preempt `current`, both CFS entities
    /// (check_preempt_wakeup). Marks buddies so the next pick honours it.
    func checkPreemptWakeup(_ woken: Entity, now: UInt64) -> Bool {
        guard let current, current !== woken else { return false }
        // A SCHED_IDLE task gives way to any other at once.
        let idleGivesWay = current.sched.policy == .idle && woken.sched.policy != .idle
        if !idleGivesWay {
            // BATCH and IDLE wakers wait for the tick.
            guard woken.sched.policy == .normal else { return false }
            updateCurrent(now: now)
            guard isAheadBeyondWakeupGranularity(current, of: woken) else { return false }
            if mayBeBuddy(woken) { nextBuddy = woken }
        }
        if nrRunning >= tunables.nrLatency && current.sched.onRunQueue && mayBeBuddy(current) {
            lastBuddy = current
        }
        return true
    }

    /// `current` calls sched_yield (yield_task_fair): the next pick passes
    /// it over, unless that would be unfair to it.
    func yieldCurrent() {
        guard let current, nrRunning > 1 else { return }
        clearBuddies(current)
        skipBuddy = current
    }

    /// Whether `entity` is more than a wakeup granularity of virtual time
    /// ahead of `other` (wakeup_preempt_entity() == 1). The granularity is
    /// scaled to `other`'s weight: a light waker needs a bigger lead.
    private func isAheadBeyondWakeupGranularity(_ entity: Entity, of other: Entity) -> Bool {
        let lead = Vruntime.difference(entity.sched.vruntime, other.sched.vruntime)
        let granularity = other.sched.load.virtualDelta(tunables.wakeupGranularity)
        return lead > 0 && UInt64(lead) > granularity
    }

    /// SCHED_IDLE entities get no buddy favours (set_next_buddy, set_last_buddy).
    private func mayBeBuddy(_ entity: Entity) -> Bool {
        entity.sched.policy != .idle
    }

    private func clearBuddies(_ entity: Entity) {
        if nextBuddy === entity { nextBuddy = nil }
        if lastBuddy === entity { lastBuddy = nil }
        if skipBuddy === entity { skipBuddy = nil }
    }

    // MARK: Changing class

    /// Only a sleeper that has run holds an absolute vruntime across a class
    /// change: queued entities were converted by the dequeue and enqueue
    /// around the change, and one that never ran still holds its initial
    /// relative vruntime (Linux: !vruntime_normalized).
    private func needsVruntimeConversion(_ entity: Entity) -> Bool {
        !entity.sched.onRunQueue && entity.sched.sumExecRuntime > 0
    }

    /// A sleeping `entity` leaves CFS (switched_from_fair, detach_task_cfs_rq):
    /// settle its sleep credit now, then keep its vruntime relative, as
    /// entities of other classes do.
    func switchedFrom(_ entity: Entity) {
        guard needsVruntimeConversion(entity) else { return }
        place(entity, isNew: false)
        entity.sched.vruntime &-= minVruntime
    }

    /// A sleeping `entity` joins CFS (switched_to_fair, attach_task_cfs_rq):
    /// make its vruntime absolute, as a CFS sleeper's is.
    func switchedTo(_ entity: Entity) {
        guard needsVruntimeConversion(entity) else { return }
        entity.sched.vruntime &+= minVruntime
    }
}
