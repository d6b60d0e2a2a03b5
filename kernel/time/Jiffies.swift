import Synchronization

/// The tick counter (Linux: kernel/time/jiffies.c, include/linux/jiffies.h).
/// The local APIC timer interrupts HZ times a second and each interrupt adds
/// one. 250 is the HZ Debian builds Linux with.
public enum Jiffies {
    public static let hz: UInt64 = 250
    private static let counter = Atomic<UInt64>(0)

    /// jiffies_64; on x86-64 `jiffies` is the same 64-bit value.
    public static var value: UInt64 { counter.load(ordering: .relaxed) }

    static func tick() { counter.wrappingAdd(1, ordering: .relaxed) }

    public static func toMilliseconds(_ jiffies: UInt64) -> UInt64 { jiffies * 1000 / hz }
    public static func fromMilliseconds(_ milliseconds: UInt64) -> UInt64 { (milliseconds * hz + 999) / 1000 }
}
