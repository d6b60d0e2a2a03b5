import ABI
import Core
import Lib

/// Job control on a terminal (Linux: drivers/tty/tty_jobctrl.c): which
/// session owns it, which of the session's process groups is in the
/// foreground, and what the others get when they touch it.
extension Tty {
    /// Whether this is `group`'s controlling terminal.
    func isControllingTerminal(of group: ThreadGroup) -> Bool {
        TaskList.lock.withLockIrqSave { group.controllingTerminal === self }
    }

    /// The caller's session's controlling terminal; ENXIO without one
    /// (Linux: tty_open_current_tty, for opening /dev/tty).
    static func ofCaller() throws(Errno) -> Tty {
        let group = Scheduler.current.group
        guard let tty = TaskList.lock.withLockIrqSave({ group.controllingTerminal }) else { throw .ENXIO }
        return tty
    }

    /// A process of the terminal's session outside its foreground group
    /// may not read it, nor change it (or, with TOSTOP, write to it): its
    /// group gets `signal` — SIGTTIN for reads, SIGTTOU otherwise — which
    /// stops it until the shell puts it in the foreground, and the call
    /// is interrupted. If the caller ignores or blocks the signal, a read
    /// is EIO and anything else goes ahead; an orphaned group, which no
    /// shell would continue, gets EIO (Linux: __tty_check_change).
    func checkChange(_ signal: Signal = .SIGTTOU) throws(Errno) {
        let task = Scheduler.current
        guard isControllingTerminal(of: task.group) else { return }
        let group = task.group.processGroup
        guard let foreground = owner.foreground, foreground != group else { return }
        if task.blockedSignals.contains(signal) || task.sighand.actions[signal].sa_handler == KernelSigaction.SIG_IGN {
            if signal == .SIGTTIN { throw .EIO }
            return
        }
        if ProcessGroups.isOrphaned(group) { throw .EIO }
        ProcessGroups.send(signal, to: group)
        throw .ERESTARTSYS  // restarted once the group is continued
    }

    /// open(2) of this terminal by a session leader without one makes it
    /// the session's controlling terminal, if no other session has it —
    /// unless O_NOCTTY, or the node is /dev/console or /dev/tty, or the
    /// file is not open for reading (Linux: tty_open_proc_set_tty).
    func acquireOnOpen(_ flags: OpenFlags) {
        guard !flags.contains(.O_NOCTTY), flags.accessMode != .O_WRONLY else { return }
        let group = Scheduler.current.group
        TaskList.lock.withLockIrqSave {
            guard group.isSessionLeader, group.controllingTerminal == nil, owner.session == nil else { return }
            becomeControllingTerminal(of: group)
        }
    }

    /// TIOCSCTTY: a session leader without a controlling terminal takes
    /// this one. One that belongs to another session is EPERM unless the
    /// caller is privileged and `steal` is 1; so is a file not open for
    /// reading, for the unprivileged (Linux: tiocsctty).
    func setControllingTerminal(steal: UInt64, file: File) throws(Errno) {
        let caller = Scheduler.current
        let group = caller.group
        let privileged = caller.credentials.isPrivileged  // CAP_SYS_ADMIN
        let stolenFrom = try TaskList.lock.withLockIrqSave { () throws(Errno) -> Int32? in
            let session = owner.session
            if group.isSessionLeader && session == group.session { return nil }
            guard group.isSessionLeader, group.controllingTerminal == nil else { throw .EPERM }
            if session != nil && !(steal == 1 && privileged) { throw .EPERM }
            guard file.flags.accessMode != .O_WRONLY || privileged else { throw .EPERM }
            becomeControllingTerminal(of: group)
            return session
        }
        if let stolenFrom { clearControllingTerminal(ofSession: stolenFrom) }
    }

    /// TIOCNOTTY: the caller gives up its controlling terminal. A session
    /// leader takes it from the whole session, and the foreground group
    /// gets SIGHUP and SIGCONT (Linux: no_tty and disassociate_ctty(0)).
    func giveUpControllingTerminal() throws(Errno) {
        let group = Scheduler.current.group
        guard isControllingTerminal(of: group) else { throw .ENOTTY }
        guard group.isSessionLeader else {
            TaskList.lock.withLockIrqSave { group.controllingTerminal = nil }
            return
        }
        if let foreground = owner.foreground {
            ProcessGroups.send(.SIGHUP, to: foreground)
            ProcessGroups.send(.SIGCONT, to: foreground)
        }
        clearControllingTerminal(ofSession: group.session)
        clearOwner()
    }

    /// A session leader is exiting: its controlling terminal, a serial
    /// line, is hung up, its foreground group with SIGHUP (Linux:
    /// disassociate_ctty(1) from do_exit, which calls tty_vhangup_session
    /// for every terminal but a pseudo-terminal).
    static func sessionLeaderExiting(_ group: ThreadGroup) {
        guard group.isSessionLeader, let tty = TaskList.lock.withLockIrqSave({ group.controllingTerminal }) else {
            return
        }
        tty.hangUp(exitSession: true)
    }

    /// vhangup(2): the caller's controlling terminal, if it has one, is hung
    /// up (Linux: tty_vhangup_self).
    static func hangUpCallers() {
        guard let tty = TaskList.lock.withLockIrqSave({ Scheduler.current.group.controllingTerminal }) else { return }
        tty.hangUp(exitSession: false)
    }

    /// Hangs the terminal up (Linux: __tty_hangup). The files open on its
    /// own nodes read end-of-file and fail writes with EIO from now on
    /// (/dev/console's are spared, as Linux spares the console's redirected
    /// files), and a reader asleep wakes; typed-ahead input is dropped.
    /// Every process of the session loses the terminal, its leader gets
    /// SIGHUP and SIGCONT and, when the leader is exiting (`exitSession`),
    /// the foreground group SIGHUP (tty_signal_session_leader); then no
    /// session owns the terminal.
    private func hangUp(exitSession: Bool) {
        hangUpFiles()
        ConsoleInput.flushInput()
        ConsoleInput.wakeReaders()
        let (session, foreground) = owner
        if let session {
            let leaders = PidAllocation.allTasks.filter {
                $0.isGroupLeader && $0.group.session == session && $0.group.isSessionLeader && !$0.group.isExiting
            }
            clearControllingTerminal(ofSession: session)
            for leader in leaders {
                Signals.send(.SIGHUP, toProcess: leader.group, from: nil)
                Signals.send(.SIGCONT, toProcess: leader.group, from: nil)
            }
        }
        if exitSession, let foreground { ProcessGroups.send(.SIGHUP, to: foreground) }
        clearOwner()
    }

    /// Every process of `session` loses this controlling terminal (Linux: session_clear_tty).
    private func clearControllingTerminal(ofSession session: Int32) {
        let members = PidAllocation.allTasks.filter { $0.isGroupLeader && $0.group.session == session }
        TaskList.lock.withLockIrqSave {
            for member in members where member.group.controllingTerminal === self {
                member.group.controllingTerminal = nil
            }
        }
    }

    /// TIOCGPGRP (tcgetpgrp): the foreground process group; ENOTTY unless
    /// this is the caller's controlling terminal (Linux: tiocgpgrp).
    func foregroundProcessGroup() throws(Errno) -> Int32 {
        guard isControllingTerminal(of: Scheduler.current.group) else { throw .ENOTTY }
        return owner.foreground ?? 0
    }

    /// TIOCGSID: the session the terminal belongs to, ENOTTY unless it is
    /// the caller's controlling terminal (Linux: tiocgsid).
    func sessionID() throws(Errno) -> Int32 {
        guard isControllingTerminal(of: Scheduler.current.group), let session = owner.session else { throw .ENOTTY }
        return session
    }

    /// TIOCSPGRP (tcsetpgrp): a background caller gets SIGTTOU first
    /// (`checkChange`); the terminal must be the caller's controlling
    /// terminal (ENOTTY), the group must exist (ESRCH) and be in the
    /// caller's session (EPERM) (Linux: tiocspgrp).
    func setForegroundProcessGroup(_ pointer: UserPointer<Int32>) throws(Errno) {
        do throws(Errno) { try checkChange() } catch { throw error == .EIO ? .ENOTTY : error }
        let id = try pointer.read()
        guard id >= 0 else { throw .EINVAL }
        let group = Scheduler.current.group
        guard isControllingTerminal(of: group), owner.session == group.session else { throw .ENOTTY }
        // Linux's session_of_pgrp: a member's session, or that of the process with this pid.
        guard let session = ProcessGroups.members(id).first?.session ?? PidAllocation.task(id)?.group.session else {
            throw .ESRCH
        }
        guard session == group.session else { throw .EPERM }
        setForeground(id)
    }

    /// A character typed with ISIG (^C, ^\, ^Z) sends its signal to the
    /// foreground process group (Linux: n_tty's isig and kill_pgrp).
    func signalForeground(_ signal: Signal) {
        guard let foreground = owner.foreground else { return }
        ProcessGroups.send(signal, to: foreground)
    }
}
