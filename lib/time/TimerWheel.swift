/// The per-CPU wheel of jiffies timers — Linux's `struct timer_base` and the
/// non-cascading timer wheel of kernel/time/timer.c (since Linux 4.8).
///
/// Timers are hashed by expiry into buckets: 9 levels of 64 buckets, each
/// level 8 times coarser than the one below. A timer goes into the level
/// whose range covers its delay and is never moved again (no cascading), so
/// add, remove and modify are O(1). The price is precision: a timer in level
/// n fires on the first multiple of 8^n jiffies after its expiry, so 1 to
/// 8^n jiffies after it: at most one jiffy or 8/63 (about 1/8) of its delay.
/// That suits the timeouts this wheel is for (most are cancelled before they
/// fire); precise timers use `HRTimerQueue`.
///
/// At HZ=250, with 9 levels as Linux uses when HZ > 100:
///
///     level  granularity   delays
///       0        4 ms        0     - 252 ms
///       1       32 ms      252 ms  -   2 s
///       2      256 ms        2 s   -  16 s
///       3        2 s        16 s   -   2 min
///       4       16 s         2 min -  17 min
///       5        2 min      17 min -   2 h
///       6       17 min       2 h   -  18 h
///       7        2 h        18 h   -   6 d
///       8       19 h         6 d   -  49 d
///
/// The one exception to "never early": a delay beyond the wheel's reach
/// (`timeoutCutoff`, ~49 days) is cut to `maximumTimeout`, as in Linux,
/// where no timer_list user waits that long.
///
/// Jiffies are 64-bit (Linux's jiffies_64), so unlike Linux's 32-bit
/// `jiffies` they never wrap in practice (2^64 ticks at HZ=250 is billions of
/// years); the wheel compares them with plain `<` and does not handle wrap.
///
/// Not thread-safe: the kernel keeps one wheel per CPU under that base's
/// spinlock, as Linux does with `timer_base.lock`.
public final class TimerWheel {
    /// Buckets per level: 2^6 (Linux: LVL_BITS, LVL_SIZE). One level's
    /// pending bits fill exactly one 64-bit word.
    static let levelBits = 6
    static let bucketsPerLevel = 1 << levelBits
    static let levelMask = UInt64(bucketsPerLevel - 1)

    /// log2 of how much coarser each level is than the one below (LVL_CLK_SHIFT).
    static let levelClockShift = 3
    static let levelClockMask: UInt64 = (1 << levelClockShift) - 1

    /// Levels of the wheel (LVL_DEPTH): Linux uses 9 when HZ > 100, enough
    /// to reach ~49 days at HZ=250.
    public static let levelCount = 9

    /// Every bucket of every level (WHEEL_SIZE), then the list of timers
    /// collected for expiry.
    static let bucketCount = levelCount * bucketsPerLevel
    static let expiringList = bucketCount

    /// Jiffies per bucket in `level` (LVL_GRAN).
    public static func granularity(ofLevel level: Int) -> UInt64 {
        1 << UInt64(level * levelClockShift)
    }

    /// The smallest delay that goes into `level` (LVL_START). Each level
    /// starts one bucket short of where the level below ends, which leaves
    /// room to round an expiry up to the next bucket boundary.
    static func levelStart(_ level: Int) -> UInt64 {
        levelMask << UInt64((level - 1) * levelClockShift)
    }

    /// Delays from here on are beyond the wheel (WHEEL_TIMEOUT_CUTOFF).
    public static let timeoutCutoff = levelStart(levelCount)

    /// The delay used instead of one beyond the wheel: its last bucket
    /// boundary (WHEEL_TIMEOUT_MAX).
    public static let maximumTimeout = timeoutCutoff - granularity(ofLevel: levelCount - 1)

    /// The next jiffy the wheel will process (Linux: base->clk). Delays are
    /// measured from it; `runTimers` advances it to one past the jiffy it
    /// was given.
    public private(set) var clock: UInt64

    /// One bit per bucket, set while the bucket holds a timer (pending_map);
    /// word n is level n.
    private var pendingMap: [UInt64]

    /// The first timer of every bucket (Linux: vectors), then of the
    /// expiring list.
    private var heads: [WheelTimer?]

    /// When the earliest non-empty bucket is due, nil if none (next_expiry).
    /// When `nextExpiryIsStale`, only a lower bound: removing a timer may
    /// empty the earliest bucket, and the rescan waits until someone asks.
    private var cachedNextExpiry: UInt64?
    private var nextExpiryIsStale = false

    /// The timer whose function is running, if any (running_timer).
    public private(set) var runningTimer: WheelTimer?
    private var isExpiring = false

    /// An empty wheel whose clock starts at `jiffies`.
    public init(jiffies: UInt64) {
        clock = jiffies
        pendingMap = Array(repeating: 0, count: Self.levelCount)
        heads = Array(repeating: nil, count: Self.bucketCount + 1)
    }

    /// Unlinks every pending timer: adjacent timers reference each other.
    deinit {
        for list in heads.indices {
            while let timer = heads[list] { unlink(timer) }
        }
    }

    // MARK: Arming and cancelling

    /// Arms a timer that is not pending, to fire on a tick after `expires`
    /// (add_timer). O(1), no allocation.
    public func add(_ timer: WheelTimer, expires: UInt64) {
        precondition(!timer.isPending, "TimerWheel: timer is already pending")
        enqueue(timer, expires: expires, at: Self.placement(expires: expires, clock: clock))
    }

    /// Re-arms a timer to fire after `expires`, whether it was pending or
    /// not (mod_timer). Returns whether it was pending. O(1), no allocation.
    @discardableResult
    public func modify(_ timer: WheelTimer, expires: UInt64) -> Bool {
        let placement = Self.placement(expires: expires, clock: clock)
        guard timer.isPending else {
            enqueue(timer, expires: expires, at: placement)
            return false
        }
        checkOwnership(timer)
        // Linux's shortcut for timeouts that are pushed back again and again
        // (networking): the same bucket means the same firing tick.
        if timer.bucket == placement.bucket {
            timer.expires = expires
        } else {
            unlink(timer)
            enqueue(timer, expires: expires, at: placement)
        }
        return true
    }

    /// Cancels a timer (del_timer / timer_delete). Returns whether it was
    /// pending; a timer whose function is already running is not, and its
    /// function still finishes. O(1).
    @discardableResult
    public func remove(_ timer: WheelTimer) -> Bool {
        guard timer.isPending else { return false }
        checkOwnership(timer)
        unlink(timer)
        return true
    }

    // MARK: Expiry

    /// The jiffy at which the earliest pending timer fires, nil if none.
    /// NO_HZ programs the next tick for it instead of ticking every jiffy.
    /// O(levels) after a removal, O(1) otherwise.
    public var nextExpiry: UInt64? {
        if nextExpiryIsStale { recalculateNextExpiry() }
        return cachedNextExpiry
    }

    /// Runs the function of every timer due by `jiffies` (__run_timers), in
    /// order of firing tick; within one tick the order is unspecified (Linux:
    /// coarser levels first, then newest first). Jumps straight from one
    /// due bucket to the next, so a long idle gap costs nothing per jiffy.
    ///
    /// Functions may add, modify and remove any timer, including their own
    /// and ones due at the same tick that have not run yet. A timer armed
    /// from a function lands after the tick being processed, so one due "now"
    /// fires on the next call, not in an endless loop.
    public func runTimers(upTo jiffies: UInt64) {
        precondition(!isExpiring, "TimerWheel: runTimers called from a timer function")
        isExpiring = true
        while let due = nextExpiry, due <= jiffies {
            clock = due
            collectExpired()
            // Move the clock past this tick before running anything, so
            // timers armed by the functions cannot land in buckets we just
            // emptied (Linux keeps base->clk one ahead of jiffies here).
            clock += 1
            expireCollected()
        }
        // Nothing else is due by `jiffies`: catch the clock up, so timers
        // armed before the next run are measured from now, not from an old
        // tick (Linux: forward_timer_base).
        clock = max(clock, jiffies + 1)
        isExpiring = false
    }

    // MARK: Placement

    /// Where a timer due at `expires` goes when the wheel's clock is
    /// `clock` (calc_wheel_index): its bucket and the jiffy that bucket is
    /// processed, which is always after `expires` unless the delay had to be
    /// cut to `maximumTimeout`.
    static func placement(expires: UInt64, clock: UInt64) -> (bucket: Int, expiry: UInt64) {
        // Already due: the level-0 bucket processed next.
        guard expires >= clock else { return (Int(clock & levelMask), clock) }
        let delay = expires - clock
        var level = 0
        while level < levelCount - 1 && delay >= levelStart(level + 1) { level += 1 }
        let target = delay >= timeoutCutoff ? clock + maximumTimeout : expires
        // Round up to the next bucket boundary of the level: a timer armed
        // late in a tick, or truncated to a coarse bucket, must not fire early.
        let shift = UInt64(level * levelClockShift)
        let bucketNumber = (target >> shift) + 1
        return (level * bucketsPerLevel + Int(bucketNumber & levelMask), bucketNumber << shift)
    }

    // MARK: Bucket lists

    private func enqueue(_ timer: WheelTimer, expires: UInt64, at placement: (bucket: Int, expiry: UInt64)) {
        timer.expires = expires
        link(timer, into: placement.bucket)
        pendingMap[placement.bucket / Self.bucketsPerLevel] |= 1 << UInt64(placement.bucket % Self.bucketsPerLevel)
        // A new earliest bucket makes the cached value exact again, even if
        // it was only a lower bound before.
        if cachedNextExpiry.map({ placement.expiry < $0 }) ?? true {
            cachedNextExpiry = placement.expiry
            nextExpiryIsStale = false
        }
    }

    /// Pushes `timer` at the head of `list` (hlist_add_head).
    private func link(_ timer: WheelTimer, into list: Int) {
        timer.next = heads[list]
        heads[list]?.previous = timer
        heads[list] = timer
        timer.bucket = list
        timer.wheel = ObjectIdentifier(self)
    }

    /// Takes `timer` off its list (detach_if_pending); an emptied bucket
    /// loses its pending bit.
    private func unlink(_ timer: WheelTimer) {
        let list = timer.bucket
        if let previous = timer.previous { previous.next = timer.next } else { heads[list] = timer.next }
        timer.next?.previous = timer.previous
        timer.next = nil
        timer.previous = nil
        timer.wheel = nil
        if list < Self.bucketCount && heads[list] == nil {
            pendingMap[list / Self.bucketsPerLevel] &= ~(1 << UInt64(list % Self.bucketsPerLevel))
            nextExpiryIsStale = true
        }
    }

    private func checkOwnership(_ timer: WheelTimer) {
        precondition(timer.wheel == ObjectIdentifier(self), "TimerWheel: timer is pending on another wheel")
    }

    // MARK: Expiry internals

    /// Moves every bucket due at `clock` onto the expiring list
    /// (collect_expired_timers). Level n's buckets fall on multiples of 8^n
    /// jiffies, so a level is due only when the clock is such a multiple.
    private func collectExpired() {
        var levelClock = clock
        for level in 0..<Self.levelCount {
            let index = Int(levelClock & Self.levelMask)
            let bit: UInt64 = 1 << UInt64(index)
            if pendingMap[level] & bit != 0 {
                pendingMap[level] &= ~bit
                prependToExpiring(level * Self.bucketsPerLevel + index)
            }
            guard levelClock & Self.levelClockMask == 0 else { break }
            levelClock >>= UInt64(Self.levelClockShift)
        }
        nextExpiryIsStale = true
    }

    /// Moves the whole of `bucket` in front of the expiring list, so that
    /// coarser levels, collected later, run first as in Linux. Walks the
    /// bucket to relabel its timers, as `unlink` needs their list.
    private func prependToExpiring(_ bucket: Int) {
        guard let first = heads[bucket] else { return }
        heads[bucket] = nil
        var last = first
        while true {
            last.bucket = Self.expiringList
            guard let next = last.next else { break }
            last = next
        }
        last.next = heads[Self.expiringList]
        heads[Self.expiringList]?.previous = last
        heads[Self.expiringList] = first
    }

    /// Runs the collected timers one by one (expire_timers). Each is
    /// unlinked just before its function runs, so a function can still
    /// cancel or move the ones after it.
    private func expireCollected() {
        while let timer = heads[Self.expiringList] {
            unlink(timer)
            runningTimer = timer
            timer.function(timer)
            runningTimer = nil
        }
    }

    /// Finds the earliest non-empty bucket (timer_recalc_next_expiry). On
    /// level n the next bucket boundary at or after the clock is bucket
    /// ⌈clock / 8^n⌉, and the level's pending buckets are the 64 from there
    /// on, in ring order: rotating the level's word to start at that bucket
    /// makes the first set bit the earliest.
    private func recalculateNextExpiry() {
        var earliest: UInt64?
        for level in 0..<Self.levelCount where pendingMap[level] != 0 {
            let shift = UInt64(level * Self.levelClockShift)
            let firstBucket = (clock + Self.granularity(ofLevel: level) - 1) >> shift
            let start = UInt64(firstBucket & Self.levelMask)
            let word = pendingMap[level]
            let rotated = word >> start | word << (UInt64(Self.bucketsPerLevel) - start)
            let expiry = (firstBucket + UInt64(rotated.trailingZeroBitCount)) << shift
            earliest = min(earliest ?? expiry, expiry)
        }
        cachedNextExpiry = earliest
        nextExpiryIsStale = false
    }
}
