import Core

/// Nanoseconds since boot from the time-stamp counter (Linux: the TSC
/// clocksource and its mult/shift conversion, kernel/time/clocksource.c).
/// ns = ticks * mult >> 32, with mult = 10^9 * 2^32 / frequency, so the
/// per-read cost is one multiply and no division. Reads 0 until calibrated.
public enum Clock {
    nonisolated(unsafe) private static var tscAtBoot: UInt64 = 0
    nonisolated(unsafe) private static var mult: UInt64 = 0
    nonisolated(unsafe) public private(set) static var tscFrequency: UInt64 = 0

    /// Called once, at boot, after measuring the TSC against the PIT.
    public static func start(tscFrequency frequency: UInt64, tscAtBoot start: UInt64) {
        tscFrequency = frequency
        tscAtBoot = start
        mult = (1_000_000_000 << 32) / frequency
    }

    public static func nanosecondsSinceBoot() -> UInt64 {
        guard mult != 0 else { return 0 }
        let ticks = CPU.timestampCounter() &- tscAtBoot
        let product = ticks.multipliedFullWidth(by: mult)
        return product.high << 32 | product.low >> 32
    }
}
