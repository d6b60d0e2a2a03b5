import ABI

/// The time stamped on inodes: CLOCK_REALTIME (Linux: current_time()).
enum VFSClock {
    static func now() -> Int64 { Timekeeping.realtime }

    static func timespec(_ nanoseconds: Int64) -> Timespec {
        Timespec(tv_sec: nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
    }
}
