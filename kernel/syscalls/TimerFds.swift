import ABI
import Core
import Lib

/// timerfd_create, timerfd_settime and timerfd_gettime (Linux:
/// fs/timerfd.c). The timer is fs/TimerFd.swift.
enum TimerFdSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.timerfd_create, syscall(timerfdCreate)),
        (.timerfd_settime, syscall(timerfdSettime)),  // partial: TFD_TIMER_CANCEL_ON_SET is accepted but never cancels
        (.timerfd_gettime, syscall(timerfdGettime)),
    ]

    /// timerfd_create(clock, flags): CLOCK_REALTIME, MONOTONIC or BOOTTIME,
    /// or the alarm clocks with privilege (CAP_WAKE_ALARM); TFD_NONBLOCK
    /// and TFD_CLOEXEC.
    static func timerfdCreate(_ clockID: Int32, _ flags: Int32) throws(Errno) -> Int64 {
        guard flags & ~(TimerfdFlags.TFD_NONBLOCK | TimerfdFlags.TFD_CLOEXEC) == 0 else { throw .EINVAL }
        guard let clock = ClockID(rawValue: clockID) else { throw .EINVAL }
        switch clock {
        case .CLOCK_REALTIME, .CLOCK_MONOTONIC, .CLOCK_BOOTTIME: break
        case .CLOCK_REALTIME_ALARM, .CLOCK_BOOTTIME_ALARM:
            guard Scheduler.current.credentials.isPrivileged else { throw .EPERM }
        default: throw .EINVAL
        }
        let status: OpenFlags = flags & TimerfdFlags.TFD_NONBLOCK != 0 ? .O_NONBLOCK : []
        let file = AnonInodes.file(name: "[timerfd]", operations: TimerFd(clock: clock), flags: status.union(.O_RDWR))
        return Int64(
            try Scheduler.current.files.install(file, closeOnExec: flags & TimerfdFlags.TFD_CLOEXEC != 0))
    }

    /// The timerfd behind `descriptor`: EBADF for none, EINVAL for another kind of file.
    private static func timer(_ descriptor: FileDescriptor) throws(Errno) -> TimerFd {
        guard let timer = try Scheduler.current.files.file(descriptor.rawValue).operations as? TimerFd else {
            throw .EINVAL
        }
        return timer
    }

    /// timerfd_settime(fd, flags, new, old): TFD_TIMER_ABSTIME makes
    /// it_value a time of the timer's clock; a zero it_value disarms it.
    static func timerfdSettime(
        _ descriptor: FileDescriptor, _ flags: Int32, _ newPointer: UserPointer<Itimerspec>,
        _ oldPointer: UserPointer<Itimerspec>
    ) throws(Errno) -> Int64 {
        let known = TimerfdFlags.TFD_TIMER_ABSTIME | TimerfdFlags.TFD_TIMER_CANCEL_ON_SET
        guard flags & ~known == 0 else { throw .EINVAL }
        let new = try newPointer.read()
        let timer = try timer(descriptor)
        guard let value = new.it_value.validNanoseconds, let interval = new.it_interval.validNanoseconds else {
            throw .EINVAL
        }
        let absolute = flags & TimerfdFlags.TFD_TIMER_ABSTIME != 0
        var start = value
        if absolute && value > 0 && (timer.clock == .CLOCK_REALTIME || timer.clock == .CLOCK_REALTIME_ALARM) {
            start = max(Timekeeping.monotonic(fromRealtime: value), 1)
        }
        let old = timer.set(start: UInt64(start), interval: UInt64(interval), absolute: absolute)
        if !oldPointer.isNull { try oldPointer.write(old) }
        return 0
    }

    static func timerfdGettime(_ descriptor: FileDescriptor, _ result: UserPointer<Itimerspec>) throws(Errno) -> Int64 {
        try result.write(try timer(descriptor).current())
        return 0
    }
}
