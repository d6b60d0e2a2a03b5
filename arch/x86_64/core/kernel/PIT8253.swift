/// The 8253/8254 Programmable Interval Timer, used only as a reference clock
/// to measure the TSC and the local APIC timer (Linux: pit_calibrate_tsc in
/// arch/x86/kernel/tsc.c). Channel 2 counts down with its gate opened through
/// port 0x61, and bit 5 of that port reports when it reaches zero.
public enum PIT8253 {
    public static let frequency: UInt64 = 1_193_182
    private static let channel2 = IOPort(0x42)
    private static let mode = IOPort(0x43)
    private static let gate = IOPort(0x61)

    /// Busy-waits `milliseconds` (at most 54, the 16-bit counter's range),
    /// calling `start` just before the count begins and returning `finish`'s
    /// result just after it ends, so the caller brackets exactly that interval.
    public static func measure<T>(milliseconds: UInt64, start: () -> Void, finish: () -> T) -> T {
        let latch = frequency * milliseconds / 1000
        precondition(latch <= 0xFFFF, "PIT interval too long")
        gate.write8((gate.read8() & ~0x02) | 0x01)  // gate on, speaker off
        mode.write8(0xB0)  // channel 2, lobyte/hibyte, mode 0, binary
        channel2.write8(UInt8(latch & 0xFF))
        start()
        channel2.write8(UInt8(latch >> 8))  // the count starts on this write
        while gate.read8() & 0x20 == 0 {}
        return finish()
    }
}
