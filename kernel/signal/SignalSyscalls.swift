import ABI
import Core
import Lib

/// Signal actions, masks and sending (Linux: kernel/signal.c). Actions,
/// masks, the alternate stack and pending signals are recorded; a signal
/// whose action is the default "terminate" ends its process. Handlers are
/// not run yet, and stop/continue have no effect.
enum SignalSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.rt_sigaction, syscall(rtSigaction)),
        (.rt_sigprocmask, syscall(rtSigprocmask)),
        (.rt_sigpending, syscall(rtSigpending)),
        (.sigaltstack, syscall(sigaltstack)),
        (.kill, syscall(kill)),  // partial: handlers are recorded but not run; stop and continue have no effect
        (.tkill, syscall(tkill)),  // partial: handlers are recorded but not run; stop and continue have no effect
        (.tgkill, syscall(tgkill)),  // partial: handlers are recorded but not run; stop and continue have no effect
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
        if new != nil && task.sighand.actions.isIgnored(signal) { Signals.discardPending(signal, in: task.group) }
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
            task.blockedSignals = old.applying(how, signals)
        }
        if !oldSet.isNull { try oldSet.write(old.rawValue) }
        return 0
    }

    /// rt_sigpending(set, sigsetsize): blocked signals waiting for this
    /// thread or its process. A shorter set is allowed, a longer one not.
    static func rtSigpending(_ set: UserPointer<UInt8>, _ setSize: UInt64) throws(Errno) -> Int64 {
        guard setSize <= signalSetSize else { throw .EINVAL }
        let task = Scheduler.current
        let pending = TaskList.lock.withLockIrqSave { task.pendingSignals.union(task.group.sharedPendingSignals) }
        var bytes = [UInt8](repeating: 0, count: Int(signalSetSize))
        bytes.storeLittleEndian(pending.rawValue & task.blockedSignals.rawValue, at: 0)
        try set.write(Array(bytes.prefix(Int(setSize))))
        return 0
    }

    /// sigaltstack(ss, old_ss) (Linux: do_sigaltstack): the stack cannot be
    /// changed while running on it (EPERM); the mode is 0, SS_ONSTACK or
    /// SS_DISABLE, optionally with SS_AUTODISARM (else EINVAL); a stack
    /// smaller than MINSIGSTKSZ is ENOMEM.
    static func sigaltstack(
        _ registers: UserRegisters, _ stack: UserPointer<StackT>,
        _ oldStack: UserPointer<StackT>
    ) throws(Errno) -> Int64 {
        let task = Scheduler.current
        let current = task.alternateSignalStack
        let userStackPointer = registers.stackPointer
        let onStack = userStackPointer > current.ss_sp && userStackPointer - current.ss_sp <= current.ss_size
        var old = current
        old.ss_flags = current.ss_flags | (current.ss_size == 0 ? StackT.SS_DISABLE : (onStack ? StackT.SS_ONSTACK : 0))
        if !stack.isNull {
            var new = try stack.read()
            guard !onStack else { throw .EPERM }
            let mode = new.ss_flags & ~StackT.SS_AUTODISARM
            guard mode == 0 || mode == StackT.SS_ONSTACK || mode == StackT.SS_DISABLE else { throw .EINVAL }
            if mode == StackT.SS_DISABLE {
                new.ss_sp = 0
                new.ss_size = 0
            } else if new.ss_size < StackT.MINSIGSTKSZ {
                throw .ENOMEM
            }
            new.ss_flags &= StackT.SS_AUTODISARM
            task.alternateSignalStack = new
        }
        if !oldStack.isNull { try oldStack.write(old) }
        return 0
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
}
