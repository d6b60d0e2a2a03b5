import ABI
import Core
import Lib

/// One timer of timer_create (Linux: struct k_itimer). It runs on a global
/// clock (kept as CLOCK_MONOTONIC deadlines, driven by an hrtimer) or on a
/// process's or thread's CPU time (checked by the tick), and notifies with
/// a signal for the process or one of its threads, or not at all
/// (SIGEV_NONE: timer_gettime alone shows it).
final class PosixTimer {
    /// Linux: the k_clock the timer's clock ID selects.
    enum TimerClock {
        /// CLOCK_REALTIME, MONOTONIC, BOOTTIME, TAI and the alarm clocks:
        /// settings are kept on CLOCK_MONOTONIC; a realtime absolute time
        /// is converted when set (a later clock_settime does not move it).
        case global(ClockID)
        /// The CPU time of a process or thread (Linux: CPUCLOCK_SCHED, the exact runtime).
        case process(ThreadGroup)
        case thread(Task)

        /// Where the timer's settings are kept, ns.
        var now: UInt64 {
            switch self {
            case .global: Clock.nanosecondsSinceBoot()
            case .process(let group): group.runtime
            case .thread(let task): Scheduler.runtime(of: task)
            }
        }

        /// The process whose CPU time it counts, for the tick's checks.
        var cpuTimeOwner: ThreadGroup? {
            switch self {
            case .global: nil
            case .process(let group): group
            case .thread(let task): task.group
            }
        }
    }

    /// How the timer notifies (Linux: it_sigev_notify, the sigqueue's info).
    struct Notification {
        /// nil: SIGEV_NONE.
        let signal: Signal?
        /// si_value of the signal.
        let value: UInt64
        /// SIGEV_THREAD_ID: the thread; otherwise the whole process.
        let thread: Task?
    }

    let id: Int32
    let clock: TimerClock
    let notification: Notification
    /// The process that created it, which the signal goes to.
    let owner: ThreadGroup
    var setting = IntervalTimer()
    /// Expirations that found the previous signal still pending (Linux:
    /// it_overrun, the queued siginfo's si_overrun): what timer_getoverrun reports.
    var overrun: UInt64 = 0
    /// For a global clock with a signal to send.
    private(set) var hrtimer: HRTimer?

    init(id: Int32, clock: TimerClock, notification: Notification, owner: ThreadGroup) {
        self.id = id
        self.clock = clock
        self.notification = notification
        self.owner = owner
    }

    /// Arms or disarms it as `setting` says (with interrupts off). A
    /// SIGEV_NONE timer needs nothing: it is read, never fired.
    func start() {
        guard case .global = clock, notification.signal != nil else { return }
        // The timer holds itself through this closure until cancel() lets go of the hrtimer.
        HRTimers.arm(&hrtimer, expires: setting.expires) { self.expire() }
    }

    /// Stops it for good (timer_delete, exit, exec).
    func cancel() {
        setting.disarm()
        if let hrtimer { HRTimers.cancel(hrtimer) }
        hrtimer = nil
    }

    /// The clock passed the expiry, from the hrtimer or the tick (Linux:
    /// posix_timer_fn and cpu_timer_fire → posix_timer_queue_signal): the
    /// signal is sent, unless the last one is still pending; then this
    /// expiry only counts as an overrun, as Linux's send_sigqueue does.
    func expire() {
        let periods = setting.expire(at: clock.now)
        guard periods > 0, let signal = notification.signal else { return }
        if PosixTimer.isPending(signal, group: owner, thread: notification.thread) {
            overrun &+= periods
        } else {
            overrun = periods - 1
            var info = Siginfo(signal: signal, code: SignalCode.SI_TIMER)
            info.si_tid = id
            info.si_overrun = Int32(truncatingIfNeeded: overrun)
            info.si_value = notification.value
            if let thread = notification.thread {
                try? Signals.send(info: info, toThread: thread)
            } else {
                try? Signals.send(info: info, toProcess: owner)
            }
        }
        if let next = setting.expires, let hrtimer { HRTimers.start(hrtimer, expires: next) }
    }

    private static func isPending(_ signal: Signal, group: ThreadGroup, thread: Task?) -> Bool {
        TaskList.lock.withLockIrqSave {
            thread.map { $0.pending.signals.contains(signal) } ?? group.sharedPending.signals.contains(signal)
        }
    }
}
