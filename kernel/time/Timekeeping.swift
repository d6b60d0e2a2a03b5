import ABI
import Core
import Lib
import Synchronization

/// The system clocks (Linux: kernel/time/timekeeping.c). CLOCK_MONOTONIC is
/// the TSC clock since boot; CLOCK_REALTIME is it plus an offset, set at
/// boot from the CMOS clock and moved by settimeofday and clock_settime.
/// There is no suspend and no NTP: BOOTTIME and MONOTONIC_RAW equal
/// MONOTONIC, and TAI equals REALTIME (Linux's TAI offset is 0 until set).
public enum Timekeeping {
    /// CLOCK_REALTIME minus CLOCK_MONOTONIC, ns (Linux: offs_real). One
    /// word, so an atomic: every read(2) asks the time for its atime.
    private static let realtimeOffset = Atomic<Int64>(0)
    private static let recordedTimezone = IRQSafeLocked(Timezone())
    /// The time zone settimeofday recorded (Linux: sys_tz); only reported back.
    static var timezone: Timezone {
        get { recordedTimezone.withLock { $0 } }
        set {
            recordedTimezone.withLock { $0 = newValue }
            Vsyscall.update()
        }
    }

    /// Sets the real-time clock from the CMOS clock (Linux: timekeeping_init
    /// with read_persistent_clock64), logging it as Linux's rtc_cmos does.
    static func initialize() {
        guard let time = RTCCMOS.read() else {
            pr_warn("rtc_cmos: no valid time in the CMOS clock; the system clock starts at the epoch")
            return
        }
        let seconds = time.secondsSinceEpoch
        setRealtime(seconds * TimeUnits.nanosecondsPerSecond)
        pr_info("rtc_cmos rtc_cmos: setting system clock to \(time.iso8601) UTC (\(seconds))")
    }

    /// CLOCK_MONOTONIC, ns since boot.
    public static var monotonic: Int64 { Int64(Clock.nanosecondsSinceBoot()) }

    /// CLOCK_REALTIME, ns since the epoch.
    public static var realtime: Int64 { monotonic + currentRealtimeOffset }

    /// CLOCK_REALTIME minus CLOCK_MONOTONIC now.
    static var currentRealtimeOffset: Int64 { realtimeOffset.load(ordering: .relaxed) }

    /// settimeofday/clock_settime (Linux: do_settimeofday64); the vDSO
    /// sees the new time before the call returns.
    static func setRealtime(_ nanoseconds: Int64) {
        let now = monotonic
        realtimeOffset.store(nanoseconds - now, ordering: .relaxed)
        Vsyscall.update()
    }

    /// A CLOCK_REALTIME instant as CLOCK_MONOTONIC, for absolute sleeps
    /// (computed when the sleep starts; a later clock change does not move it).
    static func monotonic(fromRealtime nanoseconds: Int64) -> Int64 {
        nanoseconds - currentRealtimeOffset
    }

    /// The resolution of the "coarse" clocks: they return the last tick's time.
    static let coarseResolution = Int64(HRTimers.tickPeriod)

    /// The value of one of the global clocks, ns; nil for an ID that is not
    /// one (the CPU-time clocks belong to tasks, see ClockSyscalls).
    static func read(_ clock: ClockID) -> Int64? {
        let now = monotonic
        let lastTick = now - now % coarseResolution
        let offset = currentRealtimeOffset
        return switch clock {
        case .CLOCK_REALTIME, .CLOCK_TAI, .CLOCK_REALTIME_ALARM: now + offset
        case .CLOCK_MONOTONIC, .CLOCK_MONOTONIC_RAW, .CLOCK_BOOTTIME, .CLOCK_BOOTTIME_ALARM: now
        case .CLOCK_REALTIME_COARSE: lastTick + offset
        case .CLOCK_MONOTONIC_COARSE: lastTick
        case .CLOCK_PROCESS_CPUTIME_ID, .CLOCK_THREAD_CPUTIME_ID: nil
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds for modules (Linux: ktime_get, EXPORT_SYMBOL_GPL).
@c(ktime_get)
func ktimeGet() -> Int64 { Timekeeping.monotonic }
