import ABI
import Testing

@testable import Lib

@Suite struct CalendarTimeTests {
    @Test func knownInstants() {
        #expect(CalendarTime(year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0).secondsSinceEpoch == 0)
        #expect(
            CalendarTime(year: 2000, month: 2, day: 29, hour: 12, minute: 34, second: 56).secondsSinceEpoch
                == 951_827_696)
        #expect(
            CalendarTime(year: 2038, month: 1, day: 19, hour: 3, minute: 14, second: 8).secondsSinceEpoch == 1 << 31)
        #expect(CalendarTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59).secondsSinceEpoch == -1)
        #expect(
            CalendarTime(secondsSinceEpoch: 1_700_000_000)
                == CalendarTime(year: 2023, month: 11, day: 14, hour: 22, minute: 13, second: 20))
        #expect(CalendarTime(secondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59")
    }

    @Test func roundTripsOverCenturies() {
        var random = TestRandom(seed: 0xC10C)
        for _ in 0..<2000 {
            let seconds = Int64(random.next() % (200 * 365 * 86_400)) - 30 * 365 * 86_400
            let time = CalendarTime(secondsSinceEpoch: seconds)
            #expect(time.isValid)
            #expect(time.secondsSinceEpoch == seconds)
        }
    }

    @Test func validity() {
        #expect(!CalendarTime(year: 2023, month: 2, day: 29, hour: 0, minute: 0, second: 0).isValid)
        #expect(CalendarTime(year: 2024, month: 2, day: 29, hour: 0, minute: 0, second: 0).isValid)
        #expect(!CalendarTime(year: 1900, month: 2, day: 29, hour: 0, minute: 0, second: 0).isValid)
        #expect(!CalendarTime(year: 2024, month: 13, day: 1, hour: 0, minute: 0, second: 0).isValid)
        #expect(!CalendarTime(year: 2024, month: 4, day: 31, hour: 0, minute: 0, second: 0).isValid)
        #expect(!CalendarTime(year: 2024, month: 4, day: 30, hour: 24, minute: 0, second: 0).isValid)
    }

    @Test func cmosRegistersInBCDAndBinary() {
        let bcd = CMOSTimeRegisters(
            seconds: 0x56, minutes: 0x34, hours: 0x12, dayOfMonth: 0x17, month: 0x05, year: 0x24,
            statusB: CMOSTimeRegisters.twentyFourHour)
        #expect(bcd.calendarTime == CalendarTime(year: 2024, month: 5, day: 17, hour: 12, minute: 34, second: 56))
        let binary = CMOSTimeRegisters(
            seconds: 56, minutes: 34, hours: 23, dayOfMonth: 31, month: 12, year: 99,
            statusB: CMOSTimeRegisters.twentyFourHour | CMOSTimeRegisters.binaryMode)
        #expect(binary.calendarTime == CalendarTime(year: 1999, month: 12, day: 31, hour: 23, minute: 34, second: 56))
        #expect(CMOSTimeRegisters.fromBCD(0x59) == 59)
    }

    @Test func cmosTwelveHourMode() {
        func hour(_ raw: UInt8) -> Int? {
            CMOSTimeRegisters(seconds: 0, minutes: 0, hours: raw, dayOfMonth: 1, month: 1, year: 0x25, statusB: 0)
                .calendarTime?.hour
        }
        #expect(hour(0x12) == 0)  // 12 AM
        #expect(hour(0x01) == 1)
        #expect(hour(0x81) == 13)  // 1 PM
        #expect(hour(0x92) == 12)  // 12 PM
        let invalid = CMOSTimeRegisters(
            seconds: 0, minutes: 0, hours: 0, dayOfMonth: 1, month: 0x13, year: 0x25,
            statusB: CMOSTimeRegisters.twentyFourHour)
        #expect(invalid.calendarTime == nil)
    }

    @Test func timespecTimevalAndTicks() {
        #expect(sameBytes(Timespec(nanoseconds: -1), Timespec(tv_sec: -1, tv_nsec: 999_999_999)))
        #expect(sameBytes(Timespec(nanoseconds: 1_500_000_000), Timespec(tv_sec: 1, tv_nsec: 500_000_000)))
        #expect(sameBytes(Timeval(nanoseconds: 2_000_001_999), Timeval(tv_sec: 2, tv_usec: 1)))
        #expect(Timespec(tv_sec: 1, tv_nsec: 5).validNanoseconds == 1_000_000_005)
        #expect(Timespec(tv_sec: 1, tv_nsec: 1_000_000_000).validNanoseconds == nil)
        #expect(Timespec(tv_sec: 1, tv_nsec: -1).validNanoseconds == nil)
        #expect(Timespec(tv_sec: -1, tv_nsec: 0).validNanoseconds == nil)
        #expect(Timespec(tv_sec: .max, tv_nsec: 0).validNanoseconds == .max)
        #expect(Timeval(tv_sec: 0, tv_usec: 1_000_000).validNanoseconds == nil)
        #expect(Timeval(tv_sec: 3, tv_usec: 7).validNanoseconds == 3_000_007_000)
        #expect(TimeUnits.clockTicks(nanoseconds: 1_000_000_000) == Int64(Tms.USER_HZ))
        #expect(TimeUnits.clockTicks(nanoseconds: 25_000_000) == 2)
        #expect(TimeUnits.saturatingSum(.max - 1, 5) == .max && TimeUnits.saturatingSum(.min + 1, -5) == .min)
        #expect(TimeUnits.saturatingSum(40, 2) == 42)
    }
}
