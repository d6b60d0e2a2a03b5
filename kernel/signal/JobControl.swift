import ABI
import Core
import Lib

/// Stopping and continuing a process (Linux: the group-stop half of
/// kernel/signal.c: prepare_signal, do_signal_stop, do_notify_parent_cldstop).
/// A stop signal whose action is SIG_DFL, once a thread takes it, asks
/// every thread to stop; each stops on its way back to user mode, and the
/// last one tells the parent (SIGCHLD with CLD_STOPPED, unless the parent
/// set SA_NOCLDSTOP). Sending SIGCONT wakes them all, whatever its action,
/// and tells the parent CLD_CONTINUED. SIGKILL ends a stopped process too.
struct JobControl {
    /// The signal of the stop in progress or in force (Linux: group_exit_code).
    var stopSignal: Signal? = nil
    /// Threads that still have to stop (Linux: group_stop_count).
    var threadsToStop = 0
    /// Every thread has stopped (Linux: SIGNAL_STOP_STOPPED).
    var isStopped = false
    /// What the parent's wait can still report, once (WUNTRACED, WCONTINUED).
    var unreported: WaitReport? = nil

    enum WaitReport: Equatable {
        case stopped(Signal)
        case continued
    }

    /// The job-control side of sending `signal` (Linux: prepare_signal),
    /// under TaskList.lock: a stop signal discards a pending SIGCONT;
    /// SIGCONT discards pending stop signals and resumes every thread.
    /// Returns whether a stopped process was continued, for the parent.
    static func prepare(_ signal: Signal, group: ThreadGroup) -> Bool {
        // Most signals neither stop nor continue: no queue list to build for them.
        guard signal.defaultAction == .stop || signal == .SIGCONT else { return false }
        let queues = [group.sharedPending] + group.threads.map { $0.pending }
        if signal.defaultAction == .stop {
            var cont = SignalSet()
            cont.insert(.SIGCONT)
            for queue in queues { SignalRecords.release(queue.remove(cont)) }
            return false
        }
        let stops = SignalSet(signals: [.SIGSTOP, .SIGTSTP, .SIGTTIN, .SIGTTOU])
        for queue in queues { SignalRecords.release(queue.remove(stops)) }
        for thread in group.threads {
            thread.stopPending = false
            Scheduler.wakeUp(thread, states: .stopped)
        }
        let wasStopped = group.jobControl.isStopped
        group.jobControl = JobControl()
        if wasStopped { group.jobControl.unreported = .continued }
        return wasStopped
    }

    /// The running thread took a stop signal with the default action:
    /// every thread of the process is to stop (Linux: do_signal_stop's
    /// start of a group stop), the running one included.
    static func beginStop(_ signal: Signal, by task: Task) {
        let others = TaskList.lock.withLockIrqSave { () -> [Task] in
            let group = task.group
            guard !group.isExiting else { return [] }
            group.jobControl.stopSignal = signal
            group.jobControl.threadsToStop = group.threads.count
            for thread in group.threads { thread.stopPending = true }
            return group.threads.filter { $0 !== task }
        }
        for thread in others { Scheduler.wakeUp(thread, states: .interruptible) }
    }

    /// The running thread stops if a group stop asks it to, and sleeps until
    /// SIGCONT or SIGKILL; the last thread to stop tells the parent.
    static func stopIfPending(_ task: Task) {
        let (stops, last) = TaskList.lock.withLockIrqSave { () -> (Bool, Signal?) in
            let group = task.group
            guard task.stopPending else { return (false, nil) }
            task.stopPending = false
            group.jobControl.threadsToStop -= 1
            Scheduler.setCurrentState(.stopped)
            guard group.jobControl.threadsToStop == 0, let signal = group.jobControl.stopSignal else {
                return (true, nil)
            }
            group.jobControl.isStopped = true
            group.jobControl.unreported = .stopped(signal)
            return (true, signal)
        }
        guard stops else { return }
        if let last { notifyParent(of: task.group, why: SignalCode.CLD_STOPPED, status: last) }
        // Woken by SIGCONT or SIGKILL; one that came first made this return at once.
        Scheduler.schedule()
    }

    /// Tells the parent the process stopped or continued (Linux:
    /// do_notify_parent_cldstop): SIGCHLD unless it asked for none with
    /// SA_NOCLDSTOP, and a wakeup for its wait either way.
    static func notifyParent(of group: ThreadGroup, why: Int32, status: Signal = .SIGCONT) {
        guard let leader = group.leader, let parent = leader.parent else { return }
        var info = Siginfo(signal: .SIGCHLD, code: why)
        info.si_pid = group.tgid
        info.si_uid = leader.credentials.uid.real
        info.si_status = status.rawValue
        if !parent.sighand.actions[.SIGCHLD].flags.contains(.SA_NOCLDSTOP) {
            try? Signals.send(info: info, toProcess: parent.group)
        }
        parent.group.childExited.wakeUpAll()
    }
}
