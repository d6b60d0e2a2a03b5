import ABI
import Core
import Lib

/// Scheduling calls (Linux: kernel/sched/core.c, kernel/sys.c's
/// getpriority/setpriority). There is one CPU: affinity masks are CPU 0.
enum SchedSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (
            .sched_yield,
            syscall { () throws(Errno) in
                Scheduler.yield()
                return 0
            }
        ),
        (.sched_getaffinity, syscall(schedGetaffinity)),
        (.sched_setaffinity, syscall(schedSetaffinity)),
        (.sched_getscheduler, syscall(schedGetscheduler)),
        (.sched_setscheduler, syscall(schedSetscheduler)),
        (.sched_getparam, syscall(schedGetparam)),
        (.sched_setparam, syscall(schedSetparam)),
        (
            .sched_get_priority_max,
            syscall { (policy: Int32) throws(Errno) in Int64(try priorityRange(policy).upperBound) }
        ),
        (
            .sched_get_priority_min,
            syscall { (policy: Int32) throws(Errno) in Int64(try priorityRange(policy).lowerBound) }
        ),
        (.getpriority, syscall(getpriority)),
        (.setpriority, syscall(setpriority)),
        (.getcpu, syscall(getcpu)),
    ]

    /// The bytes of a CPU mask (Linux: cpumask_size(), a whole number of longs).
    static let cpuMaskSize = 8

    /// The task a pid argument names: 0 for the caller, ESRCH if none.
    private static func lookup(_ pid: Int32) throws(Errno) -> Task {
        if pid == 0 { return Scheduler.current }
        guard let task = PidAllocation.task(pid) else { throw .ESRCH }
        return task
    }

    /// As `lookup`, for the calls that reject a negative pid with EINVAL.
    private static func task(_ pid: Int32) throws(Errno) -> Task {
        guard pid >= 0 else { throw .EINVAL }
        return try lookup(pid)
    }

    /// sched_getaffinity(pid, len, mask): `len` must hold every CPU and be a
    /// whole number of longs (EINVAL); returns the bytes written.
    static func schedGetaffinity(_ pid: Int32, _ length: UInt64, _ maskPointer: UserPointer<UInt8>) throws(Errno)
        -> Int64
    {
        guard length > 0, length % 8 == 0 else { throw .EINVAL }
        _ = try lookup(pid)
        let size = min(Int(min(length, UInt64(Int32.max))), cpuMaskSize)
        var mask = [UInt8](repeating: 0, count: size)
        mask[0] = 1
        try maskPointer.write(mask)
        return Int64(size)
    }

    /// sched_setaffinity(pid, len, mask): a mask without CPU 0 leaves the
    /// task nowhere to run (EINVAL).
    static func schedSetaffinity(_ pid: Int32, _ length: UInt64, _ maskPointer: UserPointer<UInt8>) throws(Errno)
        -> Int64
    {
        let mask = try maskPointer.read(count: min(Int(min(length, UInt64(cpuMaskSize))), cpuMaskSize))
        let target = try lookup(pid)
        guard Scheduler.current.credentials.mayRenice(target.credentials) else { throw .EPERM }
        guard mask.first.map({ $0 & 1 != 0 }) ?? false else { throw .EINVAL }
        return 0
    }

    /// sched_get_priority_max/min: 1...99 for the real-time policies, 0 otherwise.
    private static func priorityRange(_ policy: Int32) throws(Errno) -> ClosedRange<Int> {
        switch policy {
        case SchedPolicyNumber.SCHED_FIFO, SchedPolicyNumber.SCHED_RR: SchedPolicy.realTimePriorityRange
        case SchedPolicyNumber.SCHED_NORMAL, SchedPolicyNumber.SCHED_BATCH, SchedPolicyNumber.SCHED_IDLE,
            SchedPolicyNumber.SCHED_DEADLINE:
            0...0
        default: throw .EINVAL
        }
    }

    static func schedGetscheduler(_ pid: Int32) throws(Errno) -> Int64 {
        Int64(try task(pid).sched.policy.rawValue)
    }

    /// struct sched_param is one int, the real-time priority.
    static func schedGetparam(_ pid: Int32, _ parameter: UserPointer<Int32>) throws(Errno) -> Int64 {
        guard !parameter.isNull else { throw .EINVAL }
        try parameter.write(Int32(try task(pid).sched.realTimePriority))
        return 0
    }

    static func schedSetscheduler(
        _ pid: Int32, _ policyNumber: Int32,
        _ parameter: UserPointer<Int32>
    ) throws(Errno) -> Int64 {
        let number = policyNumber & ~SchedPolicyNumber.SCHED_RESET_ON_FORK
        guard let policy = SchedPolicy(rawValue: number) else { throw .EINVAL }
        try setScheduler(pid, policy: policy, parameter: parameter)
        return 0
    }

    static func schedSetparam(_ pid: Int32, _ parameter: UserPointer<Int32>) throws(Errno) -> Int64 {
        try setScheduler(pid, policy: nil, parameter: parameter)
        return 0
    }

    /// Linux's do_sched_setscheduler: a NULL parameter or negative pid is
    /// EINVAL; a real-time policy, or another user's task, needs privilege
    /// (CAP_SYS_NICE; RLIMIT_RTPRIO is 0 by default).
    private static func setScheduler(_ pid: Int32, policy: SchedPolicy?, parameter: UserPointer<Int32>) throws(Errno) {
        guard !parameter.isNull, pid >= 0 else { throw .EINVAL }
        let priority = Int(try parameter.read())
        let target = try task(pid)
        let newPolicy = policy ?? target.sched.policy
        guard SchedState<Task>.isValid(policy: newPolicy, realTimePriority: priority) else { throw .EINVAL }
        let credentials = Scheduler.current.credentials
        guard credentials.isPrivileged || (!newPolicy.isRealTime && credentials.mayRenice(target.credentials)) else {
            throw .EPERM
        }
        guard target !== Scheduler.idleTask else { throw .EPERM }
        try Scheduler.setScheduler(target, policy: newPolicy, priority: priority)
        Futex.adjustPIChain(of: target)
    }

    /// The tasks getpriority/setpriority's (which, who) name (Linux: the
    /// PRIO_PROCESS, PRIO_PGRP and PRIO_USER cases): a thread, the threads
    /// of a process group, or those of a user; who 0 is the caller's.
    private static func priorityTargets(_ which: Int32, _ who: Int32) throws(Errno) -> [Task] {
        let caller = Scheduler.current
        switch which {
        case PriorityWhich.PRIO_PROCESS:
            if who == 0 { return [caller] }
            return PidAllocation.task(who).map { [$0] } ?? []
        case PriorityWhich.PRIO_PGRP:
            let group = who == 0 ? caller.group.processGroup : who
            return PidAllocation.allTasks.filter {
                $0.group.processGroup == group && $0.isProcess && !$0.state.contains(.exitZombie)
            }
        case PriorityWhich.PRIO_USER:
            let user = who == 0 ? caller.credentials.uid.real : UInt32(bitPattern: who)
            return PidAllocation.allTasks.filter { $0.credentials.uid.real == user && !$0.state.contains(.exitZombie) }
        default:
            throw .EINVAL
        }
    }

    /// getpriority: 20 - nice of the strongest target (1...40, so no result is negative).
    static func getpriority(_ which: Int32, _ who: Int32) throws(Errno) -> Int64 {
        let targets = try priorityTargets(which, who)
        guard let strongest = targets.map({ $0.sched.nice }).min() else { throw .ESRCH }
        return Int64(20 - strongest)
    }

    /// setpriority: the nice value is clamped to -20...19; lowering it needs
    /// privilege or RLIMIT_NICE (EACCES), another user's task privilege
    /// (EPERM). The last failure is returned, or 0.
    static func setpriority(_ which: Int32, _ who: Int32, _ requested: Int32) throws(Errno) -> Int64 {
        let nice = min(max(Int(requested), SchedPolicy.niceRange.lowerBound), SchedPolicy.niceRange.upperBound)
        let targets = try priorityTargets(which, who)
        guard !targets.isEmpty else { throw .ESRCH }
        let caller = Scheduler.current
        var failure: Errno? = nil
        for target in targets {
            if !caller.credentials.mayRenice(target.credentials) {
                failure = .EPERM
            } else if nice < target.sched.nice && !caller.credentials.isPrivileged
                && UInt64(20 - nice) > caller.group.limits.current(.RLIMIT_NICE)
            {
                failure = .EACCES
            } else {
                Scheduler.setNice(target, nice)
            }
        }
        if let failure { throw failure }
        return 0
    }

    /// getcpu(cpu, node, cache): CPU 0 on node 0; each pointer may be NULL.
    static func getcpu(_ cpu: UserPointer<UInt32>, _ node: UserPointer<UInt32>) throws(Errno) -> Int64 {
        if !cpu.isNull { try cpu.write(0) }
        if !node.isNull { try node.write(0) }
        return 0
    }
}
