import ABI
import Core
import Lib

/// Tasks as owners and waiters of rt-mutexes, the sleeping locks with
/// priority inheritance (Linux: kernel/locking/rtmutex.c). The queueing,
/// boosting and deadlock detection are lib/locking/RTMutex.swift; here a
/// changed effective priority reaches the scheduler. Today the only
/// rt-mutexes are those behind contended PI futexes (kernel/futex/PIFutex.swift),
/// whose lock covers every rt-mutex operation.
extension Task: RTMutexTask {
    public var normalPriority: Int { sched.normalPrio }
}

enum RTMutexes {
    /// What the rt-mutex operations call when a task's effective priority
    /// may have changed (Linux: rt_mutex_adjust_prio → rt_mutex_setprio).
    static func setPriority(_ task: Task, _ priority: Int) {
        Scheduler.setInheritedPriority(task, priority)
    }
}
