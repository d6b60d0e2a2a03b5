/// A timer's setting on one clock: when it next expires, as an absolute
/// time of that clock in ns (nil: disarmed), and its period (0: one-shot).
/// The it_value/it_interval pair of itimerval and itimerspec with the value
/// made absolute, as Linux keeps it (struct cpu_itimer, a k_itimer's
/// it_interval and hrtimer expiry, a timerfd's). The interval timers,
/// POSIX timers and timerfds all keep one; what notices that a clock
/// passed the expiry (an hrtimer, the tick) calls `expire`.
public struct IntervalTimer: Sendable, Equatable {
    public private(set) var expires: UInt64?
    public private(set) var interval: UInt64

    public init(expires: UInt64? = nil, interval: UInt64 = 0) {
        self.expires = expires
        self.interval = interval
    }

    public var isArmed: Bool { expires != nil }

    /// Time left at `now`: nil when disarmed; an expiry that is due but
    /// has not been noticed yet is 0.
    public func remaining(at now: UInt64) -> UInt64? {
        expires.map { $0 > now ? $0 - now : 0 }
    }

    /// Sets the timer as setitimer/timer_settime do: a zero value disarms
    /// it; otherwise it expires `value` after `now`, or at `value` when
    /// `absolute`. An absolute time already past is due at once.
    public mutating func set(value: UInt64, interval: UInt64, absolute: Bool, now: UInt64) {
        self.interval = interval
        if value == 0 {
            expires = nil
        } else if absolute {
            expires = value
        } else {
            let (sum, overflow) = now.addingReportingOverflow(value)
            expires = overflow ? .max : sum
        }
    }

    public mutating func disarm() {
        expires = nil
    }

    /// The clock reads `now`: if the timer is due, returns how many periods
    /// have ended (1, plus the overruns of a periodic timer that expired
    /// more than once since it was last noticed), and re-arms a periodic
    /// timer for its next expiry after `now` or disarms a one-shot one
    /// (Linux: hrtimer_forward for periodic timers). 0 if not due.
    public mutating func expire(at now: UInt64) -> UInt64 {
        guard let due = expires, due <= now else { return 0 }
        guard interval > 0 else {
            expires = nil
            return 1
        }
        let periods = (now - due) / interval + 1
        let (advance, multiplyOverflow) = periods.multipliedReportingOverflow(by: interval)
        let (next, addOverflow) = due.addingReportingOverflow(advance)
        expires = multiplyOverflow || addOverflow ? .max : next
        return periods
    }
}
