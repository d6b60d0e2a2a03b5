import ABI
import Core
import Lib

/// Process, thread, group and session IDs (Linux: kernel/sys.c). getpid
/// is the thread group's ID, gettid the thread's own.
enum ProcessIdentitySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getpid, syscall { () throws(Errno) in Int64(Scheduler.current.tgid) }),
        (.gettid, syscall { () throws(Errno) in Int64(Scheduler.current.pid) }),
        (.getppid, syscall { () throws(Errno) in Int64(Scheduler.current.realParent?.tgid ?? 0) }),
        (.getpgid, syscall { (pid: Int32) throws(Errno) in Int64(try process(pid).group.processGroup) }),
        (.getpgrp, syscall { () throws(Errno) in Int64(Scheduler.current.group.processGroup) }),
        (.getsid, syscall { (pid: Int32) throws(Errno) in Int64(try process(pid).group.session) }),
        (.setpgid, syscall(setpgid)),
        (.setsid, syscall(setsid)),
    ]

    /// The task a pid argument names: 0 for the caller (ESRCH if none).
    private static func process(_ pid: Int32) throws(Errno) -> Task {
        if pid == 0 { return Scheduler.current }
        guard let task = PidAllocation.task(pid) else { throw .ESRCH }
        return task
    }

    /// setpgid(pid, pgid) with Linux's rules: the caller itself or a child
    /// that has not exec'd (else EACCES), in the caller's session (EPERM);
    /// never a session leader (EPERM); and a group other than its own pid
    /// must already exist in the same session (EPERM).
    static func setpgid(_ requestedPID: Int32, _ requestedGroup: Int32) throws(Errno) -> Int64 {
        let caller = Scheduler.current
        var pid = requestedPID
        var pgid = requestedGroup
        if pid == 0 { pid = caller.tgid }
        if pgid == 0 { pgid = pid }
        guard pgid >= 0 else { throw .EINVAL }
        guard let target = PidAllocation.task(pid) else { throw .ESRCH }
        guard target.isGroupLeader else { throw .EINVAL }
        if target.realParent?.group === caller.group {
            guard target.group.session == caller.group.session else { throw .EPERM }
            guard target.flags.contains(.forkNoExec) else { throw .EACCES }
        } else if target.group !== caller.group {
            throw .ESRCH
        }
        guard !target.group.isSessionLeader else { throw .EPERM }
        if pgid != pid && !ProcessGroups.exists(pgid, inSession: caller.group.session) { throw .EPERM }
        TaskList.lock.withLockIrqSave { target.group.processGroup = pgid }
        return 0
    }

    /// setsid(): a new session and process group, both named by the
    /// caller's pid, without a controlling terminal — unless that pid already names a process group (EPERM),
    /// which includes being a group leader already.
    static func setsid() throws(Errno) -> Int64 {
        let group = Scheduler.current.group
        guard !group.isSessionLeader, !ProcessGroups.exists(group.tgid) else { throw .EPERM }
        TaskList.lock.withLockIrqSave {
            group.isSessionLeader = true
            group.session = group.tgid
            group.processGroup = group.tgid
            group.controllingTerminal = nil  // Linux: proc_clear_tty
        }
        return Int64(group.tgid)
    }
}
