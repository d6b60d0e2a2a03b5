import Core

/// Read-copy-update (Linux: kernel/rcu/tree.c and tree_plugin.h, preemptible
/// RCU as configured with CONFIG_PREEMPT). Readers pay almost nothing: a
/// per-task nesting count. An updater publishes a new version, then waits a
/// *grace period* — until every reader that might still see the old version
/// has finished — before freeing it.
///
/// A grace period ends when (1) every CPU has passed a quiescent state (a
/// context switch, or a tick that finds the running task outside any read
/// section) and (2) every reader that was preempted inside its read section
/// before the grace period began has left it. Written for SMP: the CPU set is
/// a bitmask; one CPU is online for now.
public enum RCU {
    /// Linux's rcu_state, with each CPU's quiescent-state bit in one mask.
    private struct State {
        var completedGracePeriods: UInt64 = 0
        var gracePeriodActive = false
        /// CPUs that still owe a quiescent state for the active grace period.
        var cpusPending: UInt64 = 0
        /// Readers preempted inside a read section, with the grace period they block.
        var blockedReaders: [(task: Task, blocks: UInt64)] = []
        /// call_rcu callbacks waiting for the grace period number they need.
        var callbacks: [(after: UInt64, run: () -> Void)] = []

        mutating func startGracePeriod() {
            gracePeriodActive = true
            cpusPending = onlineCPUs
        }

        mutating func checkGracePeriodEnd() {
            let number = completedGracePeriods + 1
            guard gracePeriodActive, cpusPending == 0, !blockedReaders.contains(where: { $0.blocks <= number }) else {
                return
            }
            completedGracePeriods = number
            gracePeriodActive = false
            if callbacks.contains(where: { $0.after <= completedGracePeriods }) { Softirq.raise(.rcu) }
            if callbacks.contains(where: { $0.after > completedGracePeriods }) { startGracePeriod() }
        }
    }
    static let onlineCPUs: UInt64 = 1
    private static let state = IRQSafeLocked(State())

    public static func initialize() {
        Softirq.open(.rcu) { invokeReadyCallbacks() }
    }

    // MARK: Readers

    public static func readLock() {
        Scheduler.current.rcuReadNesting += 1
    }

    public static func readUnlock() {
        let task = Scheduler.current
        task.rcuReadNesting -= 1
        if task.rcuReadNesting == 0 && task.rcuBlocked {
            state.withLock { state in
                task.rcuBlocked = false
                state.blockedReaders.removeAll { $0.task === task }
                state.checkGracePeriodEnd()
            }
        }
    }

    public static func withReadLock<T>(_ body: () -> T) -> T {
        readLock()
        defer { readUnlock() }
        return body()
    }

    // MARK: Updaters

    /// Runs `callback` after a grace period, from the RCU softirq (Linux: call_rcu).
    public static func call(_ callback: @escaping () -> Void) {
        state.withLock { state in
            // A grace period already running may have begun before the caller's update: wait for the next one.
            let needed = state.completedGracePeriods + (state.gracePeriodActive ? 2 : 1)
            state.callbacks.append((needed, callback))
            if !state.gracePeriodActive { state.startGracePeriod() }
        }
    }

    /// Sleeps until every pre-existing reader has finished (Linux: synchronize_rcu).
    public static func synchronize() {
        mightSleep("synchronize_rcu")
        let done = Completion()
        call { done.complete() }
        done.wait()
    }

    // MARK: Quiescent states, reported by the scheduler

    /// A context switch is a quiescent state for the CPU; a reader switched
    /// out inside its read section keeps the grace period open until it leaves.
    /// Called from schedule() with the run-queue lock held, so it only
    /// records: ending the grace period may wake ksoftirqd, which needs that
    /// lock; the next tick ends it (Linux: rcu_note_context_switch).
    static func noteContextSwitch(from previous: Task) {
        state.withLock { state in
            if previous.rcuReadNesting > 0 && !previous.rcuBlocked {
                previous.rcuBlocked = true
                // It holds the grace period that has not yet seen this CPU's
                // quiescent state: the active one if this CPU still owes it,
                // else the next one to start.
                let next = state.completedGracePeriods + 1
                let owesActive = state.gracePeriodActive && state.cpusPending & 1 != 0
                let blocks = !state.gracePeriodActive || owesActive ? next : next + 1
                state.blockedReaders.append((previous, blocks))
            }
            if state.gracePeriodActive { state.cpusPending &= ~1 }
        }
    }

    /// From the scheduler tick: the running task outside a read section is quiescent.
    static func tick(current: Task) {
        state.withLock { state in
            if current.rcuReadNesting == 0 && state.gracePeriodActive { state.cpusPending &= ~1 }
            state.checkGracePeriodEnd()
            if !state.gracePeriodActive && state.callbacks.contains(where: { $0.after > state.completedGracePeriods }) {
                state.startGracePeriod()
            }
        }
    }

    private static func invokeReadyCallbacks() {
        let ready = state.withLock { state -> [() -> Void] in
            let completed = state.completedGracePeriods
            let done = state.callbacks.filter { $0.after <= completed }.map { $0.run }
            state.callbacks.removeAll { $0.after <= completed }
            return done
        }
        for callback in ready { callback() }
    }

    public static var gracePeriodsCompleted: UInt64 { state.withLock { $0.completedGracePeriods } }
}
