import ABI
import Core
import Lib

/// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait and
/// epoll_pwait2 (Linux: fs/eventpoll.c). The instance is fs/Eventpoll.swift.
enum EventpollSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.epoll_create, syscall(epollCreate)),
        (.epoll_create1, syscall(epollCreate1)),
        (.epoll_ctl, syscall(epollControl)),
        (.epoll_wait, syscall(epollWait)),
        (.epoll_pwait, syscall(epollPwait)),
        (.epoll_pwait2, syscall(epollPwait2)),
    ]

    /// Linux: EP_MAX_EVENTS, so that the array's size fits an int.
    private static let maximumEvents = Int(Int32.max) / MemoryLayout<EpollEvent>.stride

    /// epoll_create(size): the size is a hint, but must be positive.
    static func epollCreate(_ size: Int32) throws(Errno) -> Int64 {
        guard size > 0 else { throw .EINVAL }
        return try create(closeOnExec: false)
    }

    static func epollCreate1(_ flags: Int32) throws(Errno) -> Int64 {
        guard flags & ~EpollFlags.EPOLL_CLOEXEC == 0 else { throw .EINVAL }
        return try create(closeOnExec: flags != 0)
    }

    private static func create(closeOnExec: Bool) throws(Errno) -> Int64 {
        let file = AnonInodes.file(name: "[eventpoll]", operations: Eventpoll(), flags: .O_RDWR)
        return Int64(try Scheduler.current.files.install(file, closeOnExec: closeOnExec))
    }

    /// epoll_ctl(epfd, op, fd, event) (Linux: do_epoll_ctl). EPERM for a
    /// file that cannot be polled (a regular file), EINVAL if `epfd` is no
    /// epoll or is `fd` itself, or for EPOLLEXCLUSIVE where it may not be.
    static func epollControl(
        _ epollDescriptor: FileDescriptor, _ operation: Int32, _ descriptor: FileDescriptor,
        _ event: UserPointer<EpollEvent>
    ) throws(Errno) -> Int64 {
        let request = operation == EpollOperation.EPOLL_CTL_DEL.rawValue ? nil : try event.read()
        let files = Scheduler.current.files
        let epollFile = try files.file(epollDescriptor.rawValue)
        let file = try files.file(descriptor.rawValue)
        guard file.operations.canPoll else { throw .EPERM }
        guard epollFile !== file, let eventpoll = epollFile.operations as? Eventpoll else { throw .EINVAL }
        // Error and hang-up are always reported; EPOLLWAKEUP needs a
        // suspend to block, and there is none.
        var events = EpollEvents(rawValue: request?.events ?? 0).union(.always)
        events.remove(.EPOLLWAKEUP)
        if events.contains(.EPOLLEXCLUSIVE) {
            guard operation == EpollOperation.EPOLL_CTL_ADD.rawValue, !(file.operations is Eventpoll),
                events.subtracting(.exclusiveAllowed).isEmpty
            else { throw .EINVAL }
        }
        let data = request?.data ?? 0
        switch EpollOperation(rawValue: operation) {
        case .EPOLL_CTL_ADD: try eventpoll.add(file, descriptor: descriptor.rawValue, events: events, data: data)
        case .EPOLL_CTL_MOD: try eventpoll.modify(file, descriptor: descriptor.rawValue, events: events, data: data)
        case .EPOLL_CTL_DEL: try eventpoll.remove(file, descriptor: descriptor.rawValue)
        case nil: throw .EINVAL
        }
        return 0
    }

    static func epollWait(
        _ epollDescriptor: FileDescriptor, _ events: UserPointer<EpollEvent>, _ maximum: Int32, _ milliseconds: Int32
    ) throws(Errno) -> Int64 {
        let timeout = milliseconds < 0 ? nil : Jiffies.fromMilliseconds(UInt64(milliseconds))
        return try wait(epollDescriptor, events, maximum, timeout: timeout)
    }

    /// epoll_pwait(epfd, events, maxevents, timeout, sigmask, sigsetsize):
    /// the wait with `sigmask` blocked.
    static func epollPwait(
        _ epollDescriptor: FileDescriptor, _ events: UserPointer<EpollEvent>, _ maximum: Int32, _ milliseconds: Int32,
        _ mask: UserPointer<UInt64>, _ setSize: UInt64
    ) throws(Errno) -> Int64 {
        try Signals.withTemporaryMask(mask, size: setSize) { () throws(Errno) -> Int64 in
            try epollWait(epollDescriptor, events, maximum, milliseconds)
        }
    }

    /// epoll_pwait2(epfd, events, maxevents, timeout, sigmask, sigsetsize):
    /// the timeout a timespec, NULL to wait forever.
    static func epollPwait2(
        _ epollDescriptor: FileDescriptor, _ events: UserPointer<EpollEvent>, _ maximum: Int32,
        _ time: UserPointer<Timespec>, _ mask: UserPointer<UInt64>, _ setSize: UInt64
    ) throws(Errno) -> Int64 {
        let timeout = try time.isNull ? nil : PollSyscalls.jiffies(try time.read())
        return try Signals.withTemporaryMask(mask, size: setSize) { () throws(Errno) -> Int64 in
            try wait(epollDescriptor, events, maximum, timeout: timeout)
        }
    }

    /// Linux: do_epoll_wait and ep_poll. Returns as soon as any event is
    /// ready, with up to `maximum` of them; 0 once `timeout` jiffies pass;
    /// EINTR if a signal comes first, never restarted, as on Linux.
    private static func wait(
        _ epollDescriptor: FileDescriptor, _ events: UserPointer<EpollEvent>, _ maximum: Int32, timeout: UInt64?
    ) throws(Errno) -> Int64 {
        guard maximum > 0, Int(maximum) <= maximumEvents else { throw .EINVAL }
        let file = try Scheduler.current.files.file(epollDescriptor.rawValue)
        guard let eventpoll = file.operations as? Eventpoll else { throw .EINVAL }
        var remaining = timeout
        while true {
            let ready = eventpoll.collect(maximum: Int(maximum))
            if !ready.isEmpty {
                try events.write(ready)
                return Int64(ready.count)
            }
            if remaining == 0 { return 0 }
            remaining = try eventpoll.waitForEvents(timeout: remaining)
        }
    }
}
