import Core
import Lib

/// The PC's battery-backed real-time clock, a Motorola MC146818 in the
/// CMOS, reached through index port 0x70 and data port 0x71 (Linux:
/// drivers/rtc/rtc-cmos.c, drivers/rtc/rtc-mc146818-lib.c). Read once at
/// boot to set the system clock; lib/time/CalendarTime.swift decodes it.
enum RTCCMOS {
    private static let index = IOPort(0x70)
    private static let data = IOPort(0x71)

    private static let statusA: UInt8 = 0x0A
    private static let statusB: UInt8 = 0x0B
    /// Status register A: an update of the time registers is under way (RTC_UIP).
    private static let updateInProgress: UInt8 = 0x80

    private static func register(_ number: UInt8) -> UInt8 {
        index.write8(number)
        return data.read8()
    }

    private static func snapshot() -> CMOSTimeRegisters {
        CMOSTimeRegisters(
            seconds: register(0x00), minutes: register(0x02), hours: register(0x04),
            dayOfMonth: register(0x07), month: register(0x08), year: register(0x09),
            statusB: register(statusB))
    }

    /// The time the clock holds, nil if it holds none that makes sense. The
    /// registers are read outside an update cycle, and until two reads in a
    /// row agree, so a second boundary between two registers cannot tear
    /// the value (Linux: mc146818_avoid_UIP).
    static func read() -> CalendarTime? {
        for _ in 0..<10 {
            var spins = 0
            while register(statusA) & updateInProgress != 0 && spins < 1_000_000 { spins += 1 }
            let first = snapshot()
            if snapshot() == first { return first.calendarTime }
        }
        return nil
    }
}
