import Core

/// The tick counter (Linux: kernel/time/jiffies.c, include/linux/jiffies.h).
/// The local APIC timer interrupts HZ times a second and each interrupt adds
/// one. 250 is the HZ Debian builds Linux with. The count lives in the
/// image as the C variable `jiffies_64` (alias `jiffies`), which modules
/// read in place.
public enum Jiffies {
    public static let hz: UInt64 = 250

    /// jiffies_64; on x86-64 `jiffies` is the same 64-bit value.
    public static var value: UInt64 { JiffiesCounter.value }

    static func tick() { JiffiesCounter.increment() }

    public static func toMilliseconds(_ jiffies: UInt64) -> UInt64 {
        jiffies.multipliedReportingOverflow(by: 1000).partialValue / hz
    }
    public static func fromMilliseconds(_ milliseconds: UInt64) -> UInt64 {
        let (product, overflow) = milliseconds.multipliedReportingOverflow(by: hz)
        return overflow ? UInt64.max / 2 : (product + 999) / 1000
    }
    public static func fromMicroseconds(_ microseconds: UInt64) -> UInt64 {
        let (product, overflow) = microseconds.multipliedReportingOverflow(by: hz)
        return overflow ? UInt64.max / 2 : (product + 999_999) / 1_000_000
    }
}

// The conversions <linux/jiffies.h> calls (Linux exports them from kernel/time/time.c).

@c(jiffies_to_msecs)
func jiffiesToMsecs(_ jiffies: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: Jiffies.toMilliseconds(jiffies)) }

@c(__msecs_to_jiffies)
func msecsToJiffies(_ milliseconds: UInt32) -> UInt64 { Jiffies.fromMilliseconds(UInt64(milliseconds)) }

@c(__usecs_to_jiffies)
func usecsToJiffies(_ microseconds: UInt32) -> UInt64 { Jiffies.fromMicroseconds(UInt64(microseconds)) }
