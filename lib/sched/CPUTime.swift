/// User and system CPU time, ns (Linux: the utime/stime pair of
/// task_struct, signal_struct and struct task_cputime).
public struct CPUTime: Sendable, Equatable {
    public var user: UInt64
    public var system: UInt64

    public init(user: UInt64 = 0, system: UInt64 = 0) {
        self.user = user
        self.system = system
    }

    public var total: UInt64 { user &+ system }

    public static func + (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
        CPUTime(user: lhs.user &+ rhs.user, system: lhs.system &+ rhs.system)
    }

    public static func += (lhs: inout CPUTime, rhs: CPUTime) { lhs = lhs + rhs }
}

/// The user/system split reported for an exact runtime (Linux: struct
/// prev_cputime and cputime_adjust in kernel/sched/cputime.c). The tick
/// charges whole ticks to whichever mode it interrupted, which is a fair
/// sample of the proportion but not of the total; the scheduler's runtime,
/// read from the TSC at every switch, is exact. So the runtime is reported,
/// split in the ticks' proportion, and neither half ever goes backwards
/// between two reads even when the proportion shifts.
public struct CPUTimeSplit: Sendable {
    private var previous = CPUTime()

    public init() {}

    public mutating func adjust(runtime: UInt64, ticks: CPUTime) -> CPUTime {
        // Already reported more than this (the ticks ran ahead of the runtime): keep it.
        guard previous.total < runtime else { return previous }
        var system: UInt64
        if ticks.system == 0 {
            system = 0
        } else if ticks.user == 0 {
            system = runtime
        } else {
            system = CPUTimeSplit.scale(runtime, by: ticks.system, over: ticks.total)
        }
        system = max(system, previous.system)
        var user = runtime - min(system, runtime)
        if user < previous.user {
            user = previous.user
            system = runtime - user
        }
        previous = CPUTime(user: user, system: system)
        return previous
    }

    /// value * part / whole without a 128-bit division (the kernel has no
    /// __udivti3), exact once the fraction is reduced to 32-bit terms
    /// (Linux: scale_stime drops precision the same way). part <= whole.
    static func scale(_ value: UInt64, by part: UInt64, over whole: UInt64) -> UInt64 {
        var (part, whole) = (part, whole)
        while whole > UInt64(UInt32.max) {
            part >>= 1
            whole >>= 1
        }
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: whole)
        return quotient * part + remainder * part / whole
    }
}
