import ABI
import Core
import Lib

/// Resource limits and usage (Linux: kernel/sys.c getrlimit, setrlimit,
/// prlimit64, getrusage, times). The usage comes from
/// kernel/sched/CPUAccounting.swift.
enum ResourceLimitSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getrlimit, syscall(getrlimit)),
        (.setrlimit, syscall(setrlimit)),
        (.prlimit64, syscall(prlimit64)),
        (.getrusage, syscall(getrusage)),
        (.times, syscall(times)),
    ]

    private static func resource(_ argument: ZeroExtended<Int32>) throws(Errno) -> RlimitResource {
        guard let resource = RlimitResource(rawValue: try argument.value()) else { throw .EINVAL }
        return resource
    }

    static func getrlimit(_ resourceNumber: ZeroExtended<Int32>, _ limit: UserPointer<Rlimit>) throws(Errno) -> Int64 {
        try limit.write(Scheduler.current.group.limits[try resource(resourceNumber)])
        return 0
    }

    static func setrlimit(_ resourceNumber: ZeroExtended<Int32>, _ limit: UserPointer<Rlimit>) throws(Errno) -> Int64 {
        let new = try limit.read()
        try setLimit(of: Scheduler.current, try resource(resourceNumber), to: new)
        return 0
    }

    /// prlimit64(pid, resource, new, old): another process's limits need
    /// the same user and group IDs throughout, or privilege (EPERM).
    static func prlimit64(
        _ pid: Int32, _ resourceNumber: ZeroExtended<Int32>, _ newLimit: UserPointer<Rlimit>,
        _ oldLimit: UserPointer<Rlimit>
    ) throws(Errno) -> Int64 {
        let new = newLimit.isNull ? nil : try newLimit.read()
        let caller = Scheduler.current
        guard let target = pid == 0 ? caller : PidAllocation.task(pid) else { throw .ESRCH }
        guard target === caller || caller.credentials.mayChangeLimits(of: target.credentials) else { throw .EPERM }
        let resource = try resource(resourceNumber)
        let old = target.group.limits[resource]
        if let new { try setLimit(of: target, resource, to: new) }
        if !oldLimit.isNull { try oldLimit.write(old) }
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
    static func getrusage(_ who: Int32, _ usage: UserPointer<Rusage>) throws(Errno) -> Int64 {
        let task = Scheduler.current
        let result: ResourceUsage =
            switch who {
            case Rusage.RUSAGE_SELF: CPUAccounting.usage(of: task.group)
            case Rusage.RUSAGE_CHILDREN: TaskList.lock.withLockIrqSave { task.group.childrenUsage }
            case Rusage.RUSAGE_THREAD: CPUAccounting.usage(of: task)
            default: throw .EINVAL
            }
        try usage.write(result.rusage)
        return 0
    }

    /// times(buf): CPU times in clock ticks; returns the ticks since boot.
    static func times(_ buffer: UserPointer<Tms>) throws(Errno) -> Int64 {
        let group = Scheduler.current.group
        if !buffer.isNull {
            let own = CPUAccounting.usage(of: group).time
            let children = TaskList.lock.withLockIrqSave { group.childrenUsage.time }
            var times = Tms()
            times.tms_utime = TimeUnits.clockTicks(nanoseconds: own.user)
            times.tms_stime = TimeUnits.clockTicks(nanoseconds: own.system)
            times.tms_cutime = TimeUnits.clockTicks(nanoseconds: children.user)
            times.tms_cstime = TimeUnits.clockTicks(nanoseconds: children.system)
            try buffer.write(times)
        }
        return TimeUnits.clockTicks(nanoseconds: UInt64(Timekeeping.monotonic))
    }
}
