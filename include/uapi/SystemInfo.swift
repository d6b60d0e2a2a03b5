// Time, clocks, machine identity and resource limits: the numbers around
// clock_gettime, nanosleep, uname, sysinfo, getrlimit and getrandom. Their
// structures (timespec, new_utsname, sysinfo, rlimit, ...) are C, in
// include/uapi/linux; the extensions here add what Swift code needs.

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

extension Utsname {
    /// __NEW_UTS_LEN + 1: 64 characters and the terminating NUL.
    public static let fieldSize = Int(__NEW_UTS_LEN) + 1

    /// Each field is cut to 64 bytes, as sethostname and friends would refuse
    /// anything longer, and padded with NULs.
    public init(
        sysname: String, nodename: String, release: String,
        version: String, machine: String, domainname: String
    ) {
        self.init()
        for (field, string) in [sysname, nodename, release, version, machine, domainname].enumerated() {
            for (index, byte) in string.utf8.prefix(Self.fieldSize - 1).enumerated() {
                self = setting(field: UInt32(field), index: UInt32(index), character: CChar(bitPattern: byte))
            }
        }
    }
}

extension Sysinfo {
    /// Fraction bits of the load averages: 1.0 is `1 << 16`.
    public static let SI_LOAD_SHIFT = 16
}

extension Rlimit {
    /// "No limit": all ones. Linux: include/uapi/asm-generic/resource.h.
    public static let RLIM_INFINITY: UInt64 = ~0
}

/// The actions of syslog(2), the first argument (Linux:
/// include/linux/syslog.h; glibc's klogctl passes them through).
public enum SyslogAction: Int32, Sendable {
    case SYSLOG_ACTION_CLOSE = 0
    case SYSLOG_ACTION_OPEN = 1
    /// Read and consume, sleeping until there is something.
    case SYSLOG_ACTION_READ = 2
    /// The newest records that fit, without consuming (`dmesg`).
    case SYSLOG_ACTION_READ_ALL = 3
    /// READ_ALL, then CLEAR (`dmesg -c`).
    case SYSLOG_ACTION_READ_CLEAR = 4
    /// Forget the records so far for READ_ALL.
    case SYSLOG_ACTION_CLEAR = 5
    /// Console level to the minimum, and back (saved) with CONSOLE_ON.
    case SYSLOG_ACTION_CONSOLE_OFF = 6
    case SYSLOG_ACTION_CONSOLE_ON = 7
    /// Set the console log level (`dmesg -n`).
    case SYSLOG_ACTION_CONSOLE_LEVEL = 8
    case SYSLOG_ACTION_SIZE_UNREAD = 9
    case SYSLOG_ACTION_SIZE_BUFFER = 10
}
