import Lib

/// The timers a process owns (Linux: the real_timer, it_real_incr and
/// it[] of signal_struct, and its posix_timers list). Created with the
/// process; a forked child starts with none armed, exec keeps the
/// interval timers, and the process's end cancels everything.
///
/// Written by system calls under TaskList.lock (interrupts off) and read
/// by the hrtimer callbacks and the tick, which run with interrupts off:
/// on one CPU that is the exclusion.
final class ProcessTimers {
    /// ITIMER_REAL on CLOCK_MONOTONIC, and the hrtimer that sends its
    /// SIGALRM; created on first use, since its function holds the process.
    var real = IntervalTimer()
    var realHRTimer: HRTimer?
    /// ITIMER_VIRTUAL and ITIMER_PROF, on the process's user and user +
    /// system tick samples (Linux: CPUCLOCK_VIRT, CPUCLOCK_PROF).
    var virtual = IntervalTimer()
    var prof = IntervalTimer()

    /// The process is gone: nothing may fire for it any more, and the
    /// hrtimer's hold on it ends (Linux: the hrtimer_cancel of real_timer
    /// and exit_itimers in do_exit).
    func release() {
        if let timer = realHRTimer { HRTimers.cancel(timer) }
        realHRTimer = nil
        real.disarm()
        virtual.disarm()
        prof.disarm()
    }
}
