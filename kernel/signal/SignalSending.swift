import ABI
import Core
import Lib

extension Task {
    /// SIGKILL is pending (Linux: fatal_signal_pending): the task is to die
    /// on its way back to user mode; killable sleeps end for it.
    var hasFatalSignalPending: Bool { pending.signals.contains(.SIGKILL) }

    /// Something waits that this thread acts on when it returns to user
    /// mode: a signal it does not block, for it or for its process, or a
    /// group stop (Linux: signal_pending, TIF_SIGPENDING). Interruptible
    /// sleeps end for it, with ERESTARTSYS or a sibling code.
    var hasSignalPending: Bool {
        stopPending || !pending.signals.union(group.sharedPending.signals).subtracting(blockedSignals).isEmpty
    }

    /// Whether `sender` may signal this task (Linux: check_kill_permission):
    /// threads of one process always may; otherwise the credentials decide,
    /// and SIGCONT is also allowed within a session.
    func maySignal(_ signal: Signal?, from sender: Task) -> Bool {
        group === sender.group || sender.credentials.maySignal(credentials)
            || (signal == .SIGCONT && group.session == sender.group.session)
    }
}

/// Sending signals (Linux: kernel/signal.c, send_signal_locked and
/// complete_signal). This is the API the rest of the kernel uses:
///
/// - `send(_:toProcess:from:)`, `send(_:toThread:from:)`: kill and tkill's
///   sending, with an SI_USER/SI_TKILL (or, from the kernel, SI_KERNEL) siginfo;
/// - `ProcessGroups.send(_:to:)` (kernel/ProcessGroups.swift): every
///   process of a group (Linux: kill_pgrp), what the tty does for ^C and ^Z;
/// - `send(info:toProcess:)`, `send(info:toThread:)`: with a siginfo of the
///   caller's (timers: SI_TIMER; SIGCHLD: CLD_*), EAGAIN when a real-time
///   signal finds RLIMIT_SIGPENDING used up;
/// - `force(_:)`: a fault's signal for the running thread, which cannot
///   be blocked or ignored (Linux: force_sig_info);
/// - `dequeue(_:from:)` in SignalDelivery.swift: takes a pending signal for
///   a waiter (rt_sigtimedwait, signalfd).
///
/// A signal is pending for one thread or for the process; the thread that
/// will take it is woken from an interruptible sleep. Delivery happens on
/// the thread's way back to user mode (SignalDelivery.swift).
enum Signals {
    /// kill's siginfo: who sent it, or SI_KERNEL from the kernel.
    private static func senderInfo(_ signal: Signal, code: Int32, from sender: Task?) -> Siginfo {
        var info = Siginfo(signal: signal, code: sender == nil ? SignalCode.SI_KERNEL : code)
        if let sender {
            info.si_pid = sender.tgid
            info.si_uid = sender.credentials.uid.real
        }
        return info
    }

    /// A signal for the process (Linux: group_send_sig_info); `sender` nil
    /// when the kernel sends it.
    static func send(_ signal: Signal, toProcess group: ThreadGroup, from sender: Task?) {
        try? send(senderInfo(signal, code: SignalCode.SI_USER, from: sender), group: group, thread: nil)
    }

    /// A signal for one thread (tkill, tgkill; Linux: do_send_specific).
    static func send(_ signal: Signal, toThread thread: Task, from sender: Task?) {
        try? send(senderInfo(signal, code: SignalCode.SI_TKILL, from: sender), group: thread.group, thread: thread)
    }

    /// A signal with the caller's siginfo, for the process.
    static func send(info: Siginfo, toProcess group: ThreadGroup) throws(Errno) {
        try send(info, group: group, thread: nil)
    }

    /// A signal with the caller's siginfo, for one thread.
    static func send(info: Siginfo, toThread thread: Task) throws(Errno) {
        try send(info, group: thread.group, thread: thread)
    }

    /// What every send does (Linux: send_signal_locked): the job-control
    /// side effects, the ignore check, queueing, then a thread to wake or
    /// the process to end.
    private static func send(_ info: Siginfo, group: ThreadGroup, thread: Task?) throws(Errno) {
        guard let signal = Signal(rawValue: info.si_signo) else { return }
        var continued = false
        var queuedFor: SignalHandlers? = nil
        let outcome = try TaskList.lock.withLockIrqSave { () throws(Errno) -> SendOutcome in
            // A process already dying, or gone but for its zombie, takes no signals.
            guard !group.isExiting, let anyThread = thread ?? group.threads.first, anyThread.isProcess else {
                return .dropped
            }
            continued = JobControl.prepare(signal, group: group)
            let target = thread ?? anyThread
            // The threads of a process share their actions (CLONE_THREAD needs CLONE_SIGHAND).
            let action = target.sighand[signal]
            if isIgnored(signal, action, by: target) { return .dropped }
            let queue = thread?.pending ?? group.sharedPending
            if queue.coalesces(signal) { return .dropped }
            let owner = target.credentials.uid.real
            // kill's and the kernel's standard signals may go over the limit (Linux: override_rlimit).
            let mayOverride = !signal.isRealTime && info.si_code >= 0
            if SignalRecords.charge(owner, limit: group.limits.current(.RLIMIT_SIGPENDING), override: mayOverride) {
                queue.add(signal, info: info, owner: owner)
            } else if signal.isRealTime && info.si_code != SignalCode.SI_USER {
                throw .EAGAIN
            } else {
                queue.add(signal, info: nil)
            }
            queuedFor = target.sighand
            return complete(signal, action, group: group, thread: thread)
        }
        // A signalfd may wait for it even if every thread blocks it (Linux: signalfd_notify).
        queuedFor?.signalfdWait.wakeUpAll()
        if continued { JobControl.notifyParent(of: group, why: SignalCode.CLD_CONTINUED) }
        switch outcome {
        case .dropped: break
        case .wake(let taker): Scheduler.wakeUp(taker, states: .interruptible)
        case .fatal:
            group.beginExit(status: WaitStatus.signaled(by: signal, coreDumped: false), except: nil)
        }
    }

    private enum SendOutcome {
        case dropped
        case wake(Task)
        case fatal
    }

    /// Whether a signal sent to `target` is discarded at once (Linux:
    /// sig_ignored): ignored explicitly or by default, unless blocked, since
    /// the action may change before it is unblocked. init ignores every
    /// signal it has no handler for (Linux: SIGNAL_UNKILLABLE).
    private static func isIgnored(_ signal: Signal, _ action: KernelSigaction, by target: Task) -> Bool {
        guard !target.blockedSignals.contains(signal) else { return false }
        return SignalActionTable.ignores(action, signal)
            || (action.sa_handler == KernelSigaction.SIG_DFL && isInit(target.group))
    }

    static func isInit(_ group: ThreadGroup) -> Bool { group === Scheduler.childReaper?.group }

    /// Picks the thread to take a queued signal and wakes it, or ends the
    /// process for a fatal one (Linux: complete_signal). A signal for the
    /// process goes to a thread that does not block it. A core-dumping one
    /// is left for that thread to take, which writes the core.
    private static func complete(
        _ signal: Signal, _ action: KernelSigaction, group: ThreadGroup, thread: Task?
    ) -> SendOutcome {
        let takers = thread.map { [$0] } ?? group.threads
        guard let taker = takers.first(where: { !$0.blockedSignals.contains(signal) }) else { return .dropped }
        let fatal = signal == .SIGKILL || SignalActionTable.kills(action, signal)
        if fatal && !isInit(group) && signal.defaultAction != .coreDump { return .fatal }
        return .wake(taker)
    }

    /// A fault's signal for the running thread (Linux: force_sig_info_to_task
    /// with HANDLER_CURRENT): one it blocks or ignores is unblocked and set
    /// back to SIG_DFL, so a second fault inside the handler kills.
    static func force(_ info: Siginfo) {
        guard let signal = Signal(rawValue: info.si_signo) else { return }
        let task = Scheduler.current
        TaskList.lock.withLockIrqSave {
            let ignored = task.sighand.actions[signal].sa_handler == KernelSigaction.SIG_IGN
            let blocked = task.blockedSignals.contains(signal)
            if ignored || blocked {
                task.sighand.resetToDefault(signal)
                task.blockedSignals.remove(signal)
            }
            if !task.pending.coalesces(signal) {
                let owner = task.credentials.uid.real
                let limit = task.group.limits.current(.RLIMIT_SIGPENDING)
                let charged = SignalRecords.charge(owner, limit: limit, override: true)
                task.pending.add(signal, info: charged ? info : nil, owner: owner)
            }
        }
    }

    /// Forgets `signal` wherever it is pending in the process: its action
    /// became "ignore" (Linux: flush_sigqueue_mask in do_sigaction).
    static func discardPending(_ signal: Signal, in group: ThreadGroup) {
        TaskList.lock.withLockIrqSave {
            var set = SignalSet()
            set.insert(signal)
            SignalRecords.release(group.sharedPending.remove(set))
            for thread in group.threads { SignalRecords.release(thread.pending.remove(set)) }
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
}

/// How many siginfo records wait, per user, against RLIMIT_SIGPENDING
/// (Linux: the UCOUNT_RLIMIT_SIGPENDING count of struct ucounts). A record
/// is counted against the real user of the task it waits for.
enum SignalRecords {
    /// (user, records) for each user with records; few users ever have any.
    private static let counts = IRQSafeLocked<[(user: UInt32, count: UInt64)]>([])

    /// Counts one more record for `user`; false if the limit is reached
    /// and may not be overridden.
    static func charge(_ user: UInt32, limit: UInt64, override: Bool) -> Bool {
        counts.withLock { counts in
            let index = counts.firstIndex { $0.user == user }
            let count = index.map { counts[$0].count } ?? 0
            guard override || count < limit else { return false }
            if let index { counts[index].count += 1 } else { counts.append((user, 1)) }
            return true
        }
    }

    /// The records of `users` (one entry per record) are gone.
    static func release(_ users: [UInt32]) {
        for user in users { release(user) }
    }

    /// One record of `user` is gone; no array to build for the one a delivery takes.
    static func release(_ user: UInt32) {
        counts.withLock { counts in
            guard let index = counts.firstIndex(where: { $0.user == user }) else { return }
            counts[index].count -= 1
            if counts[index].count == 0 { counts.remove(at: index) }
        }
    }
}
