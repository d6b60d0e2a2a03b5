// The numbers of the interval timers, POSIX timers and timerfd: which
// itimer, how a timer notifies, timerfd's flags. Their structures
// (itimerval, itimerspec, sigevent) are C, in include/uapi/linux.

/// getitimer/setitimer's `which`. Linux: include/uapi/linux/time.h.
public enum ITimerWhich: Int32, Sendable {
    /// Real time; SIGALRM.
    case ITIMER_REAL = 0
    /// The process's user CPU time; SIGVTALRM.
    case ITIMER_VIRTUAL = 1
    /// The process's user and system CPU time; SIGPROF.
    case ITIMER_PROF = 2
}

extension Sigevent {
    /// sigev_notify (Linux: include/uapi/asm-generic/siginfo.h).
    public static let SIGEV_SIGNAL: Int32 = 0
    public static let SIGEV_NONE: Int32 = 1
    /// A thread of the C library's: it reaches the kernel as SIGEV_THREAD_ID.
    public static let SIGEV_THREAD: Int32 = 2
    /// OR'd with SIGEV_SIGNAL: the signal goes to the thread sigev_notify_thread_id.
    public static let SIGEV_THREAD_ID: Int32 = 4
}

/// timerfd_create and timerfd_settime flags. Linux: include/uapi/linux/timerfd.h.
public enum TimerfdFlags {
    /// timerfd_settime: it_value is an absolute time on the timer's clock.
    public static let TFD_TIMER_ABSTIME: Int32 = 1 << 0
    /// timerfd_settime: a CLOCK_REALTIME absolute timer is cancelled when the clock is set.
    public static let TFD_TIMER_CANCEL_ON_SET: Int32 = 1 << 1
    /// timerfd_create: O_NONBLOCK and O_CLOEXEC's values.
    public static let TFD_NONBLOCK: Int32 = 0o4000
    public static let TFD_CLOEXEC: Int32 = 0o2000000
}
