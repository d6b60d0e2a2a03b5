import ABI
import Core
import Lib

/// wait4 and waitid (Linux: kernel/exit.c do_wait): collect a child
/// process's exit status. A process is waitable once its last thread is
/// gone; the children of every thread of the caller count, as in Linux.
enum WaitSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.wait4, wait4),  // partial: stopped and continued children are never reported; __WCLONE/__WALL are ignored
        (.waitid, waitid),  // partial: stopped and continued children are never reported; no P_PIDFD
    ]

    /// Which children a wait is about (Linux: wait_opts's wo_type and wo_pid).
    enum Selector {
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

    static func wait4(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let wanted = Int32(truncatingIfNeeded: arguments.a0)
        let options = WaitOptions(rawValue: Int32(truncatingIfNeeded: arguments.a2))
        let supported: WaitOptions = [.WNOHANG, .WUNTRACED, .WCONTINUED, .__WNOTHREAD, .__WCLONE, .__WALL]
        guard arguments.a2 >> 32 == 0, options.subtracting(supported).isEmpty else { throw .EINVAL }
        if wanted == Int32.min { throw .ESRCH }
        let selector: Selector = switch wanted {
        case -1: .any
        case 0: .processGroup(Scheduler.current.group.processGroup)
        case ..<0: .processGroup(-wanted)
        default: .pid(wanted)
        }
        guard let child = try waitForChild(selector, options: options.union(.WEXITED)) else { return 0 }
        let (pid, status) = (child.pid, child.waitStatus)
        let usage = Rusage(cpuTime: child.group.runtime + child.group.reapedChildrenRuntime)
        ProcessExit.reap(child)
        if arguments.a1 != 0 { try UserAccess.putUser(status, at: arguments.a1) }
        if arguments.a3 != 0 { try UserAccess.copyToUser(arguments.a3, usage) }
        return Int64(pid)
    }

    /// waitid(idtype, id, infop, options, rusage): returns 0 and describes
    /// the child in a siginfo; WNOWAIT leaves it waitable.
    static func waitid(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let id = Int32(truncatingIfNeeded: arguments.a1)
        let options = WaitOptions(rawValue: Int32(truncatingIfNeeded: arguments.a3))
        let supported: WaitOptions = [.WNOHANG, .WNOWAIT, .WEXITED, .WSTOPPED, .WCONTINUED, .__WNOTHREAD, .__WCLONE, .__WALL]
        guard arguments.a3 >> 32 == 0, options.subtracting(supported).isEmpty,
              !options.isDisjoint(with: [.WEXITED, .WSTOPPED, .WCONTINUED]) else { throw .EINVAL }
        let selector: Selector
        switch WaitIDType(rawValue: Int32(truncatingIfNeeded: arguments.a0)) {
        case .P_ALL: selector = .any
        case .P_PID:
            guard id > 0 else { throw .EINVAL }
            selector = .pid(id)
        case .P_PGID:
            guard id >= 0 else { throw .EINVAL }
            selector = .processGroup(id == 0 ? Scheduler.current.group.processGroup : id)
        case .P_PIDFD: throw .EBADF   // no descriptor is a pidfd yet
        case nil: throw .EINVAL
        }
        var info = Siginfo()
        var usage = Rusage()
        if let child = try waitForChild(selector, options: options) {
            info = siginfo(for: child)
            usage = Rusage(cpuTime: child.group.runtime + child.group.reapedChildrenRuntime)
            if !options.contains(.WNOWAIT) { ProcessExit.reap(child) }
        }
        if arguments.a2 != 0 { try UserAccess.copyToUser(arguments.a2, info) }
        if arguments.a4 != 0 { try UserAccess.copyToUser(arguments.a4, usage) }
        return 0
    }

    /// What waitid reports for an ended child: CLD_EXITED with the exit
    /// code, or CLD_KILLED/CLD_DUMPED with the signal.
    private static func siginfo(for child: Task) -> Siginfo {
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

    /// Finds a child that `selector` names and whose state `options` asks
    /// about, sleeping until there is one (Linux: do_wait). nil with WNOHANG
    /// when none is ready; ECHILD when no child matches at all. Only exits
    /// are reported (WEXITED): no child ever stops yet. Unless WNOWAIT, the
    /// child is claimed (EXIT_DEAD) in the same step, so two threads waiting
    /// at once cannot both collect it.
    private static func waitForChild(_ selector: Selector, options: WaitOptions) throws(Errno) -> Task? {
        let caller = Scheduler.current
        func search() -> (anyMatch: Bool, ready: Task?) {
            TaskList.lock.withLockIrqSave { () -> (anyMatch: Bool, ready: Task?) in
                let parents = options.contains(.__WNOTHREAD) ? [caller] : caller.group.threads
                let children = parents.flatMap { $0.children }.filter { selector.matches($0) }
                guard options.contains(.WEXITED), let child = children.first(where: { $0.isWaitableZombie }) else {
                    return (!children.isEmpty, nil)
                }
                if !options.contains(.WNOWAIT) { child.state = .exitDead }
                return (true, child)
            }
        }
        while true {
            var found = search()
            guard found.anyMatch else { throw .ECHILD }
            if let child = found.ready { return child }
            if options.contains(.WNOHANG) { return nil }
            try caller.group.childExited.waitInterruptible {
                found = search()
                return !found.anyMatch || found.ready != nil
            }
            if let child = found.ready { return child }
        }
    }
}
