/// Comparisons of virtual runtimes (Linux: entity_before, max_vruntime,
/// min_vruntime in kernel/sched/fair.c).
///
/// A vruntime is a nanosecond count in a UInt64 that is allowed to wrap;
/// only the difference of two vruntimes means anything, read as signed.
/// That stays correct as long as the vruntimes on one queue are within
/// 2^63 of each other, which `minVruntime` and sleeper placement ensure.
enum Vruntime {
    /// `a - b` as a signed distance.
    static func difference(_ a: UInt64, _ b: UInt64) -> Int64 {
        Int64(bitPattern: a &- b)
    }

    static func isBefore(_ a: UInt64, _ b: UInt64) -> Bool {
        difference(a, b) < 0
    }

    static func later(_ a: UInt64, _ b: UInt64) -> UInt64 {
        isBefore(a, b) ? b : a
    }

    static func earlier(_ a: UInt64, _ b: UInt64) -> UInt64 {
        isBefore(a, b) ? a : b
    }
}
