// Time, clocks, machine identity and resource limits: the structures behind
// clock_gettime, nanosleep, uname, sysinfo, getrlimit and getrandom.

/// A time in seconds and nanoseconds: clock_gettime, nanosleep, utimensat,
/// and the three times of `struct stat`.
/// Linux: struct __kernel_timespec in include/uapi/linux/time_types.h;
/// on x86-64 both fields are 64-bit. 16 bytes.
public struct Timespec: ByteLayoutDecodable, Equatable, Sendable {
    public static let size = 16

    public var tv_sec: Int64
    /// 0...999_999_999 in a valid time; most calls reject others with EINVAL
    /// (utimensat also accepts its UTIME_NOW and UTIME_OMIT markers here).
    public var tv_nsec: Int64

    public init(tv_sec: Int64 = 0, tv_nsec: Int64 = 0) {
        self.tv_sec = tv_sec
        self.tv_nsec = tv_nsec
    }

    public init(from buffer: [UInt8], at offset: Int) {
        tv_sec = buffer.loadLittleEndian(Int64.self, at: offset)
        tv_nsec = buffer.loadLittleEndian(Int64.self, at: offset + 8)
    }

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeLittleEndian(tv_sec, at: offset)
        buffer.storeLittleEndian(tv_nsec, at: offset + 8)
    }
}

/// A time in seconds and microseconds: gettimeofday, select, setitimer and
/// the CPU times of `struct rusage`.
/// Linux: struct __kernel_old_timeval in include/uapi/linux/time_types.h.
/// 16 bytes.
public struct Timeval: ByteLayoutDecodable, Equatable, Sendable {
    public static let size = 16

    public var tv_sec: Int64
    public var tv_usec: Int64

    public init(tv_sec: Int64 = 0, tv_usec: Int64 = 0) {
        self.tv_sec = tv_sec
        self.tv_usec = tv_usec
    }

    public init(from buffer: [UInt8], at offset: Int) {
        tv_sec = buffer.loadLittleEndian(Int64.self, at: offset)
        tv_usec = buffer.loadLittleEndian(Int64.self, at: offset + 8)
    }

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeLittleEndian(tv_sec, at: offset)
        buffer.storeLittleEndian(tv_usec, at: offset + 8)
    }
}

/// The clocks clock_gettime(2) and friends can read.
/// Linux: include/uapi/linux/time.h. (Negative ids name per-process and
/// per-thread CPU clocks and file-descriptor clocks; they are computed,
/// not listed.)
public enum ClockID: Int32, Sendable {
    /// Wall-clock time; settable, so it can jump.
    case CLOCK_REALTIME = 0
    /// Time since boot, never set back; stops while the machine is suspended.
    case CLOCK_MONOTONIC = 1
    case CLOCK_PROCESS_CPUTIME_ID = 2
    case CLOCK_THREAD_CPUTIME_ID = 3
    /// CLOCK_MONOTONIC without NTP's rate adjustments.
    case CLOCK_MONOTONIC_RAW = 4
    /// The "coarse" clocks return the last tick's value: cheaper, less precise.
    case CLOCK_REALTIME_COARSE = 5
    case CLOCK_MONOTONIC_COARSE = 6
    /// CLOCK_MONOTONIC plus time spent suspended.
    case CLOCK_BOOTTIME = 7
    case CLOCK_REALTIME_ALARM = 8
    case CLOCK_BOOTTIME_ALARM = 9
    // 10 is CLOCK_SGI_CYCLE, a hardware clock Linux no longer implements.
    /// International Atomic Time: CLOCK_REALTIME without leap seconds.
    case CLOCK_TAI = 11
}

/// Flags of clock_nanosleep and timer_settime.
/// Linux: include/uapi/linux/time.h.
public enum TimerFlags {
    /// The time given is an absolute deadline on the clock, not an interval.
    public static let TIMER_ABSTIME: Int32 = 0x01
}

/// The tick user space counts in: times(2), clock_t values in /proc, and
/// AT_CLKTCK. Linux: USER_HZ in include/uapi/asm-generic/param.h, fixed at
/// 100 whatever the kernel's own HZ.
public enum UserClock {
    public static let USER_HZ = 100
}

/// Flags of getrandom(2). Linux: include/uapi/linux/random.h.
public struct GetrandomFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fail with EAGAIN instead of blocking until the pool is initialized.
    public static let GRND_NONBLOCK = GetrandomFlags(rawValue: 0x0001)
    /// Historic: draw from the separate blocking pool, which Linux has since removed.
    public static let GRND_RANDOM = GetrandomFlags(rawValue: 0x0002)
    /// Never block, even before the pool is initialized.
    public static let GRND_INSECURE = GetrandomFlags(rawValue: 0x0004)
}

/// What uname(2) reports: six NUL-terminated strings in fixed 65-byte fields.
/// Linux: struct new_utsname in include/uapi/linux/utsname.h. 390 bytes.
public struct Utsname: ByteLayout, Sendable {
    /// __NEW_UTS_LEN + 1: 64 characters and the terminating NUL.
    public static let fieldSize = 65
    public static let size = 6 * fieldSize

    public var sysname: String
    public var nodename: String
    public var release: String
    public var version: String
    public var machine: String
    public var domainname: String

    public init(sysname: String, nodename: String, release: String,
                version: String, machine: String, domainname: String) {
        self.sysname = sysname
        self.nodename = nodename
        self.release = release
        self.version = version
        self.machine = machine
        self.domainname = domainname
    }

    /// Each field is cut to 64 bytes, as sethostname and friends would refuse
    /// anything longer.
    public func write(into buffer: inout [UInt8], at offset: Int) {
        let fields = [sysname, nodename, release, version, machine, domainname]
        for (index, field) in fields.enumerated() {
            buffer.storeCString(field, at: offset + index * Self.fieldSize, capacity: Self.fieldSize)
        }
    }
}

/// What sysinfo(2) reports: uptime, load and memory totals.
/// Linux: include/uapi/linux/sysinfo.h. 112 bytes on x86-64; its trailing
/// `_f` padding, sized for 32-bit machines, is empty on 64-bit ones.
public struct Sysinfo: ByteLayout, Sendable {
    public static let size = 112

    /// Seconds since boot.
    public var uptime: Int64 = 0
    /// 1, 5 and 15 minute load averages, fixed point with SI_LOAD_SHIFT bits of fraction.
    public var loads: (UInt64, UInt64, UInt64) = (0, 0, 0)
    /// The memory and swap figures count units of `mem_unit` bytes.
    public var totalram: UInt64 = 0
    public var freeram: UInt64 = 0
    public var sharedram: UInt64 = 0
    public var bufferram: UInt64 = 0
    public var totalswap: UInt64 = 0
    public var freeswap: UInt64 = 0
    public var procs: UInt16 = 0
    public var totalhigh: UInt64 = 0
    public var freehigh: UInt64 = 0
    public var mem_unit: UInt32 = 0

    /// Fraction bits of the load averages: 1.0 is `1 << 16`.
    public static let SI_LOAD_SHIFT = 16

    /// All fields zero; callers fill in what they know.
    public init() {}

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeZeros(count: Self.size, at: offset)  // pad, alignment hole, tail
        buffer.storeLittleEndian(uptime, at: offset + 0)
        buffer.storeLittleEndian(loads.0, at: offset + 8)
        buffer.storeLittleEndian(loads.1, at: offset + 16)
        buffer.storeLittleEndian(loads.2, at: offset + 24)
        buffer.storeLittleEndian(totalram, at: offset + 32)
        buffer.storeLittleEndian(freeram, at: offset + 40)
        buffer.storeLittleEndian(sharedram, at: offset + 48)
        buffer.storeLittleEndian(bufferram, at: offset + 56)
        buffer.storeLittleEndian(totalswap, at: offset + 64)
        buffer.storeLittleEndian(freeswap, at: offset + 72)
        buffer.storeLittleEndian(procs, at: offset + 80)
        buffer.storeLittleEndian(totalhigh, at: offset + 88)
        buffer.storeLittleEndian(freehigh, at: offset + 96)
        buffer.storeLittleEndian(mem_unit, at: offset + 104)
    }
}

/// A resource limit: the soft limit enforced now and the hard ceiling an
/// unprivileged process may raise it to.
/// Linux: struct rlimit in include/uapi/linux/resource.h. 16 bytes.
/// (The resources themselves are `RlimitResource`, in Process.swift.)
public struct Rlimit: ByteLayoutDecodable, Equatable, Sendable {
    public static let size = 16

    /// "No limit": all ones. Linux: include/uapi/asm-generic/resource.h.
    public static let RLIM_INFINITY: UInt64 = ~0

    public var rlim_cur: UInt64
    public var rlim_max: UInt64

    public init(rlim_cur: UInt64, rlim_max: UInt64) {
        self.rlim_cur = rlim_cur
        self.rlim_max = rlim_max
    }

    public init(from buffer: [UInt8], at offset: Int) {
        rlim_cur = buffer.loadLittleEndian(UInt64.self, at: offset)
        rlim_max = buffer.loadLittleEndian(UInt64.self, at: offset + 8)
    }

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeLittleEndian(rlim_cur, at: offset)
        buffer.storeLittleEndian(rlim_max, at: offset + 8)
    }
}

/// The time zone gettimeofday and settimeofday carry, a relic nothing but
/// the kernel's FAT and RTC code uses. Linux: struct timezone in
/// include/uapi/linux/time.h. 8 bytes.
public struct Timezone: ByteLayoutDecodable, Equatable, Sendable {
    public static let size = 8

    /// Minutes west of Greenwich.
    public var tz_minuteswest: Int32
    /// Type of daylight-saving correction.
    public var tz_dsttime: Int32

    public init(tz_minuteswest: Int32 = 0, tz_dsttime: Int32 = 0) {
        self.tz_minuteswest = tz_minuteswest
        self.tz_dsttime = tz_dsttime
    }

    public init(from buffer: [UInt8], at offset: Int) {
        tz_minuteswest = buffer.loadLittleEndian(Int32.self, at: offset)
        tz_dsttime = buffer.loadLittleEndian(Int32.self, at: offset + 4)
    }

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeLittleEndian(tz_minuteswest, at: offset)
        buffer.storeLittleEndian(tz_dsttime, at: offset + 4)
    }
}
