import Core

// <linux/delay.h> for C modules (Linux: kernel/time/timer.c's msleep,
// msleep_interruptible and usleep_range_state; arch/x86/lib/delay.c's
// udelay). The sleeps give the CPU away and last whole jiffies, at least
// as long as asked; udelay spins on the clock, for atomic context.

/// `void msleep(unsigned int msecs)`.
@c(msleep)
func msleepFromModule(_ milliseconds: UInt32) {
    mightSleep("msleep")
    Scheduler.msleep(UInt64(milliseconds))
}

/// `unsigned long msleep_interruptible(unsigned int msecs)`: ends early
/// when a signal is pending; returns the milliseconds left.
@c(msleep_interruptible)
func msleepInterruptible(_ milliseconds: UInt32) -> UInt64 {
    mightSleep("msleep_interruptible")
    let task = Scheduler.current
    var remaining = Jiffies.fromMilliseconds(UInt64(milliseconds)) + 1
    while remaining > 0 && !task.hasSignalPending {
        Scheduler.setCurrentState(.interruptible)
        remaining = Scheduler.sleep(timeout: remaining)
    }
    return Jiffies.toMilliseconds(remaining)
}

/// `void usleep_range_state(unsigned long min, unsigned long max, unsigned
/// int state)` (usleep_range): at least `min` microseconds.
@c(usleep_range_state)
func usleepRangeState(minimum: UInt64, maximum: UInt64, state: UInt32) {
    mightSleep("usleep_range")
    var remaining = Jiffies.fromMicroseconds(minimum) + 1
    while remaining > 0 {
        Scheduler.setCurrentState(TaskState(rawValue: state))
        remaining = Scheduler.sleep(timeout: remaining)
        if TaskState(rawValue: state).contains(.interruptible) && Scheduler.current.hasSignalPending { return }
    }
}

/// `void __udelay(unsigned long usecs)` (udelay, mdelay): busy-waits.
@c(__udelay)
func udelay(_ microseconds: UInt64) {
    let (nanoseconds, overflow) = microseconds.multipliedReportingOverflow(by: 1000)
    let deadline = Clock.nanosecondsSinceBoot() &+ (overflow ? UInt64.max / 2 : nanoseconds)
    while Clock.nanosecondsSinceBoot() < deadline { CPU.relax() }
}
