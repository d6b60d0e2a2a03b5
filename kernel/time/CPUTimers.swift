import ABI
import Core
import Lib

/// The timers that expire on CPU time, checked at every tick once the
/// tick has charged the running task (Linux: run_posix_cpu_timers →
/// check_process_timers in kernel/time/posix-cpu-timers.c): ITIMER_VIRTUAL
/// on the process's user samples, ITIMER_PROF on its user + system
/// samples, RLIMIT_CPU on the same PROF samples, and timer_create's timers
/// on the exact CPU time of the process or of one of its threads.
enum CPUTimers {
    /// From the tick, interrupts off.
    static func tick(_ group: ThreadGroup) {
        guard !group.isExiting else { return }
        let samples = group.tickTime
        let timers = group.timers
        if timers.virtual.expire(at: samples.user) > 0 { Signals.send(.SIGVTALRM, toProcess: group, from: nil) }
        if timers.prof.expire(at: samples.total) > 0 { Signals.send(.SIGPROF, toProcess: group, from: nil) }
        for timer in timers.cpuClockTimers where timer.setting.isArmed { timer.expire() }
        checkCPULimit(group, used: samples.total)
    }

    /// RLIMIT_CPU, in seconds of CPU time: SIGKILL at the hard limit; at the
    /// soft limit SIGXCPU, and the soft limit moves one second on, so a
    /// process that catches or ignores it gets another every second until
    /// the hard limit (Linux: check_process_timers' RLIMIT_CPU part).
    private static func checkCPULimit(_ group: ThreadGroup, used: UInt64) {
        let limit = group.limits[.RLIMIT_CPU]
        guard limit.rlim_cur != Rlimit.RLIM_INFINITY else { return }
        let second = UInt64(TimeUnits.nanosecondsPerSecond)
        if limit.rlim_max != Rlimit.RLIM_INFINITY, used / second >= limit.rlim_max {
            Signals.send(.SIGKILL, toProcess: group, from: nil)
            return
        }
        guard used / second >= limit.rlim_cur else { return }
        Signals.send(.SIGXCPU, toProcess: group, from: nil)
        if limit.rlim_cur < limit.rlim_max { group.limits.raiseSoftCPULimit() }
    }
}
