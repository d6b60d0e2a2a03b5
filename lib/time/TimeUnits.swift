import ABI

/// Conversions between the kernel's nanosecond counts and the units of
/// the time ABI: timespec, timeval and clock ticks (Linux:
/// include/linux/time64.h, kernel/time/time.c).
public enum TimeUnits {
    public static let nanosecondsPerSecond: Int64 = 1_000_000_000
    public static let nanosecondsPerMicrosecond: Int64 = 1000

    /// Nanoseconds as clock_t ticks of USER_HZ (Linux: nsec_to_clock_t).
    public static func clockTicks(nanoseconds: UInt64) -> Int64 {
        Int64(nanoseconds / (UInt64(nanosecondsPerSecond) / Tms.USER_HZ))
    }

    /// Splits `nanoseconds` into whole seconds and the rest, the rest never
    /// negative (so -1 ns is -1 s + 999 999 999 ns, as Linux's ns_to_timespec64).
    static func split(_ nanoseconds: Int64, unit: Int64) -> (seconds: Int64, fraction: Int64) {
        var seconds = nanoseconds / nanosecondsPerSecond
        var remainder = nanoseconds % nanosecondsPerSecond
        if remainder < 0 {
            remainder += nanosecondsPerSecond
            seconds -= 1
        }
        return (seconds, remainder / unit)
    }

    /// a + b, saturating at the ends of Int64 (Linux: ktime_add_safe).
    public static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// seconds * 10^9 + fraction, saturating at Int64.max (Linux: KTIME_MAX).
    static func combine(seconds: Int64, nanoseconds: Int64) -> Int64 {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: nanosecondsPerSecond)
        let (sum, sumOverflow) = product.addingReportingOverflow(nanoseconds)
        return overflow || sumOverflow ? .max : sum
    }
}

extension Timespec {
    public init(nanoseconds: Int64) {
        let (seconds, fraction) = TimeUnits.split(nanoseconds, unit: 1)
        self.init(tv_sec: seconds, tv_nsec: fraction)
    }

    /// The time in nanoseconds if it is a valid non-negative timespec
    /// (Linux: timespec64_valid — seconds not negative, nanoseconds within
    /// 0..<10^9), saturating beyond about 292 years; nil otherwise (EINVAL).
    public var validNanoseconds: Int64? {
        guard tv_sec >= 0, (0..<TimeUnits.nanosecondsPerSecond).contains(tv_nsec) else { return nil }
        return TimeUnits.combine(seconds: tv_sec, nanoseconds: tv_nsec)
    }
}

extension Timeval {
    public init(nanoseconds: Int64) {
        let (seconds, fraction) = TimeUnits.split(nanoseconds, unit: TimeUnits.nanosecondsPerMicrosecond)
        self.init(tv_sec: seconds, tv_usec: fraction)
    }

    /// As `Timespec.validNanoseconds`, with microseconds 0..<10^6.
    public var validNanoseconds: Int64? {
        guard tv_sec >= 0, (0..<1_000_000).contains(tv_usec) else { return nil }
        return TimeUnits.combine(seconds: tv_sec, nanoseconds: tv_usec * TimeUnits.nanosecondsPerMicrosecond)
    }
}
