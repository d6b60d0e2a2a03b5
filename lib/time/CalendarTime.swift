/// A UTC date and time of day, as a real-time clock chip keeps it, and its
/// conversion to and from seconds since the Unix epoch (Linux: mktime64 and
/// time64_to_tm in kernel/time/). Proleptic Gregorian calendar, no leap seconds.
public struct CalendarTime: Equatable, Sendable {
    public var year: Int
    /// 1...12
    public var month: Int
    /// 1...31
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    private static let secondsPerDay: Int64 = 86_400
    /// Days in a 400-year cycle of the Gregorian calendar.
    private static let daysPerEra: Int64 = 146_097
    /// Days from 0000-03-01 to 1970-01-01 in the shifted calendar below.
    private static let epochOffset: Int64 = 719_468

    /// Whether the fields name a real date and time of day.
    public var isValid: Bool {
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else {
            return false
        }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...lengths[month - 1]).contains(day)
    }

    /// Seconds since 1970-01-01 00:00:00 UTC. Counts years from March, so
    /// that February's leap day falls at the end of a year and every other
    /// month has a fixed place.
    public var secondsSinceEpoch: Int64 {
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * Self.daysPerEra + dayOfEra - Self.epochOffset
        return days * Self.secondsPerDay + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The date and time `seconds` after the epoch (the inverse of `secondsSinceEpoch`).
    public init(secondsSinceEpoch seconds: Int64) {
        var days = seconds / Self.secondsPerDay
        var secondOfDay = seconds % Self.secondsPerDay
        if secondOfDay < 0 {
            secondOfDay += Self.secondsPerDay
            days -= 1
        }
        let shiftedDays = days + Self.epochOffset
        let era = (shiftedDays >= 0 ? shiftedDays : shiftedDays - Self.daysPerEra + 1) / Self.daysPerEra
        let dayOfEra = shiftedDays - era * Self.daysPerEra
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(
            year: Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), month: Int(month),
            day: Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1),
            hour: Int(secondOfDay / 3600), minute: Int(secondOfDay / 60 % 60), second: Int(secondOfDay % 60))
    }

    /// ISO 8601, as Linux logs the time it sets: 2024-05-17T09:30:00.
    public var iso8601: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
    }
}

/// The time registers of the MC146818 real-time clock in the PC's CMOS
/// (Linux: drivers/rtc/rtc-mc146818-lib.c mc146818_get_time), as read, and
/// their meaning: BCD or binary per status register B, a 12-hour mode
/// whose bit 7 marks PM, and a two-digit year.
public struct CMOSTimeRegisters: Equatable, Sendable {
    public var seconds: UInt8
    public var minutes: UInt8
    public var hours: UInt8
    public var dayOfMonth: UInt8
    public var month: UInt8
    public var year: UInt8
    public var statusB: UInt8

    /// Status register B: values are binary, not BCD (RTC_DM_BINARY).
    public static let binaryMode: UInt8 = 0x04
    /// Status register B: 24-hour clock (RTC_24H).
    public static let twentyFourHour: UInt8 = 0x02
    /// The PM bit of the hours register in 12-hour mode.
    public static let pm: UInt8 = 0x80

    public init(
        seconds: UInt8, minutes: UInt8, hours: UInt8, dayOfMonth: UInt8, month: UInt8, year: UInt8, statusB: UInt8
    ) {
        self.seconds = seconds
        self.minutes = minutes
        self.hours = hours
        self.dayOfMonth = dayOfMonth
        self.month = month
        self.year = year
        self.statusB = statusB
    }

    /// 0x59 → 59.
    public static func fromBCD(_ value: UInt8) -> Int { Int(value >> 4) * 10 + Int(value & 0x0F) }

    /// The time the registers hold, nil if they do not make a valid date.
    /// Years 70...99 are 19xx, 00...69 are 20xx (Linux's rule when no
    /// century register is known).
    public var calendarTime: CalendarTime? {
        let binary = statusB & Self.binaryMode != 0
        func value(_ raw: UInt8) -> Int { binary ? Int(raw) : Self.fromBCD(raw) }
        var hour = value(hours & ~Self.pm)
        if statusB & Self.twentyFourHour == 0 {
            hour %= 12
            if hours & Self.pm != 0 { hour += 12 }
        }
        let twoDigitYear = value(year)
        let time = CalendarTime(
            year: twoDigitYear + (twoDigitYear < 70 ? 2000 : 1900), month: value(month),
            day: value(dayOfMonth), hour: hour, minute: value(minutes), second: value(seconds))
        return time.isValid ? time : nil
    }
}
