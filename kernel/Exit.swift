import ABI
import Core
import Lib

/// The end of a task (Linux: kernel/exit.c do_exit, exit_notify,
/// forget_original_parent, do_group_exit). The scheduler's `exitCurrent`
/// runs `prepareToExit` and then switches away for the last time.
extension Task {
    /// What an exiting task does while it can still touch user memory and
    /// sleep, then its departure from the process tree. Returns with
    /// interrupts off: from the moment it is a zombie nothing would run it again.
    func prepareToExit(status: Int32) {
        flags.insert(.exiting)
        // A thread killed by exit_group or a fatal signal reports the group's status.
        exitStatus = group.exitStatus ?? status
        if mm != nil { mmRelease() }
        exitFiles()
        exitSemaphores()
        if isProcess && group === Scheduler.childReaper?.group { handOverChildReaper() }
        // The last thread ends the process: job control's part (Linux: disassociate_ctty, kill_orphaned_pgrp).
        let processEnds = isProcess && TaskList.lock.withLockIrqSave { group.threads.count == 1 }
        if processEnds { Tty.sessionLeaderExiting(group) }
        let orphaned = processEnds ? ProcessGroups.orphanedByExit(of: group) : []
        _ = CPU.saveAndDisableInterrupts()
        TaskList.lock.lock()
        leaveThreadGroup()
        let notify = exitNotify()
        TaskList.lock.unlock()
        exited.completeAll()
        if let notify { ProcessExit.notifyParent(of: notify) }
        ProcessGroups.hangUpOrphaned(orphaned)
    }

    /// Linux's mm_release: wake whoever waits for this thread to let go of
    /// its memory — pthread_join through CLONE_CHILD_CLEARTID (the TID word
    /// is zeroed and futex-woken, if anyone else still sees the memory) and
    /// a vfork parent — and release the robust and PI futexes it holds. Exit calls
    /// it; exec must call it too, before it replaces the address space
    /// (Linux: exec_mm_release).
    public func mmRelease() {
        Futex.releaseRobustList(of: self)
        Futex.releasePIStates(of: self, exiting: flags.contains(.exiting))
        if !clearChildTID.isNull, let space = mm, space.users > 1 {
            try? clearChildTID.write(0)
            Futex.wake(space: space, address: clearChildTID.address, shared: true, count: 1)
        }
        clearChildTID = .null
        completeVfork()
    }

    /// init's threads may end one by one, another taking over adopting
    /// orphans; the last one may not (Linux: find_child_reaper): nobody
    /// would be left to adopt them.
    private func handOverChildReaper() {
        guard let heir = TaskList.lock.withLockIrqSave({ group.threads.first { $0 !== self } }) else {
            panic("Attempted to kill init! exitcode=0x\(hex(UInt64(UInt32(bitPattern: exitStatus)), width: 8))")
        }
        if Scheduler.childReaper === self { Scheduler.childReaper = heir }
    }

    /// Lets a vfork parent run again (Linux: complete_vfork_done).
    func completeVfork() {
        vforkDone?.complete()
        vforkDone = nil
    }

    /// Takes the thread off its group's list and moves its CPU time to the
    /// group's total (Linux: __exit_signal), and hands its children to a
    /// new parent (Linux: forget_original_parent).
    private func leaveThreadGroup() {
        group.exitedThreadsRuntime += Scheduler.runtime(of: self)
        CPUAccounting.threadExited(self)
        group.threads.removeAll { $0 === self }
        if group.threads.isEmpty { group.timers.release() }
        // Signals nobody will take: their records no longer count against the user (Linux: flush_sigqueue).
        SignalRecords.release(pending.removeAll())
        if group.threads.isEmpty { SignalRecords.release(group.sharedPending.removeAll()) }
        // Another thread of the process adopts the children; if none is
        // left, init does, and kthreadd for kernel threads' children.
        let adopter = group.threads.first ?? (isProcess ? Scheduler.childReaper : KThreads.daemon)
        for child in children {
            child.parent = adopter
            adopter?.children.append(child)
            // A new parent in another process gets SIGCHLD, whatever the child chose (Linux: reparent_leader).
            if adopter?.group !== group { child.exitSignal = .SIGCHLD }
            if let adopter, child.isWaitableZombie { adopter.group.childExited.wakeUpAll() }
        }
        children.removeAll()
    }

    /// The state the task dies in (Linux: exit_notify). Returns the group
    /// leader whose parent must now hear that the process is gone, if any.
    private func exitNotify() -> Task? {
        guard isProcess else {
            state = .dead
            return nil
        }
        if isGroupLeader {
            // A leader with live threads waits as a zombie for them to finish.
            state = parent != nil ? .exitZombie : .dead
            return state == .exitZombie && group.threads.isEmpty ? self : nil
        }
        // Other threads are reaped at once; the last one lets the leader's parent know.
        state = .dead
        if group.threads.isEmpty, let leader = group.leader, leader.state.contains(.exitZombie) { return leader }
        return nil
    }

    /// A zombie whose whole group is gone: what wait4 can collect (Linux:
    /// EXIT_ZOMBIE and thread_group_empty, delay_group_leader).
    var isWaitableZombie: Bool { state.contains(.exitZombie) && group.threads.isEmpty }

    /// The wait status the parent collects: the group's if it ended together.
    var waitStatus: Int32 { group.exitStatus ?? exitStatus }
}

extension ThreadGroup {
    /// exit_group(2) and every fatal signal (Linux: do_group_exit): the
    /// first one sets the status and kills every other thread. Returns the
    /// status in force, which the caller then exits with.
    @discardableResult
    func beginExit(status: Int32, except caller: Task?) -> Int32 {
        let victims = TaskList.lock.withLockIrqSave { () -> [Task] in
            guard exitStatus == nil else { return [] }
            exitStatus = status
            return threads.filter { $0 !== caller }
        }
        ThreadGroup.kill(victims)
        return exitStatus ?? status
    }

    /// Adds the core bit to the exit status once the core is written
    /// (Linux: coredump_finish); returns the status.
    func noteCoreDumped() -> Int32 {
        TaskList.lock.withLockIrqSave { () -> Int32 in
            let status = (exitStatus ?? 0) | WaitStatus.coreDumpFlag
            exitStatus = status
            return status
        }
    }

    /// Sends each thread SIGKILL and wakes it from any interruptible sleep
    /// or a stop, so it exits on its way back to user mode (Linux:
    /// zap_other_threads, with TASK_WAKEKILL).
    static func kill(_ threads: [Task]) {
        for thread in threads {
            TaskList.lock.withLockIrqSave { thread.pending.add(.SIGKILL, info: nil) }
            Scheduler.wakeUp(thread, states: [.interruptible, .stopped])
        }
    }
}

extension Task {
    /// What exec does first to a multi-threaded process (Linux: de_thread):
    /// every other thread is killed, and exec waits until they are gone. A
    /// thread other than the leader keeps its own thread ID; Linux would
    /// give it the leader's, so that the process's pid and its one thread's
    /// ID agree again.
    func killOtherThreadsForExec() {
        let others = TaskList.lock.withLockIrqSave { group.threads.filter { $0 !== self } }
        guard !others.isEmpty else { return }
        ThreadGroup.kill(others)
        for thread in others { thread.exited.wait() }
    }
}

/// Telling a parent about a child's end (Linux: do_notify_parent) and the
/// parent's wait for it (Linux: do_wait). A process is waitable once its last
/// thread is gone; the children of every thread of the caller count, as in Linux.
enum ProcessExit {
    /// Sends the child's exit signal, with the siginfo waitid would report
    /// (CLD_EXITED, CLD_KILLED or CLD_DUMPED), and wakes the parent's
    /// waiters. A parent that ignores SIGCHLD (or set SA_NOCLDWAIT) does
    /// not get a zombie: the child is reaped at once.
    static func notifyParent(of leader: Task) {
        guard let parent = leader.parent else { return }
        let actions = parent.sighand.actions
        let autoReap =
            leader.exitSignal == .SIGCHLD
            && (actions[.SIGCHLD].sa_handler == KernelSigaction.SIG_IGN
                || actions[.SIGCHLD].flags.contains(.SA_NOCLDWAIT))
        if let signal = leader.exitSignal {
            var info = siginfo(for: leader)
            info.si_signo = signal.rawValue
            try? Signals.send(info: info, toProcess: parent.group)
        }
        if autoReap {
            // Dead rather than a zombie; if it is still on its way out, its
            // last switch reaps it, otherwise it is reaped here (without
            // counting towards the parent's children times, as in Linux).
            TaskList.lock.withLockIrqSave { leader.state = .dead }
            if leader !== Scheduler.current { leader.reap() }
        }
        parent.group.childExited.wakeUpAll()
    }

    /// Removes a collected zombie for good, adding its usage to the
    /// parent's children total (Linux: release_task after wait_task_zombie).
    static func reap(_ zombie: Task) {
        TaskList.lock.withLockIrqSave {
            if let parent = zombie.parent { CPUAccounting.childReaped(zombie.group, by: parent.group) }
        }
        zombie.reap()
    }

    /// Which children a wait is about (Linux: wait_opts's wo_type and wo_pid).
    enum WaitSelector {
        case any
        case pid(Int32)
        case processGroup(Int32)

        func matches(_ child: Task) -> Bool {
            switch self {
            case .any: true
            case .pid(let pid): child.pid == pid
            case .processGroup(let group): child.group.processGroup == group
            }
        }
    }

    /// What waitid reports for an ended child: CLD_EXITED with the exit
    /// code, or CLD_KILLED/CLD_DUMPED with the signal.
    static func siginfo(for child: Task) -> Siginfo {
        let status = child.waitStatus
        var info = Siginfo()
        info.si_signo = Signal.SIGCHLD.rawValue
        info.si_pid = child.pid
        info.si_uid = child.credentials.uid.real
        if status & 0x7f == 0 {
            info.si_code = SignalCode.CLD_EXITED
            info.si_status = (status >> 8) & 0xff
        } else {
            info.si_code = status & WaitStatus.coreDumpFlag != 0 ? SignalCode.CLD_DUMPED : SignalCode.CLD_KILLED
            info.si_status = status & 0x7f
        }
        return info
    }

    /// What a wait found: an ended child, or a stop or continue to report.
    enum WaitEvent {
        case exited
        case stopped(Signal)
        case continued
    }

    /// Finds a child that `selector` names and whose state `options` asks
    /// about, sleeping until there is one (Linux: do_wait). nil with WNOHANG
    /// when none is ready; ECHILD when no child matches at all. Exits need
    /// WEXITED, stops WSTOPPED (WUNTRACED), continues WCONTINUED; each is
    /// reported once. Unless WNOWAIT, the child or its report is claimed
    /// (an exited child becomes EXIT_DEAD) in the same step, so two threads
    /// waiting at once cannot both collect it.
    static func waitForChild(_ selector: WaitSelector, options: WaitOptions) throws(Errno) -> (Task, WaitEvent)? {
        let caller = Scheduler.current
        func event(_ child: Task) -> WaitEvent? {
            if options.contains(.WEXITED) && child.isWaitableZombie { return .exited }
            switch child.group.jobControl.unreported {
            case .stopped(let signal) where options.contains(.WSTOPPED): return .stopped(signal)
            case .continued where options.contains(.WCONTINUED): return .continued
            default: return nil
            }
        }
        func search() -> (anyMatch: Bool, ready: (Task, WaitEvent)?) {
            TaskList.lock.withLockIrqSave { () -> (anyMatch: Bool, ready: (Task, WaitEvent)?) in
                let parents = options.contains(.__WNOTHREAD) ? [caller] : caller.group.threads
                let children = parents.flatMap { $0.children }.filter { selector.matches($0) }
                for child in children {
                    guard let found = event(child) else { continue }
                    if !options.contains(.WNOWAIT) {
                        if case .exited = found {
                            child.state = .exitDead
                        } else {
                            child.group.jobControl.unreported = nil
                        }
                    }
                    return (true, (child, found))
                }
                return (!children.isEmpty, nil)
            }
        }
        while true {
            var found = search()
            guard found.anyMatch else { throw .ECHILD }
            if let ready = found.ready { return ready }
            if options.contains(.WNOHANG) { return nil }
            try caller.group.childExited.waitInterruptible {
                found = search()
                return !found.anyMatch || found.ready != nil
            }
            if let ready = found.ready { return ready }
        }
    }
}

/// exit and exit_group (Linux: kernel/exit.c). exit ends the calling
/// thread only; exit_group ends every thread of the process. The wait
/// status encodes the code as (code & 0xff) << 8.
enum ExitSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.exit, syscall(exit)),
        (.exit_group, syscall(exitGroup)),
    ]

    static func exit(_ code: Int32) throws(Errno) -> Int64 {
        Scheduler.exitCurrent(status: WaitStatus.exited(code: code))
    }

    static func exitGroup(_ code: Int32) throws(Errno) -> Int64 {
        Scheduler.exitGroup(status: WaitStatus.exited(code: code))
    }
}

/// wait4 and waitid (Linux: their SYSCALL_DEFINEs in kernel/exit.c): decode
/// the arguments, wait with `ProcessExit.waitForChild` and copy the status out.
enum WaitSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.wait4, syscall(wait4)),  // partial: __WCLONE/__WALL ignored
        (.waitid, syscall(waitid)),  // partial: no P_PIDFD
    ]

    static func wait4(
        _ wanted: Int32, _ statusPointer: UserPointer<Int32>, _ optionsArgument: ZeroExtended<WaitOptions>,
        _ usagePointer: UserPointer<Rusage>
    ) throws(Errno) -> Int64 {
        let options = try optionsArgument.value()
        let supported: WaitOptions = [.WNOHANG, .WUNTRACED, .WCONTINUED, .__WNOTHREAD, .__WCLONE, .__WALL]
        guard options.subtracting(supported).isEmpty else { throw .EINVAL }
        if wanted == Int32.min { throw .ESRCH }
        let selector: ProcessExit.WaitSelector =
            switch wanted {
            case -1: .any
            case 0: .processGroup(Scheduler.current.group.processGroup)
            case ..<0: .processGroup(-wanted)
            default: .pid(wanted)
            }
        guard let (child, event) = try ProcessExit.waitForChild(selector, options: options.union(.WEXITED)) else {
            return 0
        }
        let pid = child.pid
        let usage = CPUAccounting.usageWithChildren(of: child.group).rusage
        let status: Int32
        switch event {
        case .exited:
            status = child.waitStatus
            ProcessExit.reap(child)
        case .stopped(let signal): status = WaitStatus.stopped(by: signal)
        case .continued: status = WaitStatus.continued
        }
        if !statusPointer.isNull { try statusPointer.write(status) }
        if !usagePointer.isNull { try usagePointer.write(usage) }
        return Int64(pid)
    }

    /// waitid(idtype, id, infop, options, rusage): returns 0 and describes
    /// the child in a siginfo; WNOWAIT leaves it waitable.
    static func waitid(
        _ type: Int32, _ id: Int32, _ infoPointer: UserPointer<Siginfo>,
        _ optionsArgument: ZeroExtended<WaitOptions>,
        _ usagePointer: UserPointer<Rusage>
    ) throws(Errno) -> Int64 {
        let options = try optionsArgument.value()
        let supported: WaitOptions = [
            .WNOHANG, .WNOWAIT, .WEXITED, .WSTOPPED, .WCONTINUED, .__WNOTHREAD, .__WCLONE, .__WALL,
        ]
        guard options.subtracting(supported).isEmpty,
            !options.isDisjoint(with: [.WEXITED, .WSTOPPED, .WCONTINUED])
        else { throw .EINVAL }
        let selector: ProcessExit.WaitSelector
        switch WaitIDType(rawValue: type) {
        case .P_ALL: selector = .any
        case .P_PID:
            guard id > 0 else { throw .EINVAL }
            selector = .pid(id)
        case .P_PGID:
            guard id >= 0 else { throw .EINVAL }
            selector = .processGroup(id == 0 ? Scheduler.current.group.processGroup : id)
        case .P_PIDFD: throw .EBADF  // no descriptor is a pidfd yet
        case nil: throw .EINVAL
        }
        var info = Siginfo()
        var usage = Rusage()
        if let (child, event) = try ProcessExit.waitForChild(selector, options: options) {
            info = ProcessExit.siginfo(for: child)
            usage = CPUAccounting.usageWithChildren(of: child.group).rusage
            switch event {
            case .exited: if !options.contains(.WNOWAIT) { ProcessExit.reap(child) }
            case .stopped(let signal):
                info.si_code = SignalCode.CLD_STOPPED
                info.si_status = signal.rawValue
            case .continued:
                info.si_code = SignalCode.CLD_CONTINUED
                info.si_status = Signal.SIGCONT.rawValue
            }
        }
        if !infoPointer.isNull { try infoPointer.write(info) }
        if !usagePointer.isNull { try usagePointer.write(usage) }
        return 0
    }
}
