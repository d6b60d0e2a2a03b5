import Core

/// The CPU's time by kind since boot, as the tick samples it (Linux:
/// kernel_cpustat's CPUTIME_USER, CPUTIME_SYSTEM and CPUTIME_IDLE, kept by
/// account_process_tick and account_idle_ticks): /proc/stat's cpu line,
/// whose differences top shows as percentages.
public enum KernelCPUStat {
    private static let times = IRQSafeLocked((user: UInt64(0), system: UInt64(0), idle: UInt64(0)))

    /// From the tick: a whole tick to the mode it interrupted, or to idle.
    static func tick(_ task: Task, userMode: Bool) {
        let period = HRTimers.tickPeriod
        times.withLock { times in
            if task.flags.contains(.idle) {
                times.idle += period
            } else if userMode {
                times.user += period
            } else {
                times.system += period
            }
        }
    }

    /// Nanoseconds of user, system and idle time so far.
    public static var current: (user: UInt64, system: UInt64, idle: UInt64) { times.withLock { $0 } }
}
