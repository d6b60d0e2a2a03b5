import ABI
import Core
import Lib

/// Signal actions, masks, sending and waiting (Linux: kernel/signal.c);
/// delivery is SignalDelivery.swift, the frames and rt_sigreturn
/// arch/x86_64/kernel/SignalFrame.swift.
enum SignalSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.rt_sigaction, syscall(rtSigaction)),
        (.rt_sigprocmask, syscall(rtSigprocmask)),
        (.rt_sigreturn, syscall(SignalFrame.rtSigreturn)),
        (.rt_sigpending, syscall(rtSigpending)),
        (.rt_sigsuspend, syscall(rtSigsuspend)),
        (.pause, syscall(pause)),
        (.rt_sigtimedwait, syscall(rtSigtimedwait)),
        (.sigaltstack, syscall(sigaltstack)),
        (.kill, syscall(kill)),
        (.tkill, syscall(tkill)),
        (.tgkill, syscall(tgkill)),
        (.rt_sigqueueinfo, syscall(rtSigqueueinfo)),
        (.rt_tgsigqueueinfo, syscall(rtTgsigqueueinfo)),
        (.restart_syscall, syscall(restartSyscall)),
    ]

    /// sigset_t is 8 bytes on x86-64 (_NSIG / 8).
    static let signalSetSize: UInt64 = 8

    /// rt_sigaction(signal, act, oldact, sigsetsize).
    static func rtSigaction(
        _ number: ZeroExtended<Int32>, _ action: UserPointer<KernelSigaction>,
        _ oldAction: UserPointer<KernelSigaction>, _ setSize: UInt64
    ) throws(Errno) -> Int64 {
        guard setSize == signalSetSize, let signal = Signal(rawValue: try number.value()) else { throw .EINVAL }
        let task = Scheduler.current
        let new = action.isNull ? nil : try action.read()
        let old = try task.sighand.change(signal, to: new)
        // Setting "ignore" discards what is pending (Linux: do_sigaction).
        if let new, SignalActionTable.ignores(new, signal) { Signals.discardPending(signal, in: task.group) }
        if !oldAction.isNull { try oldAction.write(old) }
        return 0
    }

    /// rt_sigprocmask(how, set, oldset, sigsetsize): the calling thread's
    /// blocked set; SIGKILL and SIGSTOP are never blocked.
    static func rtSigprocmask(
        _ howNumber: Int32, _ set: UserPointer<UInt64>, _ oldSet: UserPointer<UInt64>,
        _ setSize: UInt64
    ) throws(Errno) -> Int64 {
        guard setSize == signalSetSize else { throw .EINVAL }
        let task = Scheduler.current
        let old = task.blockedSignals
        if !set.isNull {
            let signals = SignalSet(rawValue: try set.read())
            guard let how = SigprocmaskHow(rawValue: howNumber) else { throw .EINVAL }
            Signals.setBlocked(old.applying(how, signals), task)
        }
        if !oldSet.isNull { try oldSet.write(old.rawValue) }
        return 0
    }

    /// rt_sigpending(set, sigsetsize): blocked signals waiting for this
    /// thread or its process. A shorter set is allowed, a longer one not.
    static func rtSigpending(_ set: UserPointer<UInt8>, _ setSize: UInt64) throws(Errno) -> Int64 {
        guard setSize <= signalSetSize else { throw .EINVAL }
        let task = Scheduler.current
        let pending = TaskList.lock.withLockIrqSave { task.pending.signals.union(task.group.sharedPending.signals) }
        var bytes = [UInt8](repeating: 0, count: Int(signalSetSize))
        bytes.storeLittleEndian(pending.rawValue & task.blockedSignals.rawValue, at: 0)
        try set.write(Array(bytes.prefix(Int(setSize))))
        return 0
    }

    /// rt_sigsuspend(mask, sigsetsize): waits for a signal with `mask`
    /// blocked instead; the old mask comes back once the handler has run
    /// (it is the frame's), or at once if none runs.
    static func rtSigsuspend(_ set: UserPointer<UInt64>, _ setSize: UInt64) throws(Errno) -> Int64 {
        guard setSize == signalSetSize else { throw .EINVAL }
        let mask = SignalSet(rawValue: try set.read())
        let task = Scheduler.current
        task.savedSignalMask = task.blockedSignals
        Signals.setBlocked(mask, task)
        sleepUntilSignal(task)
        throw .ERESTARTNOHAND
    }

    /// pause(): waits for a signal that runs a handler or ends the process.
    static func pause() throws(Errno) -> Int64 {
        sleepUntilSignal(Scheduler.current)
        throw .ERESTARTNOHAND
    }

    private static func sleepUntilSignal(_ task: Task) {
        while true {
            Scheduler.setCurrentState(.interruptible)
            if task.hasSignalPending { break }
            Scheduler.schedule()
        }
        Scheduler.setCurrentState(.running)
    }

    /// rt_sigtimedwait(set, info, timeout, sigsetsize): takes a pending
    /// signal of `set` instead of delivering it, waiting up to `timeout`
    /// (nil: forever) for one; EAGAIN when the time runs out, EINTR if
    /// another signal comes. The set is unblocked while it waits, so
    /// those signals wake it (Linux: do_sigtimedwait's real_blocked).
    static func rtSigtimedwait(
        _ set: UserPointer<UInt64>, _ infoPointer: UserPointer<Siginfo>, _ timeout: UserPointer<Timespec>,
        _ setSize: UInt64
    ) throws(Errno) -> Int64 {
        guard setSize == signalSetSize else { throw .EINVAL }
        let wanted = SignalSet(rawValue: try set.read()).removingUnblockable()
        let others = SignalSet(rawValue: ~wanted.rawValue)
        var deadline: UInt64? = nil
        if !timeout.isNull {
            guard let length = try timeout.read().validNanoseconds else { throw .EINVAL }
            deadline = UInt64(TimeUnits.saturatingSum(Timekeeping.monotonic, length))
        }
        let task = Scheduler.current
        var info = Signals.dequeue(task, notIn: others)
        if info == nil, deadline.map({ $0 > UInt64(Timekeeping.monotonic) }) ?? true {
            let blocked = task.blockedSignals
            Signals.setBlocked(blocked.intersection(others), task)
            _ = HRTimers.sleepInterruptible(until: deadline) { false }
            Signals.setBlocked(blocked, task)
            info = Signals.dequeue(task, notIn: others)
            if info == nil && task.hasSignalPending { throw .EINTR }
        }
        guard let info else { throw .EAGAIN }
        if !infoPointer.isNull { try infoPointer.write(info) }
        return Int64(info.si_signo)
    }

    /// sigaltstack(ss, old_ss) (Linux: do_sigaltstack): see
    /// `Task.setAlternateStack`; the old settings read back with
    /// SS_ONSTACK while running on the stack, SS_DISABLE without one.
    static func sigaltstack(
        _ registers: inout TrapFrame, _ stack: UserPointer<StackT>,
        _ oldStack: UserPointer<StackT>
    ) throws(Errno) -> Int64 {
        let task = Scheduler.current
        var old = task.alternateSignalStack
        old.ss_flags |= task.alternateStackFlags(at: registers.rsp)
        if !stack.isNull { try task.setAlternateStack(try stack.read(), stackPointer: registers.rsp) }
        if !oldStack.isNull { try oldStack.write(old) }
        return 0
    }

    /// restart_syscall(): resumes the call a signal interrupted with
    /// ERESTART_RESTARTBLOCK, from what it saved; EINTR if there is none.
    static func restartSyscall() throws(Errno) -> Int64 {
        let task = Scheduler.current
        guard let resume = task.restartBlock else { throw .EINTR }
        task.restartBlock = nil
        return try resume()
    }

    /// A signal number argument: 1...64 is a signal, 0 only checks the
    /// target (nil); anything else is EINVAL.
    private static func signalNumber(_ number: Int32) throws(Errno) -> Signal? {
        guard number == 0 || Signal(rawValue: number) != nil else { throw .EINVAL }
        return Signal(rawValue: number)
    }

    /// Checks permission and sends to one process; the error for this target, if any.
    private static func sendToProcess(_ signal: Signal?, _ target: Task, from sender: Task) throws(Errno) {
        guard target.maySignal(signal, from: sender) else { throw .EPERM }
        if let signal { Signals.send(signal, toProcess: target.group, from: sender) }
    }

    /// kill(pid, sig): pid > 0 the process containing that thread; 0 the
    /// caller's process group; -1 every process the caller may signal but
    /// init and itself; < -1 process group -pid. For several targets it
    /// succeeds if any succeeded, else fails with the last error.
    static func kill(_ pid: Int32, _ number: Int32) throws(Errno) -> Int64 {
        let signal = try signalNumber(number)
        let sender = Scheduler.current
        if pid > 0 {
            guard let target = PidAllocation.task(pid) else { throw .ESRCH }
            try sendToProcess(signal, target, from: sender)
            return 0
        }
        guard pid != Int32.min else { throw .ESRCH }
        let processes = PidAllocation.allTasks.filter { $0.isGroupLeader }
        let targets =
            pid == -1
            ? processes.filter { $0.pid > 1 && $0.group !== sender.group }
            : processes.filter { $0.group.processGroup == (pid == 0 ? sender.group.processGroup : -pid) }
        guard !targets.isEmpty else { throw .ESRCH }
        var lastError: Errno? = nil
        var anySucceeded = false
        for target in targets {
            do throws(Errno) {
                try sendToProcess(signal, target, from: sender)
                anySucceeded = true
            } catch {
                lastError = error
            }
        }
        if !anySucceeded, let lastError { throw lastError }
        return 0
    }

    /// tgkill(tgid, tid, sig): one thread, which must belong to process tgid.
    static func tgkill(_ tgid: Int32, _ tid: Int32, _ number: Int32) throws(Errno) -> Int64 {
        guard tgid > 0 else { throw .EINVAL }
        return try sendToThread(tid, inProcess: tgid, number)
    }

    /// tkill(tid, sig): the obsolete form without the process check.
    static func tkill(_ tid: Int32, _ number: Int32) throws(Errno) -> Int64 {
        try sendToThread(tid, inProcess: nil, number)
    }

    private static func sendToThread(_ tid: Int32, inProcess tgid: Int32?, _ signalArgument: Int32) throws(Errno)
        -> Int64
    {
        guard tid > 0 else { throw .EINVAL }
        guard let target = PidAllocation.task(tid), tgid.map({ $0 == target.tgid }) ?? true else { throw .ESRCH }
        let signal = try signalNumber(signalArgument)
        let sender = Scheduler.current
        guard target.maySignal(signal, from: sender) else { throw .EPERM }
        if let signal { Signals.send(signal, toThread: target, from: sender) }
        return 0
    }

    /// rt_sigqueueinfo(tgid, sig, info): a signal with the caller's
    /// siginfo for a process (sigqueue(3) with SI_QUEUE and a value). Only
    /// a process may claim kill's or the kernel's codes, and only to itself.
    static func rtSigqueueinfo(_ tgid: Int32, _ number: Int32, _ infoPointer: UserPointer<Siginfo>) throws(Errno)
        -> Int64
    {
        let info = try queuedInfo(number, infoPointer, target: tgid)
        guard let target = PidAllocation.task(tgid) else { throw .ESRCH }
        return try queue(info, to: target, thread: false)
    }

    /// rt_tgsigqueueinfo(tgid, tid, sig, info): the same for one thread.
    static func rtTgsigqueueinfo(
        _ tgid: Int32, _ tid: Int32, _ number: Int32, _ infoPointer: UserPointer<Siginfo>
    ) throws(Errno) -> Int64 {
        guard tgid > 0, tid > 0 else { throw .EINVAL }
        let info = try queuedInfo(number, infoPointer, target: tgid)
        guard let target = PidAllocation.task(tid), target.tgid == tgid else { throw .ESRCH }
        return try queue(info, to: target, thread: true)
    }

    private static func queuedInfo(_ number: Int32, _ infoPointer: UserPointer<Siginfo>, target: Int32)
        throws(Errno) -> Siginfo
    {
        _ = try signalNumber(number)
        var info = try infoPointer.read()
        let sender = Scheduler.current
        if (info.si_code >= 0 || info.si_code == SignalCode.SI_TKILL) && target != sender.tgid { throw .EPERM }
        info.si_signo = number
        return info
    }

    private static func queue(_ info: Siginfo, to target: Task, thread: Bool) throws(Errno) -> Int64 {
        let signal = Signal(rawValue: info.si_signo)
        guard target.maySignal(signal, from: Scheduler.current) else { throw .EPERM }
        guard signal != nil else { return 0 }
        if thread {
            try Signals.send(info: info, toThread: target)
        } else {
            try Signals.send(info: info, toProcess: target.group)
        }
        return 0
    }
}

extension Task {
    /// Whether `stackPointer` is on the alternate stack (Linux: on_sig_stack);
    /// never with SS_AUTODISARM, whose settings are cleared while a handler uses it.
    func isOnAlternateStack(_ stackPointer: UInt64) -> Bool {
        let stack = alternateSignalStack
        guard stack.ss_flags & StackT.SS_AUTODISARM == 0 else { return false }
        return stackPointer > stack.ss_sp && stackPointer - stack.ss_sp <= stack.ss_size
    }

    /// SS_DISABLE without an alternate stack, SS_ONSTACK on it, else 0 (Linux: sas_ss_flags).
    func alternateStackFlags(at stackPointer: UInt64) -> Int32 {
        if alternateSignalStack.ss_size == 0 { return StackT.SS_DISABLE }
        return isOnAlternateStack(stackPointer) ? StackT.SS_ONSTACK : 0
    }

    /// Sets the alternate stack (Linux: do_sigaltstack): not while running
    /// on it (EPERM); the mode is 0, SS_ONSTACK or SS_DISABLE, optionally
    /// with SS_AUTODISARM (else EINVAL); a stack smaller than MINSIGSTKSZ is ENOMEM.
    func setAlternateStack(_ stack: StackT, stackPointer: UInt64) throws(Errno) {
        var new = stack
        guard !isOnAlternateStack(stackPointer) else { throw .EPERM }
        let mode = new.ss_flags & ~StackT.SS_AUTODISARM
        guard mode == 0 || mode == StackT.SS_ONSTACK || mode == StackT.SS_DISABLE else { throw .EINVAL }
        if mode == StackT.SS_DISABLE {
            new.ss_sp = 0
            new.ss_size = 0
        } else if new.ss_size < StackT.MINSIGSTKSZ {
            throw .ENOMEM
        }
        new.ss_flags &= StackT.SS_AUTODISARM
        alternateSignalStack = new
    }
}
