/// Why the PID allocator refused a request. Refusals change nothing.
public enum PidAllocatorError: Error, Equatable, Sendable {
    /// Every PID the allocator may hand out is in use (fork fails with EAGAIN).
    case exhausted
    /// The requested PID is at or above pid_max (EINVAL).
    case outOfRange
    /// The requested PID is in use already (EEXIST).
    case alreadyAllocated
    /// The PID to free is not allocated: a double free, or a PID never handed out.
    case notAllocated
    /// pid_max must stay within `PidAllocator.minimumPidMax ... capacity` (EINVAL).
    case invalidPidMax
}

/// Hands out process IDs — Linux's alloc_pid and free_pid (kernel/pid.c),
/// whose pid namespace keeps PIDs in an IDR allocated with
/// idr_alloc_cyclic.
///
/// Allocation is cyclic: each new PID is the first free one after the last
/// one handed out, so a PID that was just freed is not reused until the
/// numbers wrap around, and a stale PID held by user space (in a pid file,
/// or a `kill` typed a moment too late) is unlikely to name a new process.
/// At boot the numbers start at 1 (init, then kthreadd); after reaching
/// pid_max they wrap to `reservedPids`, leaving the low PIDs to the daemons
/// and kernel threads started at boot.
///
/// The set of PIDs in use is a bitmap of `capacity` bits made by `init`, so
/// allocating and freeing never touch the heap. Searches scan a 64-bit word
/// at a time, so finding a free PID costs O(pid_max / 64) in the worst case.
///
/// Not thread-safe: the kernel calls it under one lock (Linux: pidmap_lock).
public final class PidAllocator {
    /// The default pid_max (PID_MAX_DEFAULT).
    public static let defaultPidMax = 32768
    /// PIDs below this are not reused once allocation has wrapped (RESERVED_PIDS).
    public static let reservedPids = 300
    /// The smallest pid_max: one PID above the reserved ones (PID_MAX_MIN).
    public static let minimumPidMax = reservedPids + 1
    /// The largest pid_max on 64-bit machines: 4M (PID_MAX_LIMIT).
    public static let pidMaxLimit = 4 * 1024 * 1024

    /// PIDs handed out are below this (the `kernel.pid_max` sysctl).
    public private(set) var pidMax: Int

    /// The largest pid_max this allocator can be raised to: the size of
    /// its bitmap, fixed at `init`.
    public let capacity: Int

    /// Bit n is set while PID n is in use.
    private var bitmap: [UInt64]

    /// Where the next cyclic search starts: one past the last PID handed
    /// out (the IDR's idr_next).
    private var cursor = 0

    /// An allocator with every PID free, handing out PIDs below `pidMax`
    /// and able to be raised up to `capacity` (default: `pidMax`). The
    /// bitmap costs capacity / 8 bytes: 4 KiB for the default pid_max.
    public init(pidMax: Int = PidAllocator.defaultPidMax, capacity: Int? = nil) {
        let capacity = capacity ?? pidMax
        precondition(
            Self.minimumPidMax <= pidMax && pidMax <= capacity && capacity <= Self.pidMaxLimit,
            "PidAllocator: pid_max or capacity out of range")
        self.pidMax = pidMax
        self.capacity = capacity
        bitmap = Array(repeating: 0, count: (capacity + 63) / 64)
    }

    /// Whether `pid` is in use.
    public func isAllocated(_ pid: Int) -> Bool {
        guard pid >= 0 && pid < capacity else { return false }
        return bitmap[pid / 64] & Self.bit(pid) != 0
    }

    /// Hands out the first free PID after the last one handed out, wrapping
    /// once past pid_max (alloc_pid). O(pid_max / 64) at worst.
    public func allocate() throws(PidAllocatorError) -> Int {
        // init needs PID 1, but once the numbers have wrapped they restart
        // above the reserved range.
        let lowest = cursor > Self.reservedPids ? Self.reservedPids : 1
        let start = max(cursor, lowest)
        guard let pid = firstFree(from: start, to: pidMax) ?? firstFree(from: lowest, to: min(start, pidMax)) else {
            throw .exhausted
        }
        bitmap[pid / 64] |= Self.bit(pid)
        cursor = pid + 1
        return pid
    }

    /// Takes one particular PID (Linux: clone3's set_tid, idr_alloc of a
    /// one-ID range). The boot CPU takes PID 0 for the idle task this way;
    /// cyclic allocation never hands out 0. Does not move the cursor.
    public func allocate(exactly pid: Int) throws(PidAllocatorError) {
        guard pid >= 0 && pid < pidMax else { throw .outOfRange }
        guard !isAllocated(pid) else { throw .alreadyAllocated }
        bitmap[pid / 64] |= Self.bit(pid)
    }

    /// Returns `pid` to the pool (free_pid); it comes out again only after
    /// the numbers wrap around to it. O(1).
    public func free(_ pid: Int) throws(PidAllocatorError) {
        guard isAllocated(pid) else { throw .notAllocated }
        bitmap[pid / 64] &= ~Self.bit(pid)
    }

    /// Changes pid_max (writing the `kernel.pid_max` sysctl). PIDs in use
    /// at or above a lowered pid_max stay valid until freed.
    public func setPidMax(_ newValue: Int) throws(PidAllocatorError) {
        guard newValue >= Self.minimumPidMax && newValue <= capacity else { throw .invalidPidMax }
        pidMax = newValue
    }

    private static func bit(_ pid: Int) -> UInt64 { 1 << UInt64(pid % 64) }

    /// The lowest free PID in `start..<end`, scanning a word at a time
    /// (Linux: find_next_zero_bit).
    private func firstFree(from start: Int, to end: Int) -> Int? {
        guard start < end else { return nil }
        var word = start / 64
        // Count the bits below `start` in its word as taken.
        var taken = bitmap[word] | (Self.bit(start) - 1)
        while taken == .max {
            word += 1
            guard word * 64 < end else { return nil }
            taken = bitmap[word]
        }
        let pid = word * 64 + (~taken).trailingZeroBitCount
        return pid < end ? pid : nil
    }
}
