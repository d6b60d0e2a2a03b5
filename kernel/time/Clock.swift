import Core

/// Nanoseconds since boot from the time-stamp counter (Linux: the TSC
/// clocksource and its mult/shift conversion, kernel/time/clocksource.c).
/// ns = ticks * mult >> 32, with mult = 10^9 * 2^32 / frequency, so the
/// per-read cost is one multiply and no division. Reads 0 until calibrated.
/// The vDSO computes the same in user mode (arch/x86_64/entry/vdso).
public enum Clock {
    private static let calibration = BootOnce<(frequency: UInt64, tscAtBoot: UInt64, mult: UInt64)>()

    public static var tscFrequency: UInt64 { calibration.valueIfSet?.frequency ?? 0 }
    /// The shift of ns = ticks * mult >> shift.
    static let shift: UInt64 = 32
    /// The TSC at boot and mult, for the vDSO's data page; nil until calibrated.
    static var conversion: (tscAtBoot: UInt64, mult: UInt64)? { calibration.valueIfSet.map { ($0.tscAtBoot, $0.mult) } }

    /// Called once, at boot, after measuring the TSC against the PIT.
    public static func start(tscFrequency frequency: UInt64, tscAtBoot start: UInt64) {
        calibration.set((frequency, start, (1_000_000_000 << shift) / frequency))
    }

    public static func nanosecondsSinceBoot() -> UInt64 {
        guard let clock = calibration.valueIfSet else { return 0 }
        let ticks = CPU.timestampCounter() &- clock.tscAtBoot
        let product = ticks.multipliedFullWidth(by: clock.mult)
        return product.high << shift | product.low >> shift
    }
}
