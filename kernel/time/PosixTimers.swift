import ABI
import Core
import Lib

/// timer_create, timer_settime, timer_gettime, timer_getoverrun and
/// timer_delete (Linux: kernel/time/posix-timers.c, and posix-cpu-timers.c
/// for the CPU clocks). The timer itself is kernel/time/PosixTimer.swift.
enum PosixTimerSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.timer_create, syscall(timerCreate)),  // partial: its signals carry no SI_TIMER siginfo yet
        (.timer_settime, syscall(timerSettime)),
        (.timer_gettime, syscall(timerGettime)),
        (.timer_getoverrun, syscall(timerGetoverrun)),  // partial: readable before the signal is delivered
        (.timer_delete, syscall(timerDelete)),
    ]

    /// The clock of a new timer (Linux: clockid_to_kclock, then whether it
    /// has timer_create): EINVAL for no clock, EOPNOTSUPP for the raw and
    /// coarse clocks, EPERM for the alarm clocks without CAP_WAKE_ALARM.
    private static func clock(_ id: Int32) throws(Errno) -> PosixTimer.TimerClock {
        switch try TimeSyscalls.source(id) {
        case .process(let group): return .process(group)
        case .thread(let task): return .thread(task)
        case .global(let clock):
            switch clock {
            case .CLOCK_REALTIME, .CLOCK_MONOTONIC, .CLOCK_BOOTTIME, .CLOCK_TAI: return .global(clock)
            case .CLOCK_REALTIME_ALARM, .CLOCK_BOOTTIME_ALARM:
                guard Scheduler.current.credentials.isPrivileged else { throw .EPERM }
                return .global(clock)
            default: throw .EOPNOTSUPP
            }
        }
    }

    /// The notification a sigevent asks for (Linux: good_sigevent): a
    /// signal 1...64 unless SIGEV_NONE, and for SIGEV_THREAD_ID a thread of
    /// the caller's process. SIGEV_THREAD is the C library's: the kernel
    /// sends its signal to the process.
    private static func notification(_ event: Sigevent) throws(Errno) -> PosixTimer.Notification {
        let caller = Scheduler.current
        var thread: Task? = nil
        switch event.sigev_notify {
        case Sigevent.SIGEV_NONE: return PosixTimer.Notification(signal: nil, value: event.sigev_value, thread: nil)
        case Sigevent.SIGEV_SIGNAL, Sigevent.SIGEV_THREAD: break
        case Sigevent.SIGEV_SIGNAL | Sigevent.SIGEV_THREAD_ID:
            guard let target = PidAllocation.task(event.sigev_notify_thread_id), target.group === caller.group else {
                throw .EINVAL
            }
            thread = target
        default: throw .EINVAL
        }
        guard let signal = Signal(rawValue: event.sigev_signo) else { throw .EINVAL }
        return PosixTimer.Notification(signal: signal, value: event.sigev_value, thread: thread)
    }

    /// timer_create(clock, sevp, timerid): a NULL sevp means SIGALRM for
    /// the process with the timer's ID as si_value.
    static func timerCreate(
        _ clockID: Int32, _ eventPointer: UserPointer<Sigevent>, _ idPointer: UserPointer<Int32>
    ) throws(Errno) -> Int64 {
        let clock = try clock(clockID)
        let event = eventPointer.isNull ? nil : try eventPointer.read()
        let group = Scheduler.current.group
        let timers = group.timers
        let id = try TaskList.lock.withLockIrqSave { () throws(Errno) -> Int32 in
            guard timers.posixTimers.count < Int(Int32.max) else { throw .EAGAIN }
            var id = timers.nextPosixTimerID
            while timers.posixTimer(id) != nil { id = id == .max ? 0 : id + 1 }
            timers.nextPosixTimerID = id == .max ? 0 : id + 1
            return id
        }
        let notification =
            try event.map { e throws(Errno) in try self.notification(e) }
            ?? PosixTimer.Notification(signal: .SIGALRM, value: UInt64(id), thread: nil)
        try idPointer.write(id)
        let timer = PosixTimer(id: id, clock: clock, notification: notification, owner: group)
        TaskList.lock.withLockIrqSave {
            timers.posixTimers.append(timer)
            if let target = clock.cpuTimeOwner { target.timers.cpuClockTimers.append(timer) }
        }
        return 0
    }

    /// The caller's timer `id`, with TaskList.lock held; EINVAL if none.
    private static func timer(_ id: Int32) throws(Errno) -> PosixTimer {
        guard let timer = Scheduler.current.group.timers.posixTimer(id) else { throw .EINVAL }
        return timer
    }

    /// What timer_gettime reports (Linux: common_timer_get): a SIGEV_NONE
    /// timer is brought up to date first; a due timer whose signal is on
    /// its way shows 1 ns left, never 0, which would mean disarmed.
    private static func current(_ timer: PosixTimer) -> Itimerspec {
        let now = timer.clock.now
        if timer.notification.signal == nil { _ = timer.setting.expire(at: now) }
        var left = timer.setting.remaining(at: now) ?? 0
        if left == 0 && timer.setting.isArmed { left = 1 }
        return Itimerspec(
            it_interval: Timespec(nanoseconds: Int64(clamping: timer.setting.interval)),
            it_value: Timespec(nanoseconds: Int64(clamping: left)))
    }

    /// timer_settime(id, flags, new, old): TIMER_ABSTIME makes it_value a
    /// time of the timer's clock; a zero it_value disarms it.
    static func timerSettime(
        _ id: Int32, _ flags: Int32, _ newPointer: UserPointer<Itimerspec>, _ oldPointer: UserPointer<Itimerspec>
    ) throws(Errno) -> Int64 {
        guard !newPointer.isNull else { throw .EINVAL }
        let new = try newPointer.read()
        guard let value = new.it_value.validNanoseconds, let interval = new.it_interval.validNanoseconds else {
            throw .EINVAL
        }
        let old = try TaskList.lock.withLockIrqSave { () throws(Errno) -> Itimerspec in
            let timer = try timer(id)
            let old = current(timer)
            let absolute = flags & TimerFlags.TIMER_ABSTIME != 0
            var start = UInt64(value)
            if absolute, case .global(let clock) = timer.clock,
                clock == .CLOCK_REALTIME || clock == .CLOCK_TAI || clock == .CLOCK_REALTIME_ALARM
            {
                start = UInt64(max(Timekeeping.monotonic(fromRealtime: value), 1))
            }
            timer.setting.set(value: start, interval: UInt64(interval), absolute: absolute, now: timer.clock.now)
            timer.overrun = 0
            timer.start()
            return old
        }
        if !oldPointer.isNull { try oldPointer.write(old) }
        return 0
    }

    static func timerGettime(_ id: Int32, _ result: UserPointer<Itimerspec>) throws(Errno) -> Int64 {
        let value = try TaskList.lock.withLockIrqSave { () throws(Errno) in current(try timer(id)) }
        try result.write(value)
        return 0
    }

    /// The overruns, capped at DELAYTIMER_MAX (INT_MAX).
    static func timerGetoverrun(_ id: Int32) throws(Errno) -> Int64 {
        try TaskList.lock.withLockIrqSave { () throws(Errno) in Int64(min(try timer(id).overrun, UInt64(Int32.max))) }
    }

    static func timerDelete(_ id: Int32) throws(Errno) -> Int64 {
        try TaskList.lock.withLockIrqSave { () throws(Errno) in
            let timer = try timer(id)
            let timers = Scheduler.current.group.timers
            timer.cancel()
            timers.posixTimers.removeAll { $0 === timer }
            if let target = timer.clock.cpuTimeOwner { target.timers.cpuClockTimers.removeAll { $0 === timer } }
        }
        return 0
    }
}
