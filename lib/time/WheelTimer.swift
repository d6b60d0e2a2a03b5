/// A kernel timer that runs a function once, on a tick after a given jiffy —
/// Linux's `struct timer_list` (include/linux/timer_types.h), kept by a
/// `TimerWheel`.
///
/// The timer carries its own links into the wheel's buckets, so arming,
/// re-arming and cancelling never allocate. While pending, the wheel holds a
/// strong reference to it; once it fires or is removed, only its owner does.
public final class WheelTimer {
    /// The jiffy the timer waits for; set by `TimerWheel.add` and `modify`.
    /// The function runs on a later tick, never on this one or before.
    public internal(set) var expires: UInt64 = 0

    /// Runs once the timer expires, in timer (softirq) context, with the
    /// timer no longer pending. It is handed its own timer so it can re-arm
    /// it without capturing it: a timer whose function captured the timer
    /// would be a reference cycle, never freed.
    public let function: (WheelTimer) -> Void

    // The links of Linux's `hlist_node entry`, plus the bucket index Linux
    // keeps in `timer->flags` so removal knows which list head to fix up.
    var next: WheelTimer?
    var previous: WheelTimer?
    var bucket = 0
    /// The wheel holding the timer; nil when the timer is not pending.
    var wheel: ObjectIdentifier?

    public init(function: @escaping (WheelTimer) -> Void) {
        self.function = function
    }

    /// Whether the timer is armed and has not fired yet (timer_pending).
    public var isPending: Bool { wheel != nil }
}
