import ABI
import Core
import Lib

/// Taking pending signals (Linux: get_signal, dequeue_signal and
/// signal_delivered in kernel/signal.c; the x86 half, frames and syscall
/// restarts, is arch/x86_64/kernel/SignalFrame.swift). Every return to user
/// mode — from a system call, an interrupt or an exception in ring 3, and a
/// forked child's first — ends in `exitToUserMode`, which acts on each
/// signal the thread does not block: SIGKILL and fatal defaults end the
/// process, stop defaults stop it, ignored ones vanish, and each handler
/// gets a frame on the user stack, the last one set up running first.
extension Signals {
    /// What every return to user mode does (Linux: exit_to_user_mode_loop →
    /// arch_do_signal_or_restart). `frame` holds the user registers, which a
    /// handler's frame rewrites.
    static func exitToUserMode(_ frame: inout TrapFrame) {
        // The common case, nothing to act on, costs a few bit tests and no
        // lock: what Linux keeps as TIF_SIGPENDING (kept up to date by
        // recalc_sigpending) is computed here from the same sets, so it
        // cannot go stale. Only a system call's restart remains to do.
        guard hasWork(Scheduler.current) else {
            SignalFrame.restartWithoutHandler(&frame)
            return
        }
        // The exit happens out here, where no local holds a reference that a
        // call that never returns would leak (the task, its group).
        if let status = deliver(&frame) { Scheduler.exitCurrent(status: status) }
    }

    /// A signal to deliver, a stop to take, or rt_sigsuspend's temporary
    /// mask to put back (Linux: _TIF_SIGPENDING | TIF_RESTORE_SIGMASK).
    private static func hasWork(_ task: Task) -> Bool {
        task.hasSignalPending || task.savedSignalMask != nil
    }

    /// Delivers what is pending; returns the status to exit with if a
    /// signal ends the process.
    private static func deliver(_ frame: inout TrapFrame) -> Int32? {
        let task = Scheduler.current
        var handled = false
        var info = Siginfo()
        // nextHandler finds nothing when nothing is pending: the test spares
        // its locked dequeue after the last handler's frame is set up.
        delivery: while task.hasSignalPending {
            let action: KernelSigaction
            switch nextHandler(task, info: &info) {
            case .handler(let handler)?: action = handler
            case .exit(let status)?: return status
            case .coreDump(let status)?: return dumpCore(info, status: status, frame: frame, task: task)
            case nil: break delivery
            }
            SignalFrame.restartBeforeHandler(&frame, restart: action.flags.contains(.SA_RESTART))
            let mask = task.savedSignalMask ?? task.blockedSignals
            if SignalFrame.setup(info, action, blocked: mask, frame: &frame, task: task) {
                signalDelivered(info.si_signo, action, task)
            } else {
                forceSegfault(after: info.si_signo, task)
            }
            handled = true
        }
        if handled { return nil }
        SignalFrame.restartWithoutHandler(&frame)
        // rt_sigsuspend's temporary mask ends here when no handler ran.
        if let saved = task.savedSignalMask {
            task.savedSignalMask = nil
            setBlocked(saved, task)
        }
        return nil
    }

    /// What nextHandler found; the siginfo, when there is one, is in its
    /// caller's `info` (a 128-byte payload here would be copied at each step).
    private enum NextSignal {
        case handler(KernelSigaction)
        /// The process ends, with this status.
        case exit(Int32)
        /// The process ends with this status, and this thread writes the core.
        case coreDump(Int32)
    }

    /// The handler's mask is added, and SA_RESETHAND's action already reset
    /// (Linux: signal_delivered): the handler runs with its signal blocked
    /// unless SA_NODEFER. The frame holds the mask to go back to.
    private static func signalDelivered(_ number: Int32, _ action: KernelSigaction, _ task: Task) {
        var blocked = task.blockedSignals.union(action.mask)
        if !action.flags.contains(.SA_NODEFER), let signal = Signal(rawValue: number) { blocked.insert(signal) }
        task.savedSignalMask = nil
        setBlocked(blocked, task)
    }

    /// The frame could not be written (Linux: force_sigsegv): SIGSEGV, with
    /// its default action if the failed signal was SIGSEGV itself.
    private static func forceSegfault(after number: Int32, _ task: Task) {
        if number == Signal.SIGSEGV.rawValue { task.sighand.resetToDefault(.SIGSEGV) }
        force(Siginfo(signal: .SIGSEGV, code: SignalCode.SI_KERNEL))
    }

    /// A new blocked set for the running thread (Linux: set_current_blocked):
    /// SIGKILL and SIGSTOP stay unblocked.
    static func setBlocked(_ set: SignalSet, _ task: Task) {
        TaskList.lock.withLockIrqSave { task.blockedSignals = set.removingUnblockable() }
    }

    /// Runs `wait` with the caller's `mask` blocked instead of its own
    /// (Linux: set_user_sigmask and restore_saved_sigmask_unless), for
    /// epoll_pwait, ppoll and pselect6; a null mask changes nothing. If a
    /// signal ended the wait, the old mask comes back only once it has been
    /// delivered (it is the handler frame's), so a signal the temporary
    /// mask let in runs its handler, as with rt_sigsuspend.
    static func withTemporaryMask(
        _ mask: UserPointer<UInt64>, size: UInt64, _ wait: () throws(Errno) -> Int64
    ) throws(Errno) -> Int64 {
        guard !mask.isNull else { return try wait() }
        guard size == SignalSyscalls.signalSetSize else { throw .EINVAL }
        let task = Scheduler.current
        let old = task.blockedSignals
        setBlocked(SignalSet(rawValue: try mask.read()), task)
        task.savedSignalMask = old
        do {
            let result = try wait()
            task.savedSignalMask = nil
            setBlocked(old, task)
            return result
        } catch {
            if error != .EINTR && error != .ERESTARTNOHAND {
                task.savedSignalMask = nil
                setBlocked(old, task)
            }
            throw error
        }
    }

    /// The next signal with a handler to run (Linux: get_signal), its
    /// siginfo in `info`: on the way, stops happen and ignored signals are
    /// dropped; SIGKILL and fatal defaults begin the group's exit. nil when
    /// nothing is left to deliver.
    private static func nextHandler(_ task: Task, info: inout Siginfo) -> NextSignal? {
        while true {
            if task.hasFatalSignalPending {
                return .exit(
                    task.group.beginExit(status: WaitStatus.signaled(by: .SIGKILL, coreDumped: false), except: task))
            }
            if task.stopPending {
                JobControl.stopIfPending(task)
                continue
            }
            guard let next = dequeue(task, notIn: task.blockedSignals) else { return nil }
            info = next
            guard let signal = Signal(rawValue: info.si_signo) else { return nil }
            let action = task.sighand[signal]
            if action.sa_handler == KernelSigaction.SIG_IGN { continue }
            if action.sa_handler != KernelSigaction.SIG_DFL {
                if action.flags.contains(.SA_RESETHAND) { task.sighand.resetToDefault(signal) }
                return .handler(action)
            }
            // init takes no default action but SIGKILL's (Linux: SIGNAL_UNKILLABLE),
            // except for its own faults' (force_sig_info_to_task clears the flag).
            if isInit(task.group) && !SignalSet.synchronous.contains(signal) { continue }
            switch signal.defaultAction {
            case .ignore, .continue: continue
            case .stop:
                // No shell would continue an orphaned group: only SIGSTOP stops it (Linux: is_current_pgrp_orphaned).
                if signal != .SIGSTOP && ProcessGroups.isOrphaned(task.group.processGroup) { continue }
                JobControl.beginStop(signal, by: task)
            case .terminate:
                return .exit(
                    task.group.beginExit(status: WaitStatus.signaled(by: signal, coreDumped: false), except: task))
            case .coreDump:
                return .coreDump(WaitStatus.signaled(by: signal, coreDumped: false))
            }
        }
    }

    /// A core-dumping signal ends the process: the other threads are told
    /// to exit first (Linux: coredump_wait's zap_threads); the core bit is
    /// set only if a core was written, and only by the thread whose signal
    /// ends the group. `frame` holds the user registers. Returns the status.
    private static func dumpCore(_ info: Siginfo, status: Int32, frame: TrapFrame, task: Task) -> Int32 {
        let threads = TaskList.lock.withLockIrqSave { task.group.threads }
        guard task.group.beginExit(status: status, except: task) == status,
            Coredump.dump(info, frame: frame, task: task, threads: threads)
        else { return task.group.exitStatus ?? status }
        return task.group.noteCoreDumped()
    }

    /// Takes the next pending signal not in `blocked`, the thread's own
    /// before the process's (Linux: dequeue_signal). Also how a waiter
    /// claims one: rt_sigtimedwait, and signalfd's read.
    static func dequeue(_ task: Task, notIn blocked: SignalSet) -> Siginfo? {
        TaskList.lock.withLockIrqSave { () -> Siginfo? in
            take(from: task.pending, notIn: blocked) ?? take(from: task.group.sharedPending, notIn: blocked)
        }
    }

    /// One signal of `queue` not in `blocked`, its record's charge released.
    private static func take(from queue: SigPending, notIn blocked: SignalSet) -> Siginfo? {
        guard let signal = queue.next(notIn: blocked), let (info, owner) = queue.take(signal) else { return nil }
        if let owner { SignalRecords.release(owner) }
        return info
    }
}
