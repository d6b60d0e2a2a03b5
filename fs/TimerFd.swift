import ABI
import Core
import Lib

/// A timerfd (Linux: fs/timerfd.c): a timer whose expirations are read
/// from a descriptor instead of arriving as signals. A read waits until
/// the timer has expired at least once, then returns how many times it
/// has (8 bytes, native endian) and starts counting again from 0; poll
/// reports it readable meanwhile. Global clocks only, kept as
/// CLOCK_MONOTONIC deadlines on an hrtimer, as POSIX timers keep them.
final class TimerFd: FileOperations {
    let clock: ClockID
    /// The setting and the count of expirations not yet read (Linux:
    /// ctx->ticks), both changed by the hrtimer function: taken with
    /// interrupts off.
    private let lock = SpinLock()
    private var setting = IntervalTimer()
    private var ticks: UInt64 = 0
    private var hrtimer: HRTimer?
    /// Readers and pollers wait here for an expiration.
    private let wait = WaitQueue()

    init(clock: ClockID) {
        self.clock = clock
    }

    var isStream: Bool { true }
    var canPoll: Bool { true }

    /// Linux: timerfd_read. EINVAL for a buffer under 8 bytes.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        guard count >= 8 else { throw .EINVAL }
        var expirations: UInt64 = 0
        var wouldBlock = false
        try wait.waitInterruptible { () -> Bool in
            lock.withLockIrqSave {
                expirations = ticks
                ticks = 0
            }
            wouldBlock = expirations == 0 && file.isNonBlocking
            return expirations > 0 || wouldBlock
        }
        if wouldBlock { throw .EAGAIN }
        return (0..<8).map { UInt8(truncatingIfNeeded: expirations >> ($0 * 8)) }
    }

    /// Linux: timerfd_poll. Readable once it has expired.
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        table?.wait(on: wait)
        return lock.withLockIrqSave { ticks > 0 } ? [.POLLIN, .POLLRDNORM] : []
    }

    /// The last descriptor is closed: the timer stops, and the hrtimer's
    /// hold on this object ends.
    func release(_ file: File) {
        lock.withLockIrqSave {
            setting.disarm()
            if let hrtimer { HRTimers.cancel(hrtimer) }
            hrtimer = nil
        }
    }

    /// timerfd_gettime's value: the time to the next expiry and the period.
    func current() -> Itimerspec {
        lock.withLockIrqSave { currentLocked() }
    }

    private func currentLocked() -> Itimerspec {
        let left = setting.remaining(at: Clock.nanosecondsSinceBoot()) ?? 0
        return Itimerspec(
            it_interval: Timespec(nanoseconds: Int64(clamping: setting.interval)),
            it_value: Timespec(nanoseconds: Int64(clamping: left)))
    }

    /// timerfd_settime (Linux: timerfd_setup): `start` in ns, relative or
    /// an absolute CLOCK_MONOTONIC time; expirations not yet read are
    /// dropped. Returns the old setting.
    func set(start: UInt64, interval: UInt64, absolute: Bool) -> Itimerspec {
        lock.withLockIrqSave {
            let old = currentLocked()
            ticks = 0
            setting.set(value: start, interval: interval, absolute: absolute, now: Clock.nanosecondsSinceBoot())
            // Holds the timerfd until release() lets go of the hrtimer.
            HRTimers.arm(&hrtimer, expires: setting.expires) { self.expired() }
            return old
        }
    }

    /// The hrtimer function (Linux: timerfd_tmrproc): count the
    /// expirations, queue a periodic timer for its next one, wake readers.
    private func expired() {
        let woken = lock.withLockIrqSave { () -> Bool in
            let periods = setting.expire(at: Clock.nanosecondsSinceBoot())
            ticks &+= periods
            if let next = setting.expires, let hrtimer { HRTimers.start(hrtimer, expires: next) }
            return periods > 0
        }
        if woken { wait.wakeUpAll() }
    }
}
