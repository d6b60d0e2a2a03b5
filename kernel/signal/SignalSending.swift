import ABI
import Core
import Lib

extension Task {
    /// SIGKILL is pending (Linux: fatal_signal_pending): the task is to die
    /// on its way back to user mode, and interruptible sleeps end for it.
    var hasFatalSignalPending: Bool { pendingSignals.contains(.SIGKILL) }

    /// Whether `sender` may signal this task (Linux: check_kill_permission):
    /// threads of one process always may; otherwise the credentials decide,
    /// and SIGCONT is also allowed within a session.
    func maySignal(_ signal: Signal?, from sender: Task) -> Bool {
        group === sender.group || sender.credentials.maySignal(credentials)
            || (signal == .SIGCONT && group.session == sender.group.session)
    }
}

/// Sending signals (Linux: kernel/signal.c). A signal is recorded as pending
/// for a thread or for the whole process, and one whose action is the
/// default "terminate" (SIGKILL always) ends the process at once. Running
/// handlers, stopping and continuing arrive with signal delivery: until
/// then other pending signals only wait, visible to rt_sigpending.
enum Signals {
    /// A signal for the process (Linux: group_send_sig_info); `sender` nil
    /// when the kernel sends it.
    static func send(_ signal: Signal, toProcess group: ThreadGroup, from sender: Task?) {
        send(signal, group: group, thread: nil)
    }

    /// A signal for one thread (tkill, tgkill; Linux: do_send_specific).
    static func send(_ signal: Signal, toThread thread: Task, from sender: Task?) {
        send(signal, group: thread.group, thread: thread)
    }

    /// Linux's __send_signal_locked and complete_signal, without the queue
    /// of siginfo records (a pending signal is one bit, so real-time signals
    /// do not queue up yet).
    private static func send(_ signal: Signal, group: ThreadGroup, thread: Task?) {
        let fatal = TaskList.lock.withLockIrqSave { () -> Bool in
            // A process already dying, or gone but for its zombie, takes no signals.
            guard !group.isExiting, let anyThread = thread ?? group.threads.first, anyThread.isProcess else {
                return false
            }
            let actions = anyThread.sighand.actions
            // init ignores signals it has no handler for (Linux: SIGNAL_UNKILLABLE).
            let isInit = group === Scheduler.childReaper?.group
            let target = thread ?? anyThread
            if (actions.isIgnored(signal) || (isInit && actions[signal].sa_handler == KernelSigaction.SIG_DFL))
                && !target.blockedSignals.contains(signal)
            {
                return false
            }
            if let thread { thread.pendingSignals.insert(signal) } else { group.sharedPendingSignals.insert(signal) }
            // Fatal if some thread that may take it does not block it.
            let takers = thread.map { [$0] } ?? group.threads
            let wanted = takers.contains { !$0.blockedSignals.contains(signal) }
            return wanted && (signal == .SIGKILL || actions.isFatal(signal)) && !isInit
        }
        if fatal { group.beginExit(status: WaitStatus.signaled(by: signal, coreDumped: false), except: nil) }
    }

    /// Forgets `signal` wherever it is pending in the process: its action
    /// became "ignore" (Linux: flush_sigqueue_mask in do_sigaction).
    static func discardPending(_ signal: Signal, in group: ThreadGroup) {
        TaskList.lock.withLockIrqSave {
            group.sharedPendingSignals.remove(signal)
            for thread in group.threads { thread.pendingSignals.remove(signal) }
        }
    }

    /// For each step of a long loop in the kernel (page-range walks, big
    /// copies): gives up the CPU if the tick asked for it (Linux:
    /// cond_resched), then says whether the running task is to die, so the
    /// loop ends early and SIGKILL takes effect at once (Linux:
    /// fatal_signal_pending(current)).
    static func longLoopMustEnd() -> Bool {
        guard Scheduler.isRunning else { return false }
        Scheduler.yieldIfNeeded()
        return Scheduler.current.hasFatalSignalPending
    }

    /// What every return to user mode checks (Linux: exit_to_user_mode_loop
    /// → get_signal): a task with a fatal signal pending exits here instead.
    static func exitToUserMode() {
        if let status = fatalSignalExitStatus() { Scheduler.exitCurrent(status: status) }
    }

    /// The status the running task must exit with, if any: SIGKILL (or a
    /// group exit) pending, or a deliverable signal whose action is the
    /// default "terminate" — for example one unblocked since it was sent.
    private static func fatalSignalExitStatus() -> Int32? {
        let task = Scheduler.current
        if task.hasFatalSignalPending {
            return task.group.beginExit(status: WaitStatus.signaled(by: .SIGKILL, coreDumped: false), except: task)
        }
        let deliverable = task.pendingSignals.union(task.group.sharedPendingSignals).subtracting(task.blockedSignals)
        guard !deliverable.isEmpty else { return nil }
        let actions = task.sighand.actions
        var remaining = deliverable
        while let signal = remaining.first {
            if actions.isFatal(signal) {
                return task.group.beginExit(status: WaitStatus.signaled(by: signal, coreDumped: false), except: task)
            }
            remaining.remove(signal)
        }
        return nil
    }
}
