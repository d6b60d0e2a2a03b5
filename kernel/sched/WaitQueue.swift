import ABI
import Core

/// One sleeper on a wait queue (Linux: struct wait_queue_entry), or a
/// callback to run instead of waking one (an entry with its own ->func).
public final class WaitQueueEntry {
    /// The task to wake; nil for a callback entry.
    public let task: Task?
    /// Runs on every wakeup of the queue, under its lock with interrupts
    /// off, so it may only take spinlocks and wake other queues; the entry
    /// stays queued (Linux: ep_poll_callback, which epoll puts on the
    /// queues of the files it watches).
    fileprivate let callback: (() -> Void)?
    /// Exclusive waiters are woken one at a time (Linux: WQ_FLAG_EXCLUSIVE),
    /// which avoids a thundering herd when only one of them can proceed.
    public fileprivate(set) var isExclusive = false
    /// On a queue and not woken since (a woken entry is taken off).
    public fileprivate(set) var isQueued = false

    public init(task: Task = Scheduler.current) {
        self.task = task
        callback = nil
    }

    public init(callback: @escaping () -> Void) {
        task = nil
        self.callback = callback
    }
}

/// A list of tasks sleeping until something happens (Linux:
/// kernel/sched/wait.c, include/linux/wait.h). The waiter's protocol avoids
/// lost wakeups: queue yourself and set your state first, then test the
/// condition, then sleep — a wake_up that lands between the test and the
/// sleep has already made the task runnable again, so schedule() returns.
public final class WaitQueue {
    private let lock = SpinLock()
    /// Non-exclusive waiters first, exclusive ones after, as Linux's add_wait_queue_exclusive keeps them.
    private var entries: [WaitQueueEntry] = []

    public init() {}

    public var isEmpty: Bool { lock.withLockIrqSave { entries.isEmpty } }

    /// Linux's prepare_to_wait / prepare_to_wait_exclusive.
    public func prepareToWait(_ entry: WaitQueueEntry, state: TaskState, exclusive: Bool = false) {
        lock.withLockIrqSave {
            if !entry.isQueued {
                entry.isExclusive = exclusive
                entry.isQueued = true
                if exclusive { entries.append(entry) } else { entries.insert(entry, at: 0) }
            }
            Scheduler.setCurrentState(state)
        }
    }

    /// Queues `entry` without touching the task's state (Linux:
    /// add_wait_queue): poll waits on many queues and sets its state once.
    public func add(_ entry: WaitQueueEntry) {
        lock.withLockIrqSave {
            guard !entry.isQueued else { return }
            entry.isExclusive = false
            entry.isQueued = true
            entries.insert(entry, at: 0)
        }
    }

    /// Takes `entry` off the queue if it is still there (Linux: remove_wait_queue).
    public func remove(waiting entry: WaitQueueEntry) {
        lock.withLockIrqSave {
            if entry.isQueued { remove(entry) }
        }
    }

    /// Linux's finish_wait: running again, and off the queue.
    public func finishWait(_ entry: WaitQueueEntry) {
        Scheduler.setCurrentState(.running)
        lock.withLockIrqSave {
            if entry.isQueued { remove(entry) }
        }
    }

    private func remove(_ entry: WaitQueueEntry) {
        if let index = entries.firstIndex(where: { $0 === entry }) { entries.remove(at: index) }
        entry.isQueued = false
    }

    /// Wakes every non-exclusive waiter and up to `exclusiveCount` exclusive
    /// ones (Linux: __wake_up_common). Woken entries are dequeued here
    /// (autoremove_wake_function), so a waker never wakes the same entry twice.
    public func wakeUp(exclusiveCount: Int = 1, states: TaskState = .normal) {
        lock.withLockIrqSave {
            var remainingExclusive = exclusiveCount
            var index = 0
            while index < entries.count {
                let entry = entries[index]
                if entry.isExclusive && remainingExclusive == 0 { break }
                if let callback = entry.callback {
                    callback()
                    index += 1
                } else if let task = entry.task, Scheduler.wakeUp(task, states: states) {
                    if entry.isExclusive { remainingExclusive -= 1 }
                    remove(entry)
                } else {
                    index += 1
                }
            }
        }
    }

    public func wakeUpAll() { wakeUp(exclusiveCount: Int.max) }

    /// Sleeps until `condition` holds (Linux: wait_event). `timeout` in
    /// jiffies (nil: forever) returns false if it ran out first. The
    /// condition is evaluated exactly once per wakeup, so it may also claim
    /// what it found (as a completion or a semaphore does).
    @discardableResult
    public func wait(
        state: TaskState = .uninterruptible, exclusive: Bool = false, timeout: UInt64? = nil,
        until condition: () -> Bool
    ) -> Bool {
        wait(state: state, exclusive: exclusive, timeout: timeout, interrupted: { false }, until: condition)
    }

    /// Sleeps until `condition` holds or a signal is pending (Linux:
    /// wait_event_interruptible); throws ERESTARTSYS for the signal, which
    /// becomes EINTR or a restart on the way back to user mode. With
    /// `timeout` (jiffies) it returns false if that ran out first (Linux:
    /// wait_event_interruptible_timeout).
    @discardableResult
    public func waitInterruptible(exclusive: Bool = false, timeout: UInt64? = nil, until condition: () -> Bool)
        throws(Errno) -> Bool
    {
        let task = Scheduler.current
        let satisfied = wait(
            state: .interruptible, exclusive: exclusive, timeout: timeout,
            interrupted: { task.hasSignalPending }, until: condition)
        if !satisfied && task.hasSignalPending { throw .ERESTARTSYS }
        return satisfied
    }

    /// Sleeps until `condition` holds or a fatal signal is pending (Linux:
    /// wait_event_killable); throws EINTR for the signal.
    public func waitKillable(exclusive: Bool = false, until condition: () -> Bool) throws(Errno) {
        let task = Scheduler.current
        guard
            wait(
                state: .interruptible, exclusive: exclusive, timeout: nil,
                interrupted: { task.hasFatalSignalPending }, until: condition)
        else { throw .EINTR }
    }

    private func wait(
        state: TaskState, exclusive: Bool, timeout: UInt64?, interrupted: () -> Bool,
        until condition: () -> Bool
    ) -> Bool {
        if condition() { return true }
        mightSleep("wait_event")
        let entry = WaitQueueEntry()
        var remaining = timeout
        var satisfied = false
        while true {
            prepareToWait(entry, state: state, exclusive: exclusive)
            satisfied = condition()
            if satisfied || interrupted() { break }
            if let left = remaining {
                if left == 0 { break }
                remaining = Scheduler.sleep(timeout: left)
            } else {
                Scheduler.schedule()
            }
        }
        finishWait(entry)
        return satisfied
    }
}
