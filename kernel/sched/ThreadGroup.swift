import ABI
import Core
import Lib

/// A process, as the state its threads share (Linux: struct signal_struct,
/// include/linux/sched/signal.h, which despite its name holds far more than
/// signals: the group's exit, its process group and session, resource
/// limits, and the CPU time of threads and children that are gone).
///
/// The threads of a group share its pid (the tgid, the leader's thread ID).
/// The leader is the first thread; if it exits before the others it stays
/// a zombie, and its parent can collect the group's status only when the
/// last thread is gone.
public final class ThreadGroup {
    public let tgid: Int32
    /// The first thread, kept until the group is reaped, even as a zombie.
    public internal(set) var leader: Task?
    /// The threads that have not exited, the leader among them while it runs.
    public internal(set) var threads: [Task] = []
    /// Set by exit_group or a fatal signal: the wait status of the whole
    /// process, which every thread then exits with (Linux: SIGNAL_GROUP_EXIT
    /// and group_exit_code).
    public internal(set) var exitStatus: Int32? = nil
    /// Where wait4 and waitid sleep until a child of any of the threads
    /// changes state (Linux: wait_chldexit).
    let childExited = WaitQueue()

    // Job control (Linux: the PIDTYPE_PGID and PIDTYPE_SID pids, and `leader`).
    public internal(set) var processGroup: Int32 = 0
    public internal(set) var session: Int32 = 0
    public internal(set) var isSessionLeader = false
    /// The session's controlling terminal, shared by its processes (Linux: signal->tty).
    var controllingTerminal: Tty? = nil

    /// How much more or less the OOM killer should prefer the process,
    /// -1000...1000 (Linux: oom_score_adj); inherited by fork.
    public internal(set) var oomScoreAdjustment: Int = 0
    /// getrlimit/setrlimit's table.
    public internal(set) var limits: ResourceLimits
    /// Signals sent to the process as a whole, not yet taken by a thread (Linux: shared_pending).
    let sharedPending = SigPending()
    /// Job control (Linux: the SIGNAL_STOP_* flags, group_stop_count and
    /// group_exit_code): the group is stopped, or stopping with
    /// `stopSignal`; the parent has a stop or a continue to learn about
    /// through wait (WUNTRACED, WCONTINUED) until it collects it.
    var jobControl = JobControl()
    /// CPU time, ns, of the threads that have exited (Linux: sum_sched_runtime).
    var exitedThreadsRuntime: UInt64 = 0
    /// The tick's samples of every thread, exited ones included (Linux: the
    /// thread-group cputimer), and the split last reported (prev_cputime).
    var tickTime = CPUTime()
    var reportedTime = CPUTimeSplit()
    /// The counters of exited threads and replaced address spaces (Linux:
    /// signal_struct's nvcsw, nivcsw, min_flt, maj_flt, maxrss), and the
    /// usage of waited-for children with their own (cutime, cstime, cnvcsw, ...).
    var exitedUsage = ResourceUsage()
    var childrenUsage = ResourceUsage()
    /// Interval and POSIX timers (kernel/time/ProcessTimers.swift).
    let timers = ProcessTimers()

    /// The limits the first processes start with; set at boot from the memory size.
    static let bootLimits = BootOnce<ResourceLimits>()
    static var initialLimits: ResourceLimits { bootLimits.valueIfSet ?? ResourceLimits(maxThreads: 20) }

    init(tgid: Int32) {
        self.tgid = tgid
        limits = ThreadGroup.initialLimits
    }

    /// A new process's group after fork: the parent's process group,
    /// session and limits (Linux: copy_signal and the pid links in copy_process).
    init(tgid: Int32, forkedFrom parent: ThreadGroup) {
        self.tgid = tgid
        processGroup = parent.processGroup
        session = parent.session
        controllingTerminal = parent.controllingTerminal
        limits = parent.limits
        oomScoreAdjustment = parent.oomScoreAdjustment
    }

    public var isExiting: Bool { exitStatus != nil }

    /// Total CPU time of the process, ns: exited threads and the live ones so far.
    var runtime: UInt64 {
        threads.reduce(exitedThreadsRuntime) { $0 + Scheduler.runtime(of: $1) }
    }
}

/// The lock over the process tree: parents, children, thread lists and
/// process groups (Linux: tasklist_lock). Held briefly, with interrupts off,
/// wherever they change or are walked.
enum TaskList {
    static let lock = SpinLock()
}
