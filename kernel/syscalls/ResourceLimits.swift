import ABI
import Core
import Lib

/// Resource limits and usage (Linux: kernel/sys.c getrlimit, setrlimit,
/// prlimit64, getrusage, times). CPU time is the scheduler's runtime, all
/// of it counted as user time.
enum ResourceLimitSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getrlimit, getrlimit),
        (.setrlimit, setrlimit),
        (.prlimit64, prlimit64),
        (.getrusage, getrusage),  // partial: CPU time only (all as user time); no fault, switch or RSS counts
        (.times, times),  // partial: all CPU time is reported as user time
    ]

    private static func resource(_ argument: UInt64) throws(Errno) -> RlimitResource {
        guard argument >> 32 == 0, let resource = RlimitResource(rawValue: Int32(truncatingIfNeeded: argument)) else {
            throw .EINVAL
        }
        return resource
    }

    static func getrlimit(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let limit = Scheduler.current.group.limits[try resource(arguments.a0)]
        try UserAccess.copyToUser(arguments.a1, limit)
        return 0
    }

    static func setrlimit(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let new = try UserAccess.copyFromUser(Rlimit.self, at: arguments.a1)
        try setLimit(of: Scheduler.current, try resource(arguments.a0), to: new)
        return 0
    }

    /// prlimit64(pid, resource, new, old): another process's limits need
    /// the same user and group IDs throughout, or privilege (EPERM).
    static func prlimit64(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let new = arguments.a2 != 0 ? try UserAccess.copyFromUser(Rlimit.self, at: arguments.a2) : nil
        let pid = Int32(truncatingIfNeeded: arguments.a0)
        let caller = Scheduler.current
        guard let target = pid == 0 ? caller : PidAllocation.task(pid) else { throw .ESRCH }
        guard target === caller || caller.credentials.mayChangeLimits(of: target.credentials) else { throw .EPERM }
        let resource = try resource(arguments.a1)
        let old = target.group.limits[resource]
        if let new { try setLimit(of: target, resource, to: new) }
        if arguments.a3 != 0 { try UserAccess.copyToUser(arguments.a3, old) }
        return 0
    }

    /// Sets a limit (rules in lib/ResourceLimits.swift) and applies the ones
    /// the kernel enforces: RLIMIT_STACK bounds stack growth.
    private static func setLimit(of task: Task, _ resource: RlimitResource, to new: Rlimit) throws(Errno) {
        let privileged = Scheduler.current.credentials.isPrivileged
        let group = task.group
        try TaskList.lock.withLockIrqSave { () throws(Errno) in
            _ = try group.limits.set(resource, to: new, privileged: privileged)
        }
        if resource == .RLIMIT_STACK, let space = task.mm { space.stackLimit = new.rlim_cur }
    }

    /// getrusage(who, usage): the process (RUSAGE_SELF), its waited-for
    /// children (RUSAGE_CHILDREN) or the calling thread (RUSAGE_THREAD).
    static func getrusage(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let task = Scheduler.current
        let cpuTime: UInt64 = switch Int32(truncatingIfNeeded: arguments.a0) {
        case Rusage.RUSAGE_SELF: task.group.runtime
        case Rusage.RUSAGE_CHILDREN: task.group.reapedChildrenRuntime
        case Rusage.RUSAGE_THREAD: Scheduler.runtime(of: task)
        default: throw .EINVAL
        }
        try UserAccess.copyToUser(arguments.a1, Rusage(cpuTime: cpuTime))
        return 0
    }

    /// times(buf): CPU times in clock ticks; returns the ticks since boot.
    static func times(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let group = Scheduler.current.group
        if arguments.a0 != 0 {
            var times = Tms()
            times.tms_utime = TimeUnits.clockTicks(nanoseconds: group.runtime)
            times.tms_cutime = TimeUnits.clockTicks(nanoseconds: group.reapedChildrenRuntime)
            try UserAccess.copyToUser(arguments.a0, times)
        }
        return TimeUnits.clockTicks(nanoseconds: UInt64(Timekeeping.monotonic))
    }
}
