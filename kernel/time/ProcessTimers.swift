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
    /// timer_create's timers (Linux: signal->posix_timers), and the next ID
    /// to try (Linux: next_posix_timer_id).
    var posixTimers: [PosixTimer] = []
    var nextPosixTimerID: Int32 = 0
    /// Timers of any process that run on this process's CPU time, for the tick.
    var cpuClockTimers: [PosixTimer] = []

    /// The process is gone: nothing may fire for it any more, and the
    /// hrtimer's hold on it ends (Linux: the hrtimer_cancel of real_timer
    /// and exit_itimers in do_exit).
    func release() {
        if let timer = realHRTimer { HRTimers.cancel(timer) }
        realHRTimer = nil
        real.disarm()
        virtual.disarm()
        prof.disarm()
        deletePosixTimers()
        cpuClockTimers.removeAll()
    }

    /// Deletes every timer_create timer: at exit and exec (Linux: exit_itimers).
    func deletePosixTimers() {
        for timer in posixTimers {
            timer.cancel()
            if let target = timer.clock.cpuTimeOwner { target.timers.cpuClockTimers.removeAll { $0 === timer } }
        }
        posixTimers.removeAll()
    }

    func posixTimer(_ id: Int32) -> PosixTimer? { posixTimers.first { $0.id == id } }
}
