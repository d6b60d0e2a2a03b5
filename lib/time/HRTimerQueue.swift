/// What an hrtimer's function asks for when it returns (enum hrtimer_restart).
public enum HRTimerRestart {
    /// Done; the timer stays inactive unless the function started it again.
    case noRestart
    /// Queue the timer again at its (normally just forwarded) expiry.
    case restart
}

/// A high-resolution timer, due at a time in nanoseconds — Linux's
/// `struct hrtimer` (include/linux/hrtimer_types.h). Unlike a `WheelTimer`
/// it fires exactly when due (as far as the clock event device allows),
/// which the scheduler tick, sleeps and periodic interval timers need.
///
/// The timer is its own red-black tree node, so starting and cancelling
/// never allocate.
public final class HRTimer: RBNode {
    /// When the timer is due, in nanoseconds of the queue's clock.
    public internal(set) var expires: UInt64 = 0

    /// Runs when the timer is due, with the timer already dequeued, and
    /// says whether to queue it again. It is handed its own timer so it can
    /// `forward` it without capturing it (a capture would be a reference
    /// cycle, never freed).
    public let function: (HRTimer) -> HRTimerRestart

    /// The timer's place in its queue's tree; see `RBNode`.
    public var rbLinks = RBLinks<HRTimer>()

    public init(function: @escaping (HRTimer) -> HRTimerRestart) {
        self.function = function
    }

    /// Whether the timer waits in a queue (hrtimer_is_queued).
    public var isQueued: Bool { rbLinks.owner != nil }

    /// Earlier expiry first; equal expiries keep the order they were queued in.
    public static func sortsBefore(_ lhs: HRTimer, _ rhs: HRTimer) -> Bool {
        lhs.expires < rhs.expires
    }

    /// Moves the expiry forward by whole `interval`s until it is after
    /// `now`, and returns how many intervals that took: the overruns, 0 if
    /// it already was after `now` (hrtimer_forward). This is how a periodic
    /// timer's function keeps its period without drifting, then returns
    /// `.restart`. Sums past the end of the clock stop at `UInt64.max`.
    @discardableResult
    public func forward(now: UInt64, interval: UInt64) -> UInt64 {
        precondition(!isQueued, "HRTimer: forward of a queued timer")
        precondition(interval > 0, "HRTimer: forward by a zero interval")
        guard now >= expires else { return 0 }
        let overruns = (now - expires) / interval + 1
        let (advance, multiplyOverflow) = overruns.multipliedReportingOverflow(by: interval)
        let (sum, addOverflow) = expires.addingReportingOverflow(advance)
        expires = multiplyOverflow || addOverflow ? .max : sum
        return overruns
    }
}

/// The timers of one clock, in expiry order — a Linux
/// `struct hrtimer_clock_base` with its timerqueue (kernel/time/hrtimer.c,
/// lib/timerqueue.c): a red-black tree whose cached leftmost node is the
/// next timer due, so `nextExpiry` is O(1) and start/cancel O(log n).
///
/// Not thread-safe: the kernel keeps one queue per CPU (per clock) under
/// that CPU base's spinlock, as Linux does with `hrtimer_cpu_base.lock`.
public final class HRTimerQueue {
    let tree = RBTree<HRTimer>()

    /// The timer whose function is running, if any (cpu_base->running).
    public private(set) var runningTimer: HRTimer?

    public init() {}

    /// How many timers are queued.
    public var count: Int { tree.count }

    /// When the earliest queued timer is due, nil if none: what the clock
    /// event device is programmed for. O(1).
    public var nextExpiry: UInt64? { tree.leftmost?.expires }

    /// Queues `timer` to fire at `expires`, first dequeuing it if it was
    /// queued (hrtimer_start with HRTIMER_MODE_ABS). O(log n), no allocation.
    public func start(_ timer: HRTimer, expires: UInt64) {
        if timer.isQueued { tree.remove(timer) }
        timer.expires = expires
        tree.insert(timer)
    }

    /// Dequeues `timer` and returns whether it was queued
    /// (hrtimer_try_to_cancel). A timer whose function is running is not
    /// queued: its function still finishes, and if it returns `.restart`
    /// the timer is queued again, as in Linux. O(log n).
    @discardableResult
    public func cancel(_ timer: HRTimer) -> Bool {
        guard timer.isQueued else { return false }
        tree.remove(timer)
        return true
    }

    /// Runs, in expiry order, the function of every timer due at or before
    /// `now` (__hrtimer_run_queues). Each timer is dequeued before its
    /// function runs, so a function may start or cancel any timer, itself
    /// included; one it queues that is already due runs in this same pass.
    /// A function returning `.restart` must have moved its expiry past
    /// `now` (see `HRTimer.forward`), or it runs again and again.
    public func runExpired(now: UInt64) {
        precondition(runningTimer == nil, "HRTimerQueue: runExpired called from a timer function")
        while let timer = tree.leftmost, timer.expires <= now {
            tree.remove(timer)
            runningTimer = timer
            let restart = timer.function(timer)
            runningTimer = nil
            // The function may have started the timer itself; then it is
            // queued already and its own expiry stands.
            if restart == .restart && !timer.isQueued { tree.insert(timer) }
        }
    }
}
