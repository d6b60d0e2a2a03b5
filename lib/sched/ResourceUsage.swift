import ABI

/// What getrusage(2), wait4(2) and times(2) report, in the kernel's units
/// (Linux: the rusage counters of task_struct and signal_struct, summed by
/// kernel/sys.c getrusage). Per thread, per process (live and exited
/// threads) and per process's waited-for children.
public struct ResourceUsage: Sendable, Equatable {
    public var time = CPUTime()
    /// Page faults served without I/O (min_flt).
    public var minorFaults: UInt64 = 0
    /// Page faults that waited for I/O (maj_flt): none while every file
    /// lives in memory.
    public var majorFaults: UInt64 = 0
    /// Switches because the task blocked (nvcsw), or was preempted (nivcsw).
    public var voluntarySwitches: UInt64 = 0
    public var involuntarySwitches: UInt64 = 0
    /// The largest resident set seen, KiB (maxrss): a maximum, not a sum.
    public var maxResidentKilobytes: UInt64 = 0

    public init() {}

    /// Adds another thread's or child's usage: counters add, the resident
    /// set high-water mark is the larger one.
    public mutating func accumulate(_ other: ResourceUsage) {
        time += other.time
        minorFaults &+= other.minorFaults
        majorFaults &+= other.majorFaults
        voluntarySwitches &+= other.voluntarySwitches
        involuntarySwitches &+= other.involuntarySwitches
        maxResidentKilobytes = max(maxResidentKilobytes, other.maxResidentKilobytes)
    }

    /// As struct rusage; Linux leaves the fields it does not track 0.
    public var rusage: Rusage {
        var usage = Rusage()
        usage.ru_utime = Timeval(nanoseconds: Int64(clamping: time.user))
        usage.ru_stime = Timeval(nanoseconds: Int64(clamping: time.system))
        usage.ru_maxrss = Int64(clamping: maxResidentKilobytes)
        usage.ru_minflt = Int64(clamping: minorFaults)
        usage.ru_majflt = Int64(clamping: majorFaults)
        usage.ru_nvcsw = Int64(clamping: voluntarySwitches)
        usage.ru_nivcsw = Int64(clamping: involuntarySwitches)
        return usage
    }
}
