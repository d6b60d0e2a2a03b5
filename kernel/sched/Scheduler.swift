import ABI
import Core
import Lib

/// The core scheduler (Linux: kernel/sched/core.c): the run queue of each CPU,
/// `schedule()`, wakeups and the tick. What runs next is decided by the
/// scheduling classes in lib/sched (real-time, CFS, idle); this file moves
/// tasks between "running", "runnable" and "sleeping" and switches stacks.
///
/// Locking follows Linux: the run-queue lock is held, with interrupts off,
/// across the stack switch. The task that resumes — or a new task starting —
/// releases it (finish_task_switch), so the lock is never held by two
/// tasks' frames at once and preempt_count stays balanced.
public enum Scheduler {
    /// Each CPU's run queue (Linux: the per-CPU `runqueues`), which holds
    /// its current task and its need-resched flag.
    private static let runQueues = PerCPU<RunQueue<Task>?>(nil)
    private static var runQueue: RunQueue<Task>? { runQueues.withCurrent { $0 } }
    private static let lock = SpinLock()
    /// The task that switched away last; the resumed side finishes its switch.
    private static let previous = PerCPU<Task?>(nil)
    private static let reaper = IRQSafeLocked<Task?>(nil)

    public static var isRunning: Bool { runQueue != nil }
    /// Adopts orphaned processes (Linux: the child reaper, pid 1).
    public static var childReaper: Task? {
        get { reaper.withLock { $0 } }
        set { reaper.withLock { $0 = newValue } }
    }

    /// pid 0, the boot CPU's idle task.
    public static var idleTask: Task? { runQueue?.idle }
    /// The running task (Linux: `current`).
    public static var current: Task { runQueue!.current }
    public static var needsReschedule: Bool { runQueue?.needsReschedule ?? false }
    public static var contextSwitches: UInt64 { runQueue?.switchCount ?? 0 }
    public static var runnableCount: Int { lock.withLockIrqSave { runQueue?.nrRunning ?? 0 } }

    private static func now() -> UInt64 { Clock.nanosecondsSinceBoot() }

    /// Turns the boot code into the idle task (pid 0) and starts the run queue (Linux: sched_init).
    static func initialize() {
        // Linux's fork_init: the thread limit from the memory size, then RLIMIT_NPROC from it.
        let memory = UInt64(PageAllocator.totalPages) * MemoryLayout64.pageSize
        let maxThreads = ResourceLimits.maxThreads(
            totalMemoryBytes: memory,
            threadStackBytes: MemoryLayout64.pageSize << UInt64(Task.stackOrder))
        PidAllocation.initialize(threadLimit: Int(maxThreads))
        ThreadGroup.bootLimits.set(ResourceLimits(maxThreads: maxThreads))
        let idle = Task.bootIdle()
        idle.state = .running
        let queue = RunQueue(idle: idle)
        runQueues.withCurrent { $0 = queue }
        // A preempt_enable that ends the last atomic section is a preemption point.
        PreemptCount.setRescheduleHook { if needsReschedule { preempt() } }
        pr_info("sched: CFS with real-time and idle classes, run queue for CPU 0")
    }

    // MARK: Switching

    /// Picks the next task and switches to it (Linux: __schedule). A task
    /// that set itself to a sleeping state before calling this is taken off
    /// the run queue — unless a wakeup already made it runnable again.
    public static func schedule() { schedule(preempting: false) }

    /// Switches away from a task that did not ask to: the tick or a wakeup
    /// wants another task to run (Linux: preempt_schedule, __schedule with
    /// SM_PREEMPT). The task stays on the run queue even if it has already
    /// set a sleeping state on its way into a wait queue: it may be about
    /// to find its condition true, and then nobody would wake it.
    public static func preempt() { schedule(preempting: true) }

    private static func schedule(preempting: Bool) {
        guard let queue = runQueue else { return }
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        lock.lock()
        let prev = queue.current
        let time = now()
        if !preempting && prev.state != .running && prev !== queue.idle && prev.sched.onRunQueue {
            queue.dequeue(prev, flags: .sleep, now: time)
        }
        let next = queue.pickNext(now: time)
        if next !== prev {
            RCU.noteContextSwitch(from: prev)
            previous.withCurrent { $0 = prev }
            switchArchitectureState(from: prev, to: next)
            ThreadContext.switchFrom(prev.context, to: next.context)
            // Running again as `prev`, switched back to by some later schedule().
            finishTaskSwitch()
        } else {
            lock.unlock()
        }
        CPU.restoreInterrupts(interruptsWereOn)
    }

    /// What a switch changes besides the stack (Linux: switch_mm and
    /// __switch_to): user FPU registers, the page table of a task with user
    /// space, and the stack entries from user mode will use. Kernel threads
    /// keep the loaded page table (Linux's lazy TLB): the kernel half is the same in all.
    private static func switchArchitectureState(from prev: Task, to next: Task) {
        if let fpu = prev.fpu {
            fpu.save()
            prev.segmentBases = UserSegmentBases.live
        }
        if let fpu = next.fpu {
            fpu.restore()
            UserSegmentBases.live = next.segmentBases
        }
        if let space = next.mm, !space.pageTable.isActive { space.pageTable.activate() }
        if let top = next.kernelStackTop { PerCPUArea.setKernelStack(top: top) }
    }

    /// The second half of every switch, on the incoming task's stack: drop the
    /// run-queue lock and bury the outgoing task if it was exiting.
    static func finishTaskSwitch() {
        let outgoing = previous.withCurrent { previous -> Task? in
            defer { previous = nil }
            return previous
        }
        lock.unlock()
        if let outgoing, !outgoing.state.isDisjoint(with: [.dead, .exitZombie]) {
            outgoing.releaseResources()
            // A kernel thread has nobody to wait for it; a zombie waits for its parent's wait4.
            if outgoing.state.contains(.dead) { outgoing.reap() }
        }
    }

    // MARK: Sleeping and waking

    /// Sets the running task's state before it sleeps (Linux: set_current_state).
    public static func setCurrentState(_ state: TaskState) {
        guard let queue = runQueue else { return }
        queue.current.state = state
    }

    /// Makes `task` runnable if it sleeps in one of `states` (Linux:
    /// try_to_wake_up). Returns whether it was woken; sets need-resched when
    /// the woken task should preempt the running one.
    @discardableResult
    public static func wakeUp(_ task: Task, states: TaskState = .normal) -> Bool {
        guard let queue = runQueue else { return false }
        return lock.withLockIrqSave { () -> Bool in
            guard task.state != .running, !task.state.isDisjoint(with: states) else { return false }
            task.state = .running
            if !task.sched.onRunQueue && task !== queue.current {
                let time = now()
                queue.enqueue(task, flags: .wakeup, now: time)
                queue.checkPreemptWakeup(task, now: time)
            }
            return true
        }
    }

    /// Lets a new task run for the first time (Linux: wake_up_new_task),
    /// placed by CFS at the current minimum vruntime plus its slice.
    public static func wakeUpNewTask(_ task: Task) {
        guard let queue = runQueue else { return }
        lock.withLockIrqSave {
            guard task.state.contains(.new) else { return }
            task.state = .running
            let time = now()
            queue.enqueue(task, flags: .new, now: time)
            queue.checkPreemptWakeup(task, now: time)
        }
    }

    /// Sleeps up to `timeout` jiffies, or until woken (Linux: schedule_timeout).
    /// The caller sets its state first. Returns the jiffies left (0: timed out).
    public static func sleep(timeout: UInt64) -> UInt64 {
        let task = current
        let expires = Jiffies.value + timeout
        let timer = WheelTimer { _ in Scheduler.wakeUp(task, states: [.interruptible, .uninterruptible]) }
        KernelTimers.add(timer, expires: expires)
        schedule()
        KernelTimers.remove(timer)
        let now = Jiffies.value
        return now >= expires ? 0 : expires - now
    }

    /// Sleeps at least `milliseconds` (Linux: msleep — whole jiffies, plus one
    /// so a sleep that starts just before a tick is not cut short).
    public static func msleep(_ milliseconds: UInt64) {
        var remaining = Jiffies.fromMilliseconds(milliseconds) + 1
        while remaining > 0 {
            setCurrentState(.uninterruptible)
            remaining = sleep(timeout: remaining)
        }
    }

    /// Every task, threads and zombies included, for dumps and (later)
    /// /proc (Linux: for_each_process_thread, plus the idle task).
    public static var allTasks: [Task] {
        guard let queue = runQueue else { return [] }
        return [queue.idle] + PidAllocation.allTasks
    }

    /// Sleeps until woken, with no timeout (kthreadd's idle wait).
    public static func sleepForever() {
        setCurrentState(.interruptible)
        schedule()
    }

    /// Gives the CPU to others of equal claim (Linux: sched_yield).
    public static func yield() {
        guard let queue = runQueue else { return }
        lock.withLockIrqSave { queue.yieldCurrent(now: now()) }
        schedule()
    }

    /// Switches only if the tick or a wakeup asked for it (Linux: cond_resched).
    public static func yieldIfNeeded() {
        if needsReschedule && !PreemptCount.inAtomic { preempt() }
    }

    /// Ends the running task with a wait(2) status (Linux: do_exit). The
    /// task leaves its process (kernel/Exit.swift), switches away for the
    /// last time, and the next task frees its stack and address space. This
    /// frame never returns, so it holds no object references: everything is
    /// done in `prepareExit`, and the final switch takes only the next
    /// task's saved stack pointer.
    public static func exitCurrent(status: Int32 = 0) -> Never {
        ThreadContext.resume(stackPointer: prepareExit(status: status))
    }

    /// Ends the whole process: every thread exits with `status`, or with the
    /// status of a group exit already under way (Linux: do_group_exit).
    public static func exitGroup(status: Int32) -> Never {
        exitCurrent(status: current.group.beginExit(status: status, except: current))
    }

    /// Everything an exit does before its last switch; returns the stack
    /// pointer to resume, with the run-queue lock held and interrupts off
    /// for the incoming task's finishTaskSwitch to release.
    private static func prepareExit(status: Int32) -> UInt64 {
        let task = current
        task.prepareToExit(status: status)
        lock.lock()
        let queue = runQueue!
        if task.sched.onRunQueue { queue.dequeue(task, flags: .sleep, now: now()) }
        let next = queue.pickNext(now: now())
        RCU.noteContextSwitch(from: task)
        previous.withCurrent { $0 = task }
        switchArchitectureState(from: task, to: next)
        return next.context.savedStackPointer
    }

    /// A task's CPU time so far, ns, including the running stretch if it is
    /// on the CPU now (Linux: task_sched_runtime).
    /// Interrupts are off while it reads: a tick in between would move
    /// the stretch into the total after one was read and before the other.
    static func runtime(of task: Task) -> UInt64 {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        defer { CPU.restoreInterrupts(interruptsWereOn) }
        let charged = task.sched.sumExecRuntime
        guard isRunning, task === current else { return charged }
        let time = now()
        return time > task.sched.execStart ? charged + (time - task.sched.execStart) : charged
    }

    /// Runs the current task's function, then drops it (and all it captured).
    fileprivate static func runEntryOfCurrentTask() -> Int32 {
        let task = current
        let entry = task.entry
        task.entry = nil
        return entry?() ?? 0
    }

    /// Where a kernel thread that ran exec starts in ring 3.
    fileprivate static func takeUserEntry() -> (rip: UInt64, rsp: UInt64, kernelStackTop: UInt64)? {
        let task = current
        guard let top = task.kernelStackTop, let start = task.takeUserEntry() else { return nil }
        return (start.rip, start.rsp, top)  // exec's entry: only RIP and RSP are set
    }

    // MARK: The tick

    /// Called from the timer interrupt (Linux: scheduler_tick).
    static func tick() {
        guard let queue = runQueue else { return }
        lock.lock()
        queue.tick(now: now())
        let running = queue.current
        lock.unlock()
        CPUAccounting.tick(running, userMode: IrqFlow.interruptedUser)
        RCU.tick(current: running)
    }

    // MARK: Policy changes

    /// nice(2) / setpriority(2) for a task (Linux: set_user_nice).
    public static func setNice(_ task: Task, _ nice: Int) {
        guard let queue = runQueue else { return }
        lock.withLockIrqSave { queue.setNice(task, to: nice, now: now()) }
    }

    /// Lends `task` the priority of an rt-mutex waiter, or ends the loan
    /// with its own priority (Linux: rt_mutex_setprio).
    static func setInheritedPriority(_ task: Task, _ prio: Int) {
        guard let queue = runQueue else { return }
        lock.withLockIrqSave { queue.setInheritedPriority(task, prio, now: now()) }
    }

    /// sched_setscheduler(2) for a task.
    public static func setScheduler(_ task: Task, policy: SchedPolicy, priority: Int) throws(Errno) {
        guard let queue = runQueue else { return }
        try lock.withLockIrqSave { () throws(Errno) in
            try queue.setScheduler(task, policy: policy, priority: priority, now: now())
        }
    }
}

/// Where a new kernel thread starts (switch.S's ret_from_kernel_thread):
/// finish the switch that brought it here, then run its function.
@c(kernel_thread_start)
func kernelThreadStart() -> Never {
    Scheduler.finishTaskSwitch()
    CPU.enableInterrupts()
    let status = Scheduler.runEntryOfCurrentTask()
    // A thread that became a user process returns here with its start
    // address, as Linux's kernel_init returns through ret_from_fork after
    // exec: only numbers cross into the frame that never returns.
    if let start = Scheduler.takeUserEntry() {
        UserMode.enter(rip: start.rip, rsp: start.rsp, kernelStackTop: start.kernelStackTop)
    }
    Scheduler.exitCurrent(status: status)
}
