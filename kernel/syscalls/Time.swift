import ABI
import Core
import Lib

/// Clocks and sleeping (Linux: kernel/time/posix-timers.c, posix-cpu-timers.c,
/// time.c, hrtimer.c). The global clocks come from Timekeeping; the CPU-time
/// clocks from the scheduler's per-task runtime.
enum TimeSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.clock_gettime, syscall(clockGettime)),
        (.clock_getres, syscall(clockGetres)),
        (.clock_settime, syscall(clockSettime)),
        (.gettimeofday, syscall(gettimeofday)),
        (.settimeofday, syscall(settimeofday)),
        (.time, syscall(time)),
        (.nanosleep, syscall(nanosleep)),
        (.clock_nanosleep, syscall(clockNanosleep)),  // partial: no sleeping on CPU-time clocks (EOPNOTSUPP)
    ]

    /// What a clock ID names: a global clock, or a process's or thread's CPU time.
    enum Source {
        case global(ClockID)
        case process(ThreadGroup)
        case thread(Task)

        var nanoseconds: Int64 {
            switch self {
            case .global(let clock): Timekeeping.read(clock) ?? 0
            case .process(let group): Int64(clamping: group.runtime)
            case .thread(let task): Int64(clamping: Scheduler.runtime(of: task))
            }
        }
    }

    /// Linux's clockid_to_kclock and the CPU-clock lookup (posix-cpu-timers.c
    /// lookup_task): a negative ID encodes a pid, the caller's own threads
    /// only for thread clocks, a process's leader for process clocks.
    static func source(_ id: Int32) throws(Errno) -> Source {
        let caller = Scheduler.current
        if id >= 0 {
            switch ClockID(rawValue: id) {
            case .CLOCK_PROCESS_CPUTIME_ID: return .process(caller.group)
            case .CLOCK_THREAD_CPUTIME_ID: return .thread(caller)
            case let clock?: return .global(clock)
            case nil: throw .EINVAL
            }
        }
        guard CPUClockID.type(of: id) != CPUClockID.CLOCKFD else { throw .EINVAL }
        let pid = CPUClockID.pid(of: id)
        let task = pid == 0 ? caller : PidAllocation.task(pid)
        if CPUClockID.isPerThread(id) {
            guard let task, task.group === caller.group else { throw .EINVAL }
            return .thread(task)
        }
        guard let task, pid == 0 || task.isGroupLeader else { throw .EINVAL }
        return .process(task.group)
    }

    static func clockGettime(_ clock: Int32, _ time: UserPointer<Timespec>) throws(Errno) -> Int64 {
        try time.write(Timespec(nanoseconds: try source(clock).nanoseconds))
        return 0
    }

    /// The coarse clocks tick, and so do the CPU clocks Linux calls PROF and
    /// VIRT; everything else reads in nanoseconds.
    static func clockGetres(_ id: Int32, _ result: UserPointer<Timespec>) throws(Errno) -> Int64 {
        let resolution: Int64
        switch try source(id) {
        case .global(.CLOCK_REALTIME_COARSE), .global(.CLOCK_MONOTONIC_COARSE):
            resolution = Timekeeping.coarseResolution
        case .global: resolution = 1
        case .process, .thread:
            resolution =
                id < 0 && CPUClockID.type(of: id) != CPUClockID.CPUCLOCK_SCHED ? Timekeeping.coarseResolution : 1
        }
        if !result.isNull { try result.write(Timespec(nanoseconds: resolution)) }
        return 0
    }

    /// Only CLOCK_REALTIME can be set, by the privileged. A CPU clock
    /// never: EPERM by its pid-encoded ID (posix_cpu_clock_set), EINVAL as
    /// CLOCK_PROCESS_CPUTIME_ID or CLOCK_THREAD_CPUTIME_ID, which have no clock_set.
    static func clockSettime(_ clock: Int32, _ time: UserPointer<Timespec>) throws(Errno) -> Int64 {
        switch try source(clock) {
        case .global(.CLOCK_REALTIME):
            try setRealtime(try time.read().validNanoseconds)
            return 0
        case .process, .thread: throw clock < 0 ? .EPERM : .EINVAL
        case .global: throw .EINVAL
        }
    }

    /// Linux's do_sys_settimeofday64 for the time part: EINVAL for an invalid
    /// time, then EPERM without privilege (CAP_SYS_TIME).
    private static func setRealtime(_ nanoseconds: Int64?) throws(Errno) {
        guard let nanoseconds else { throw .EINVAL }
        guard Scheduler.current.credentials.isPrivileged else { throw .EPERM }
        Timekeeping.setRealtime(nanoseconds)
    }

    static func gettimeofday(_ time: UserPointer<Timeval>, _ zone: UserPointer<Timezone>) throws(Errno) -> Int64 {
        if !time.isNull { try time.write(Timeval(nanoseconds: Timekeeping.realtime)) }
        if !zone.isNull { try zone.write(Timekeeping.timezone) }
        return 0
    }

    /// settimeofday(tv, tz): either may be NULL; the zone is only recorded.
    static func settimeofday(
        _ timePointer: UserPointer<Timeval>,
        _ zonePointer: UserPointer<Timezone>
    ) throws(Errno) -> Int64 {
        let time = timePointer.isNull ? nil : try timePointer.read()
        if let time, !(0..<1_000_000).contains(time.tv_usec) { throw .EINVAL }
        let zone = zonePointer.isNull ? nil : try zonePointer.read()
        if let time, time.validNanoseconds == nil { throw .EINVAL }
        guard Scheduler.current.credentials.isPrivileged else { throw .EPERM }
        if let zone {
            guard (-15 * 60...15 * 60).contains(zone.tz_minuteswest) else { throw .EINVAL }
            Timekeeping.timezone = zone
        }
        if let time { try setRealtime(time.validNanoseconds) }
        return 0
    }

    static func time(_ result: UserPointer<Int64>) throws(Errno) -> Int64 {
        let seconds = Timekeeping.realtime / TimeUnits.nanosecondsPerSecond
        if !result.isNull { try result.write(seconds) }
        return seconds
    }

    /// nanosleep(req, rem): on CLOCK_MONOTONIC.
    static func nanosleep(_ request: UserPointer<Timespec>, _ remaining: UserPointer<Timespec>) throws(Errno) -> Int64 {
        try sleep(on: .CLOCK_MONOTONIC, absolute: false, request: request, remaining: remaining)
        return 0
    }

    /// clock_nanosleep(clock, flags, req, rem): relative, or until an
    /// absolute time with TIMER_ABSTIME. The alarm clocks need privilege
    /// (CAP_WAKE_ALARM); the raw and coarse clocks cannot be slept on.
    static func clockNanosleep(
        _ id: Int32, _ flags: Int32, _ request: UserPointer<Timespec>,
        _ remaining: UserPointer<Timespec>
    ) throws(Errno) -> Int64 {
        let clock: ClockID
        switch try source(id) {
        case .global(let global): clock = global
        case .thread: throw .EINVAL
        case .process: throw .EOPNOTSUPP
        }
        switch clock {
        case .CLOCK_REALTIME, .CLOCK_MONOTONIC, .CLOCK_BOOTTIME, .CLOCK_TAI: break
        case .CLOCK_REALTIME_ALARM, .CLOCK_BOOTTIME_ALARM:
            guard Scheduler.current.credentials.isPrivileged else { throw .EPERM }
        default: throw .EOPNOTSUPP
        }
        let absolute = flags & TimerFlags.TIMER_ABSTIME != 0
        try sleep(on: clock, absolute: absolute, request: request, remaining: remaining)
        return 0
    }

    /// The sleep of nanosleep and clock_nanosleep (Linux: hrtimer_nanosleep):
    /// until the deadline, or until a signal comes first.
    private static func sleep(
        on clock: ClockID, absolute: Bool, request: UserPointer<Timespec>,
        remaining: UserPointer<Timespec>
    ) throws(Errno) {
        guard let length = try request.read().validNanoseconds else { throw .EINVAL }
        let now = Timekeeping.monotonic
        let deadline: Int64
        if !absolute {
            deadline = TimeUnits.saturatingSum(now, length)
        } else if clock == .CLOCK_REALTIME || clock == .CLOCK_TAI || clock == .CLOCK_REALTIME_ALARM {
            deadline = Timekeeping.monotonic(fromRealtime: length)
        } else {
            deadline = length
        }
        guard deadline > now else { return }
        try sleep(until: deadline, absolute: absolute, remaining: remaining)
    }

    /// Sleeps to `deadline`, monotonic ns (Linux: do_nanosleep). A signal
    /// ends an absolute sleep with ERESTARTNOHAND, to be called again as it
    /// was; a relative one stores the time left and resumes through
    /// restart_syscall with the same deadline (Linux: nanosleep_restart),
    /// both EINTR if a handler runs.
    private static func sleep(until deadline: Int64, absolute: Bool, remaining: UserPointer<Timespec>)
        throws(Errno)
    {
        guard HRTimers.sleepInterruptible(until: UInt64(deadline), wakeWhen: { false }) == .interrupted else { return }
        if absolute { throw .ERESTARTNOHAND }
        if !remaining.isNull {
            try remaining.write(Timespec(nanoseconds: max(deadline - Timekeeping.monotonic, 0)))
        }
        Scheduler.current.restartBlock = { () throws(Errno) -> Int64 in
            try sleep(until: deadline, absolute: false, remaining: remaining)
            return 0
        }
        throw .ERESTART_RESTARTBLOCK
    }
}
