/// One CPU's real-time run queue: Linux's `struct rt_rq` with the
/// SCHED_FIFO / SCHED_RR class of kernel/sched/rt.c, without the pushing
/// and pulling of tasks between CPUs.
///
/// Strict priority: the strongest runnable entity runs, and among equals the
/// one at the head of their list. Unlike CFS, the running entity stays in
/// its list, at the head, so when a stronger one preempts it, it is first
/// in line again (as POSIX requires). SCHED_FIFO runs until it blocks or
/// yields; SCHED_RR also goes behind its equals whenever its time slice is
/// used up.
///
/// Linux's RT throttling (at most 0.95 s of real time per second) is not
/// implemented: a spinning FIFO task keeps its CPU.
public final class RealTimeRunQueue<Entity: SchedulableEntity> {
    let tunables: SchedTunables
    private var queue = RealTimePriorityArray<Entity>()

    /// The real-time entity on the CPU, if any. It stays `current` after it
    /// is dequeued, until `putPrevious`.
    public private(set) var current: Entity?

    /// Number of queued entities, `current` included if runnable (rt_nr_running).
    public private(set) var nrRunning = 0

    init(tunables: SchedTunables) {
        self.tunables = tunables
    }

    /// Charges `current` for its CPU time (update_curr_rt).
    private func updateCurrent(now: UInt64) {
        current?.sched.chargeRuntime(now: now)
    }

    /// Makes `entity` runnable: at the tail of its level, or at the head
    /// with `.head` (enqueue_task_rt).
    func enqueue(_ entity: Entity, flags: EnqueueFlags) {
        queue.insert(entity, atHead: flags.contains(.head))
        nrRunning += 1
        entity.sched.onRunQueue = true
    }

    /// Removes `entity`, waiting or running (dequeue_task_rt).
    func dequeue(_ entity: Entity, now: UInt64) {
        updateCurrent(now: now)
        queue.remove(entity)
        nrRunning -= 1
        entity.sched.onRunQueue = false
    }

    /// The first entity of the strongest level (pick_next_rt_entity).
    func pickNext() -> Entity? {
        queue.first
    }

    /// `entity` goes onto the CPU (set_next_task_rt); it stays in its list.
    func setNext(_ entity: Entity, now: UInt64) {
        entity.sched.execStart = now
        current = entity
    }

    /// `current` leaves the CPU (put_prev_task_rt).
    func putPrevious(now: UInt64) {
        updateCurrent(now: now)
        current = nil
    }

    /// The timer tick (task_tick_rt): whether `current` should give way.
    /// Only SCHED_RR ever does, when its slice is used up and an equal is
    /// waiting; alone at its level it simply starts a new slice.
    func tick(now: UInt64) -> Bool {
        updateCurrent(now: now)
        guard let current, current.sched.policy == .roundRobin else { return false }
        let used = current.sched.sumExecRuntime - current.sched.roundRobinSliceStart
        guard used >= tunables.roundRobinTimeslice else { return false }
        current.sched.roundRobinSliceStart = current.sched.sumExecRuntime
        return queue.moveToTail(current)
    }

    /// `current` calls sched_yield: behind its equals (yield_task_rt).
    func yieldCurrent() {
        if let current { queue.moveToTail(current) }
    }
}
