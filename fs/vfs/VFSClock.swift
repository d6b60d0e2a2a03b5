import ABI

/// The time stamped on inodes. Until the kernel keeps a wall clock it is
/// the time since boot (Linux stamps current_time(), CLOCK_REALTIME).
enum VFSClock {
    static func now() -> Int64 { Int64(Clock.nanosecondsSinceBoot()) }

    static func timespec(_ nanoseconds: Int64) -> Timespec {
        Timespec(tv_sec: nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
    }
}
