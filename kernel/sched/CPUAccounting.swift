import Core
import Lib

/// CPU-time accounting and resource usage (Linux: kernel/sched/cputime.c
/// with tick-based accounting, and getrusage in kernel/sys.c).
///
/// Two measurements meet here. The scheduler charges each task its exact
/// runtime, read from the TSC whenever it is switched in or out and at
/// every tick (SchedState.sumExecRuntime): that is the total, and a task
/// that sleeps is charged nothing. The tick samples which mode it
/// interrupted and charges a whole tick to user or system time: that is
/// the proportion. What getrusage, times and wait4 report is the exact
/// runtime split in the sampled proportion (CPUTimeSplit). The interval
/// timers ITIMER_VIRTUAL and ITIMER_PROF count the samples, as Linux's
/// CPUCLOCK_VIRT and CPUCLOCK_PROF do.
///
/// The tick writes the samples with interrupts off; readers take
/// TaskList.lock, whose interrupts-off section keeps the tick out on
/// this CPU.
enum CPUAccounting {
    /// From the tick (Linux: account_process_tick → account_user_time or
    /// account_system_time). The idle task is charged nothing.
    static func tick(_ task: Task, userMode: Bool) {
        KernelCPUStat.tick(task, userMode: userMode)
        guard !task.flags.contains(.idle) else { return }
        let period = HRTimers.tickPeriod
        let sample = userMode ? CPUTime(user: period) : CPUTime(system: period)
        task.tickTime += sample
        task.group.tickTime += sample
        if task.isProcess { CPUTimers.tick(task.group) }
    }

    /// RUSAGE_THREAD: the calling thread alone.
    static func usage(of task: Task) -> ResourceUsage {
        TaskList.lock.withLockIrqSave {
            var usage = counters(of: task)
            usage.time = task.reportedTime.adjust(runtime: Scheduler.runtime(of: task), ticks: task.tickTime)
            return usage
        }
    }

    /// RUSAGE_SELF: every thread, live or exited.
    static func usage(of group: ThreadGroup) -> ResourceUsage {
        TaskList.lock.withLockIrqSave { usageLocked(of: group) }
    }

    /// What wait4 and waitid report for a child: its own usage and its
    /// waited-for children's (Linux: getrusage(p, RUSAGE_BOTH)).
    static func usageWithChildren(of group: ThreadGroup) -> ResourceUsage {
        TaskList.lock.withLockIrqSave {
            var usage = usageLocked(of: group)
            usage.accumulate(group.childrenUsage)
            return usage
        }
    }

    /// A thread leaves its group, with TaskList.lock held: its counters
    /// stay with the process (Linux: __exit_signal). Its CPU time already
    /// is in the group's samples and runtime.
    static func threadExited(_ task: Task) {
        task.group.exitedUsage.accumulate(counters(of: task))
    }

    /// An address space is left behind by exec: its peak stays the
    /// process's (Linux: setmax_mm_hiwater_rss in exec_mmap).
    static func addressSpaceReplaced(_ space: AddressSpace, in group: ThreadGroup) {
        TaskList.lock.withLockIrqSave {
            group.exitedUsage.maxResidentKilobytes = max(
                group.exitedUsage.maxResidentKilobytes, space.peakResidentKilobytes)
        }
    }

    /// A zombie is reaped, with TaskList.lock held: its usage and its own
    /// children's go to the parent's children total (Linux: the cutime,
    /// cstime, cnvcsw, cmin_flt, cmaxrss updates of wait_task_zombie).
    static func childReaped(_ child: ThreadGroup, by parent: ThreadGroup) {
        parent.childrenUsage.accumulate(usageLocked(of: child))
        parent.childrenUsage.accumulate(child.childrenUsage)
    }

    private static func usageLocked(of group: ThreadGroup) -> ResourceUsage {
        var usage = group.exitedUsage
        for thread in group.threads { usage.accumulate(counters(of: thread)) }
        usage.time = group.reportedTime.adjust(runtime: group.runtime, ticks: group.tickTime)
        return usage
    }

    /// A thread's counters, without its CPU time.
    private static func counters(of task: Task) -> ResourceUsage {
        var usage = ResourceUsage()
        usage.minorFaults = task.minorFaults
        usage.voluntarySwitches = task.sched.statistics.voluntarySwitches
        usage.involuntarySwitches = task.sched.statistics.involuntarySwitches
        usage.maxResidentKilobytes = task.mm?.peakResidentKilobytes ?? 0
        return usage
    }
}
