import Core
import Lib

/// Nanosecond-resolution timers (Linux: kernel/time/hrtimer.c in high-
/// resolution mode). The local APIC timer runs one-shot: after each
/// interrupt it is programmed for the earliest pending hrtimer. The periodic
/// tick is itself an hrtimer (Linux: tick_sched_timer), so jiffies, the
/// scheduler tick and the timer wheel run at HZ while a sub-tick sleep gets
/// an interrupt exactly when it is due.
public enum HRTimers {
    /// Each CPU's timers and its clock event device, touched with interrupts off.
    private static let queues = PerCPU<HRTimerQueue?>(nil)
    private static let clockEvents = PerCPU<ClockEventDevice?>(nil)
    /// Linux's clock_event_device, reduced to its set_next_event.
    private struct ClockEventDevice { let program: (UInt64) -> Void }
    private static var queue: HRTimerQueue? { queues.withCurrent { $0 } }
    public static let tickPeriod: UInt64 = 1_000_000_000 / Jiffies.hz

    /// `program(deadline)` arms the clock event device for a deadline in ns since boot.
    static func initialize(program: @escaping (UInt64) -> Void, tick: @escaping () -> Void) {
        let queue = HRTimerQueue()
        queues.withCurrent { $0 = queue }
        clockEvents.withCurrent { $0 = ClockEventDevice(program: program) }
        let tickTimer = HRTimer { timer in
            tick()
            _ = timer.forward(now: Clock.nanosecondsSinceBoot(), interval: tickPeriod)
            return .restart
        }
        start(tickTimer, expires: Clock.nanosecondsSinceBoot() + tickPeriod)
    }

    public static func start(_ timer: HRTimer, expires: UInt64) {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        queue?.start(timer, expires: expires)
        reprogram()
        CPU.restoreInterrupts(interruptsWereOn)
    }

    /// Starts `timer` for a one-shot expiry at `expires`, making it the
    /// first time with `expired` as its function, or with nil cancels it:
    /// how an interval timer (POSIX timer, timerfd) follows its setting.
    /// The closure holds whatever it captures until the owner lets go of
    /// the timer (Linux: common_hrtimer_arm).
    static func arm(_ timer: inout HRTimer?, expires: UInt64?, _ expired: @escaping () -> Void) {
        guard let expires else {
            if let timer { cancel(timer) }
            return
        }
        let armed =
            timer
            ?? HRTimer { _ in
                expired()
                return .noRestart
            }
        timer = armed
        start(armed, expires: expires)
    }

    @discardableResult
    public static func cancel(_ timer: HRTimer) -> Bool {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        defer { CPU.restoreInterrupts(interruptsWereOn) }
        return queue?.cancel(timer) ?? false
    }

    /// The clock event interrupt (Linux: hrtimer_interrupt): run what is due, re-arm for the rest.
    static func interrupt() {
        queue?.runExpired(now: Clock.nanosecondsSinceBoot())
        reprogram()
    }

    private static func reprogram() {
        if let next = queue?.nextExpiry, let device = clockEvents.withCurrent({ $0 }) { device.program(next) }
    }

    /// Sleeps `nanoseconds` with hrtimer precision (Linux: hrtimer_nanosleep's sleeper).
    public static func sleep(nanoseconds: UInt64) {
        _ = sleep(until: Clock.nanosecondsSinceBoot() + nanoseconds, state: .uninterruptible) { false }
    }

    /// Sleeps until `condition` holds, `deadline` (ns since boot; nil for
    /// none) passes, or a signal is pending (Linux:
    /// schedule_hrtimeout in TASK_INTERRUPTIBLE, as nanosleep and futex
    /// waits use it). The condition is tested after the task's state is set,
    /// so a wakeup between the test and the switch is not lost.
    public static func sleepInterruptible(until deadline: UInt64?, wakeWhen condition: () -> Bool) -> SleepOutcome {
        sleep(until: deadline, state: .interruptible, wakeWhen: condition)
    }

    private static func sleep(until deadline: UInt64?, state: TaskState, wakeWhen condition: () -> Bool) -> SleepOutcome
    {
        let task = Scheduler.current
        var expired = false
        let timer = deadline.map { deadline -> HRTimer in
            let timer = HRTimer { _ in
                expired = true
                Scheduler.wakeUp(task)
                return .noRestart
            }
            start(timer, expires: deadline)
            return timer
        }
        let outcome: SleepOutcome
        while true {
            Scheduler.setCurrentState(state)
            if condition() {
                outcome = .woken
                break
            }
            if expired {
                outcome = .timedOut
                break
            }
            if state.contains(.interruptible) && task.hasSignalPending {
                outcome = .interrupted
                break
            }
            Scheduler.schedule()
        }
        Scheduler.setCurrentState(.running)
        if let timer { cancel(timer) }
        return outcome
    }
}

/// How an interruptible sleep ended.
public enum SleepOutcome {
    case woken
    case timedOut
    /// A signal: the caller returns EINTR or a restart code.
    case interrupted
}
