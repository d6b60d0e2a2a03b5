import ABI

/// A task that can own and wait for rt-mutexes: the scheduler's task. Its
/// `rtMutexLinks` belong to the rt-mutex code (Linux: pi_blocked_on,
/// pi_waiters); `normalPriority` is what its policy gives it (normal_prio).
public protocol RTMutexTask: AnyObject {
    var normalPriority: Int { get }
    var rtMutexLinks: RTMutexLinks<Self> { get set }
}

/// What a task knows of the rt-mutexes it deals with.
public struct RTMutexLinks<Task: RTMutexTask> {
    /// The waiter through which it sleeps, if it does (Linux: pi_blocked_on).
    public internal(set) var blockedOn: RTMutexWaiter<Task>? = nil
    /// The mutexes it owns. Linux keeps the top waiter of each in a tree
    /// (pi_waiters); a task holds few, so the strongest is found by a scan.
    var owned: [RTMutex<Task>] = []

    public init() {}

    public var ownedCount: Int { owned.count }
}

/// A task waiting for an rt-mutex (Linux: struct rt_mutex_waiter). The
/// owner that unlocks hands the mutex straight to the top waiter and marks
/// it `isGranted` before waking it.
public final class RTMutexWaiter<Task: RTMutexTask> {
    public let task: Task
    /// The task's priority when it was last placed in the list (waiter->prio).
    public internal(set) var priority: Int
    /// The mutex it waits for; nil once granted or removed.
    public internal(set) var lock: RTMutex<Task>? = nil
    public internal(set) var isGranted = false

    public init(task: Task) {
        self.task = task
        priority = task.normalPriority
    }
}

/// A sleeping lock with priority inheritance (Linux: kernel/locking/rtmutex.c).
/// Waiters queue by priority, FIFO among equals, and the owner runs at the
/// priority of its strongest waiter if that is stronger than its own; when
/// the owner itself waits for another rt-mutex, the boost travels along
/// the chain of owners. An unlock gives the lock to the top waiter.
///
/// Not locked: the kernel holds one lock around every operation, across
/// all rt-mutexes and tasks (Linux takes each lock's wait_lock and each
/// task's pi_lock on the way along a chain). Priorities are the
/// scheduler's kernel priorities, lower is stronger. Whenever a task's
/// effective priority may have changed, the operations call `setPriority`
/// with it, and the kernel tells the scheduler.
public final class RTMutex<Task: RTMutexTask> {
    /// Linux's max_lock_depth: a longer chain of blocked owners counts as a deadlock.
    public static var maxLockDepth: Int { 1024 }

    public private(set) var owner: Task?
    /// Strongest first; equals in arrival order (Linux: the waiters rbtree).
    public private(set) var waiters: [RTMutexWaiter<Task>] = []

    /// A mutex owned by `owner`, or free (Linux: rt_mutex_init_proxy_locked).
    public init(owner: Task?) {
        if let owner { take(owner) }
    }

    public var topWaiter: RTMutexWaiter<Task>? { waiters.first }

    /// The priority `task` runs at: its own, or the strongest of the top
    /// waiters of the mutexes it owns (Linux: rt_mutex_getprio via pi_top_task).
    public static func effectivePriority(of task: Task) -> Int {
        var priority = task.normalPriority
        for mutex in task.rtMutexLinks.owned {
            if let top = mutex.topWaiter { priority = min(priority, top.priority) }
        }
        return priority
    }

    /// Queues `waiter` and boosts the chain of owners (Linux:
    /// task_blocks_on_rt_mutex with a full chain walk). If the mutex is
    /// free, the waiter takes it at once and is returned granted. EDEADLK
    /// if the waiter's task owns the mutex, or a mutex that one of the
    /// owners along the chain waits for, or the chain is longer than
    /// `maxLockDepth`; the waiter is then not queued.
    public func block(_ waiter: RTMutexWaiter<Task>, setPriority: (Task, Int) -> Void) throws(Errno) {
        let task = waiter.task
        precondition(waiter.lock == nil && !waiter.isGranted, "RTMutex: waiter already used")
        guard owner != nil else {
            take(task)
            waiter.isGranted = true
            return
        }
        var next: RTMutex<Task>? = self
        var depth = 0
        while let mutex = next, let holder = mutex.owner {
            guard holder !== task, depth < Self.maxLockDepth else { throw .EDEADLK }
            next = holder.rtMutexLinks.blockedOn?.lock
            depth += 1
        }
        waiter.priority = Self.effectivePriority(of: task)
        waiter.lock = self
        insert(waiter)
        task.rtMutexLinks.blockedOn = waiter
        propagate(setPriority: setPriority)
    }

    /// Takes a waiter that gave up (a timeout or a signal) off the queue and
    /// lowers the owners' boost as far as that allows (Linux: remove_waiter).
    public func remove(_ waiter: RTMutexWaiter<Task>, setPriority: (Task, Int) -> Void) {
        guard waiter.lock === self else { return }
        unlink(waiter)
        propagate(setPriority: setPriority)
    }

    /// The owner lets go (Linux: rt_mutex_slowunlock, mark_wakeup_next_waiter):
    /// the top waiter becomes the owner, granted and returned for the caller
    /// to wake; with no waiter the mutex is free. The old owner loses the
    /// boost this mutex gave it, the new one inherits from those still waiting.
    @discardableResult
    public func unlock(setPriority: (Task, Int) -> Void) -> RTMutexWaiter<Task>? {
        guard let previous = owner else { return nil }
        release()
        setPriority(previous, Self.effectivePriority(of: previous))
        guard let top = topWaiter else { return nil }
        unlink(top)
        top.isGranted = true
        take(top.task)
        setPriority(top.task, Self.effectivePriority(of: top.task))
        return top
    }

    /// Gives up ownership without handing over, for a mutex nobody waits
    /// for that goes away (Linux: rt_mutex_proxy_unlock).
    public func abandon(setPriority: (Task, Int) -> Void) {
        guard let previous = owner else { return }
        release()
        setPriority(previous, Self.effectivePriority(of: previous))
    }

    /// `task`'s own priority changed (sched_setscheduler): if it waits,
    /// its place in the queue and the boost it lends change too (Linux:
    /// rt_mutex_adjust_pi).
    public static func adjustPriority(of task: Task, setPriority: (Task, Int) -> Void) {
        setPriority(task, effectivePriority(of: task))
        guard let waiter = task.rtMutexLinks.blockedOn, let mutex = waiter.lock else { return }
        mutex.reposition(waiter, priority: effectivePriority(of: task))
        mutex.propagate(setPriority: setPriority)
    }

    /// Walks the chain from this mutex: each owner's effective priority is
    /// recomputed and, if the owner waits in turn, its waiter is moved to
    /// its new place (Linux: rt_mutex_adjust_prio_chain). `block` refused
    /// cycles and chains past `maxLockDepth`, so the walk ends.
    private func propagate(setPriority: (Task, Int) -> Void) {
        var mutex = self
        var depth = 0
        while let holder = mutex.owner, depth <= Self.maxLockDepth {
            let priority = Self.effectivePriority(of: holder)
            setPriority(holder, priority)
            guard let waiter = holder.rtMutexLinks.blockedOn, let next = waiter.lock else { return }
            next.reposition(waiter, priority: priority)
            mutex = next
            depth += 1
        }
    }

    private func take(_ task: Task) {
        owner = task
        task.rtMutexLinks.owned.append(self)
    }

    private func release() {
        owner?.rtMutexLinks.owned.removeAll { $0 === self }
        owner = nil
    }

    /// Behind the waiters of equal or stronger priority (rt_mutex_enqueue).
    private func insert(_ waiter: RTMutexWaiter<Task>) {
        let index = waiters.firstIndex { $0.priority > waiter.priority } ?? waiters.count
        waiters.insert(waiter, at: index)
    }

    private func reposition(_ waiter: RTMutexWaiter<Task>, priority: Int) {
        guard waiter.priority != priority else { return }
        waiters.removeAll { $0 === waiter }
        waiter.priority = priority
        insert(waiter)
    }

    private func unlink(_ waiter: RTMutexWaiter<Task>) {
        waiters.removeAll { $0 === waiter }
        waiter.lock = nil
        if waiter.task.rtMutexLinks.blockedOn === waiter { waiter.task.rtMutexLinks.blockedOn = nil }
    }
}
