import ABI
import Core

// <linux/wait.h>'s and <linux/sched.h>'s calls for C modules (Linux:
// kernel/sched/wait.c, core.c, kernel/time/timer.c's schedule_timeout).
// wait_event() is a macro, so the condition is the module's own C code,
// evaluated in a loop around these calls exactly as Linux's ___wait_event
// does: prepare_to_wait_event queues the task and sets its state, the
// macro tests the condition, schedule() sleeps, finish_wait ends the wait.
// A `struct wait_queue_head` is a key: its waiters live in
// AddressWaitQueues under its address, for as long as someone waits.

/// WQ_FLAG_EXCLUSIVE, in `struct wait_queue_entry`'s first word (its flags).
private let exclusiveFlag: UInt64 = 0x01

/// `long prepare_to_wait_event(struct wait_queue_head *, struct
/// wait_queue_entry *, int state)`: -ERESTARTSYS, and the entry off the
/// queue, if a signal the state lets through is pending; else 0.
@c(prepare_to_wait_event)
func prepareToWaitEvent(head: UInt64, entry: UInt64, state: UInt32) -> Int64 {
    let taskState = TaskState(rawValue: state)
    let task = Scheduler.current
    let interrupted =
        taskState.contains(.interruptible)
        ? task.hasSignalPending
        : taskState.contains(.wakeKill) ? task.hasFatalSignalPending : false
    if interrupted {
        AddressWaitQueues.finish(head: head, entry: entry)
        return -Int64(Errno.ERESTARTSYS.rawValue)
    }
    let exclusive = ModuleCode.load64(at: entry) & exclusiveFlag != 0
    AddressWaitQueues.prepare(head: head, entry: entry, state: taskState, exclusive: exclusive)
    return 0
}

/// `void finish_wait(struct wait_queue_head *, struct wait_queue_entry *)`.
@c(finish_wait)
func finishWait(head: UInt64, entry: UInt64) { AddressWaitQueues.finish(head: head, entry: entry) }

/// `void __wake_up(struct wait_queue_head *, unsigned int mode, int nr, void
/// *key)` (wake_up and its kin): the tasks sleeping in `mode`'s states,
/// every non-exclusive one and `nr` exclusive ones (0: all).
@c(__wake_up)
func wakeUpQueue(head: UInt64, mode: UInt32, count: Int32, key: UInt64) {
    AddressWaitQueues.wakeUp(head, exclusiveCount: count <= 0 ? Int.max : Int(count), states: TaskState(rawValue: mode))
}

/// `void schedule(void)`: sleeps if the task's state says so (set by prepare_to_wait_event).
@c(schedule)
func scheduleFromModule() {
    mightSleep("schedule")
    Scheduler.schedule()
}

/// MAX_SCHEDULE_TIMEOUT, LONG_MAX: schedule_timeout without a timeout.
private let maxScheduleTimeout = Int64.max

/// `long schedule_timeout(long timeout)`: sleeps up to `timeout` jiffies in
/// the state the caller set; returns the jiffies left, 0 once it expired.
@c(schedule_timeout)
func scheduleTimeout(_ timeout: Int64) -> Int64 {
    mightSleep("schedule_timeout")
    if timeout == maxScheduleTimeout {
        Scheduler.schedule()
        return timeout
    }
    guard timeout > 0 else {
        pr_err("schedule_timeout: wrong timeout value \(timeout)")
        Scheduler.setCurrentState(.running)
        return 0
    }
    return Int64(Scheduler.sleep(timeout: UInt64(timeout)))
}

@c(schedule_timeout_interruptible)
func scheduleTimeoutInterruptible(_ timeout: Int64) -> Int64 {
    Scheduler.setCurrentState(.interruptible)
    return scheduleTimeout(timeout)
}

@c(schedule_timeout_uninterruptible)
func scheduleTimeoutUninterruptible(_ timeout: Int64) -> Int64 {
    Scheduler.setCurrentState(.uninterruptible)
    return scheduleTimeout(timeout)
}
