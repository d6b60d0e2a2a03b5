import ABI
import Core
import Lib

/// alarm, getitimer and setitimer (Linux: kernel/time/itimer.c). ITIMER_REAL
/// is an hrtimer on CLOCK_MONOTONIC that sends SIGALRM to the process;
/// ITIMER_VIRTUAL and ITIMER_PROF expire on the process's CPU-time samples
/// and are checked by the tick (kernel/time/CPUTimers.swift).
enum ITimerSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getitimer, syscall(getitimer)),
        (.setitimer, syscall(setitimer)),
        (.alarm, syscall(alarm)),
    ]

    private static func which(_ number: Int32) throws(Errno) -> ITimerWhich {
        guard let which = ITimerWhich(rawValue: number) else { throw .EINVAL }
        return which
    }

    static func getitimer(_ number: Int32, _ value: UserPointer<Itimerval>) throws(Errno) -> Int64 {
        let which = try which(number)
        let group = Scheduler.current.group
        try value.write(TaskList.lock.withLockIrqSave { current(which, of: group) })
        return 0
    }

    /// setitimer(which, new, old): a NULL `new` disarms the timer, as
    /// Linux still accepts (with a warning it prints once).
    static func setitimer(
        _ number: Int32, _ newValue: UserPointer<Itimerval>, _ oldValue: UserPointer<Itimerval>
    ) throws(Errno) -> Int64 {
        let which = try which(number)
        let new = newValue.isNull ? Itimerval() : try newValue.read()
        guard let value = new.it_value.validNanoseconds, let interval = new.it_interval.validNanoseconds else {
            throw .EINVAL
        }
        let old = set(which, of: Scheduler.current.group, value: UInt64(value), interval: UInt64(interval))
        if !oldValue.isNull { try oldValue.write(old) }
        return 0
    }

    /// alarm(seconds): ITIMER_REAL as a one-shot timer; returns the seconds
    /// the previous alarm had left, rounded to the nearest (at least 1 if
    /// one was pending) (Linux: alarm_setitimer).
    static func alarm(_ seconds: UInt32) throws(Errno) -> Int64 {
        let old = set(
            .ITIMER_REAL, of: Scheduler.current.group,
            value: UInt64(seconds) * UInt64(TimeUnits.nanosecondsPerSecond), interval: 0
        ).it_value
        var left = old.tv_sec
        if (left == 0 && old.tv_usec > 0) || old.tv_usec >= 500_000 { left += 1 }
        return left
    }

    /// The timer's setting as getitimer reports it, with TaskList.lock held:
    /// a timer that is due but has not fired yet shows 1 µs (ITIMER_REAL)
    /// or a tick (the CPU timers) left, never 0, which would mean disarmed.
    private static func current(_ which: ITimerWhich, of group: ThreadGroup) -> Itimerval {
        let timers = group.timers
        let (timer, now, due): (IntervalTimer, UInt64, UInt64)
        switch which {
        case .ITIMER_REAL: (timer, now, due) = (timers.real, Clock.nanosecondsSinceBoot(), 1000)
        case .ITIMER_VIRTUAL: (timer, now, due) = (timers.virtual, group.tickTime.user, HRTimers.tickPeriod)
        case .ITIMER_PROF: (timer, now, due) = (timers.prof, group.tickTime.total, HRTimers.tickPeriod)
        }
        let left = timer.remaining(at: now).map { $0 == 0 ? due : $0 } ?? 0
        return Itimerval(
            it_interval: Timeval(nanoseconds: Int64(clamping: timer.interval)),
            it_value: Timeval(nanoseconds: Int64(clamping: left)))
    }

    /// Sets a timer and returns its old setting (Linux: do_setitimer). A
    /// zero value disarms it. A CPU timer is set one tick later than asked,
    /// as Linux's set_cpu_itimer does: the samples advance a tick at a
    /// time, and a timer must never fire early.
    private static func set(_ which: ITimerWhich, of group: ThreadGroup, value: UInt64, interval: UInt64) -> Itimerval {
        TaskList.lock.withLockIrqSave {
            let old = current(which, of: group)
            let timers = group.timers
            switch which {
            case .ITIMER_REAL:
                timers.real.set(
                    value: value, interval: value == 0 ? 0 : interval, absolute: false,
                    now: Clock.nanosecondsSinceBoot())
                startRealTimer(of: group)
            case .ITIMER_VIRTUAL:
                let delay = value == 0 ? 0 : value &+ HRTimers.tickPeriod
                timers.virtual.set(value: delay, interval: interval, absolute: false, now: group.tickTime.user)
            case .ITIMER_PROF:
                let delay = value == 0 ? 0 : value &+ HRTimers.tickPeriod
                timers.prof.set(value: delay, interval: interval, absolute: false, now: group.tickTime.total)
            }
            return old
        }
    }

    /// (Re)starts or cancels the ITIMER_REAL hrtimer to match `timers.real`.
    private static func startRealTimer(of group: ThreadGroup) {
        let timers = group.timers
        guard let expires = timers.real.expires else {
            if let timer = timers.realHRTimer { HRTimers.cancel(timer) }
            return
        }
        let timer =
            timers.realHRTimer
            ?? HRTimer { timer in
                realTimerExpired(timer, group: group)
                return .noRestart
            }
        timers.realHRTimer = timer
        HRTimers.start(timer, expires: expires)
    }

    /// ITIMER_REAL's hrtimer function (Linux: it_real_fn): SIGALRM for the
    /// process, and a periodic timer queued again for its next period.
    private static func realTimerExpired(_ timer: HRTimer, group: ThreadGroup) {
        let timers = group.timers
        guard timers.real.expire(at: Clock.nanosecondsSinceBoot()) > 0 else { return }
        Signals.send(.SIGALRM, toProcess: group, from: nil)
        if let next = timers.real.expires, timers.realHRTimer === timer { HRTimers.start(timer, expires: next) }
    }
}
