// The event interfaces' flags: eventfd, signalfd, epoll, inotify, memfd and file
// seals (struct epoll_event and struct inotify_event are C, in
// include/uapi/linux/eventpoll.h and inotify.h).

/// eventfd2's flags. Linux: include/uapi/linux/eventfd.h.
public struct EventFdFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Each read takes 1 from the counter instead of all of it.
    public static let EFD_SEMAPHORE = EventFdFlags(rawValue: 1)
    public static let EFD_NONBLOCK = EventFdFlags(rawValue: OpenFlags.O_NONBLOCK.rawValue)
    public static let EFD_CLOEXEC = EventFdFlags(rawValue: OpenFlags.O_CLOEXEC.rawValue)
}

/// signalfd4's flags. Linux: include/uapi/linux/signalfd.h.
public struct SignalfdFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let SFD_NONBLOCK = SignalfdFlags(rawValue: OpenFlags.O_NONBLOCK.rawValue)
    public static let SFD_CLOEXEC = SignalfdFlags(rawValue: OpenFlags.O_CLOEXEC.rawValue)
}

/// What an epoll watch asks about and reports, and how it reports it.
/// The low bits are poll's. Linux: include/uapi/linux/eventpoll.h.
public struct EpollEvents: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ events: PollEvents) { rawValue = UInt32(events.rawValue) }

    public static let EPOLLIN = EpollEvents(.POLLIN)
    public static let EPOLLPRI = EpollEvents(.POLLPRI)
    public static let EPOLLOUT = EpollEvents(.POLLOUT)
    public static let EPOLLERR = EpollEvents(.POLLERR)
    public static let EPOLLHUP = EpollEvents(.POLLHUP)
    public static let EPOLLRDHUP = EpollEvents(.POLLRDHUP)
    /// Wake only one of several epolls watching the same file.
    public static let EPOLLEXCLUSIVE = EpollEvents(rawValue: 1 << 28)
    /// Keeps the system from suspending while the event is pending.
    public static let EPOLLWAKEUP = EpollEvents(rawValue: 1 << 29)
    /// Report once, then disable the watch until EPOLL_CTL_MOD.
    public static let EPOLLONESHOT = EpollEvents(rawValue: 1 << 30)
    /// Edge triggered: report a change, not a state.
    public static let EPOLLET = EpollEvents(rawValue: 1 << 31)

    /// The bits that say how, not what (Linux: EP_PRIVATE_BITS).
    public static let modes: EpollEvents = [.EPOLLWAKEUP, .EPOLLONESHOT, .EPOLLET, .EPOLLEXCLUSIVE]
    /// The only bits EPOLLEXCLUSIVE may come with (Linux: EPOLLEXCLUSIVE_OK_BITS).
    public static let exclusiveAllowed: EpollEvents = [
        .EPOLLIN, .EPOLLOUT, .EPOLLERR, .EPOLLHUP, .EPOLLWAKEUP, .EPOLLET, .EPOLLEXCLUSIVE,
        EpollEvents(.POLLRDNORM), EpollEvents(.POLLWRNORM), EpollEvents(.POLLRDBAND), EpollEvents(.POLLWRBAND),
    ]
    /// Always reported, asked or not.
    public static let always: EpollEvents = [.EPOLLERR, .EPOLLHUP]
}

/// epoll_ctl's operations.
public enum EpollOperation: Int32, Sendable {
    case EPOLL_CTL_ADD = 1
    case EPOLL_CTL_DEL = 2
    case EPOLL_CTL_MOD = 3
}

/// epoll_create1's one flag.
public enum EpollFlags {
    public static let EPOLL_CLOEXEC = OpenFlags.O_CLOEXEC.rawValue
}

/// memfd_create's flags. Linux: include/uapi/linux/memfd.h.
public struct MemfdFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let MFD_CLOEXEC = MemfdFlags(rawValue: 0x1)
    public static let MFD_ALLOW_SEALING = MemfdFlags(rawValue: 0x2)
    public static let MFD_HUGETLB = MemfdFlags(rawValue: 0x4)
    public static let MFD_NOEXEC_SEAL = MemfdFlags(rawValue: 0x8)
    public static let MFD_EXEC = MemfdFlags(rawValue: 0x10)
    /// A name is at most this long, without "memfd:" and the NUL (Linux: MFD_NAME_MAX_LEN).
    public static let nameMaximum = 249
}

/// The seals F_ADD_SEALS adds and F_GET_SEALS reports. Linux:
/// include/uapi/linux/fcntl.h.
public struct FileSeals: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// No more seals.
    public static let F_SEAL_SEAL = FileSeals(rawValue: 0x0001)
    /// The file may not shrink.
    public static let F_SEAL_SHRINK = FileSeals(rawValue: 0x0002)
    /// The file may not grow.
    public static let F_SEAL_GROW = FileSeals(rawValue: 0x0004)
    /// The contents may not change; refused while shared writable mappings exist.
    public static let F_SEAL_WRITE = FileSeals(rawValue: 0x0008)
    /// Like F_SEAL_WRITE, but mappings that already exist may still write.
    public static let F_SEAL_FUTURE_WRITE = FileSeals(rawValue: 0x0010)
    /// The execute bits may not change.
    public static let F_SEAL_EXEC = FileSeals(rawValue: 0x0020)

    public static let all: FileSeals = [
        .F_SEAL_SEAL, .F_SEAL_SHRINK, .F_SEAL_GROW, .F_SEAL_WRITE, .F_SEAL_FUTURE_WRITE, .F_SEAL_EXEC,
    ]
}

/// What an inotify watch asks about and an event reports, and how the
/// watch is set. Linux: include/uapi/linux/inotify.h.
public struct InotifyMask: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let IN_ACCESS = InotifyMask(rawValue: 0x0000_0001)
    public static let IN_MODIFY = InotifyMask(rawValue: 0x0000_0002)
    /// Metadata: permissions, owner, times, link count.
    public static let IN_ATTRIB = InotifyMask(rawValue: 0x0000_0004)
    public static let IN_CLOSE_WRITE = InotifyMask(rawValue: 0x0000_0008)
    public static let IN_CLOSE_NOWRITE = InotifyMask(rawValue: 0x0000_0010)
    public static let IN_OPEN = InotifyMask(rawValue: 0x0000_0020)
    public static let IN_MOVED_FROM = InotifyMask(rawValue: 0x0000_0040)
    public static let IN_MOVED_TO = InotifyMask(rawValue: 0x0000_0080)
    public static let IN_CREATE = InotifyMask(rawValue: 0x0000_0100)
    public static let IN_DELETE = InotifyMask(rawValue: 0x0000_0200)
    public static let IN_DELETE_SELF = InotifyMask(rawValue: 0x0000_0400)
    public static let IN_MOVE_SELF = InotifyMask(rawValue: 0x0000_0800)
    /// Reported, never asked for: the file system was unmounted.
    public static let IN_UNMOUNT = InotifyMask(rawValue: 0x0000_2000)
    /// The queue overflowed and events were lost.
    public static let IN_Q_OVERFLOW = InotifyMask(rawValue: 0x0000_4000)
    /// The watch is gone (removed, or its file was).
    public static let IN_IGNORED = InotifyMask(rawValue: 0x0000_8000)
    /// Watch only a directory (ENOTDIR otherwise).
    public static let IN_ONLYDIR = InotifyMask(rawValue: 0x0100_0000)
    /// Do not follow a final symlink.
    public static let IN_DONT_FOLLOW = InotifyMask(rawValue: 0x0200_0000)
    /// No events for children after they are unlinked.
    public static let IN_EXCL_UNLINK = InotifyMask(rawValue: 0x0400_0000)
    /// Fail with EEXIST if the file is watched already.
    public static let IN_MASK_CREATE = InotifyMask(rawValue: 0x1000_0000)
    /// Add to an existing watch's mask instead of replacing it.
    public static let IN_MASK_ADD = InotifyMask(rawValue: 0x2000_0000)
    /// The event's subject is a directory.
    public static let IN_ISDIR = InotifyMask(rawValue: 0x4000_0000)
    /// Remove the watch after its first event.
    public static let IN_ONESHOT = InotifyMask(rawValue: 0x8000_0000)

    /// The events a watch can ask for (Linux: IN_ALL_EVENTS).
    public static let allEvents = InotifyMask(rawValue: 0x0000_0FFF)
    /// Every bit inotify_add_watch accepts (Linux: ALL_INOTIFY_BITS).
    public static let valid: InotifyMask = [
        .allEvents, .IN_UNMOUNT, .IN_Q_OVERFLOW, .IN_IGNORED, .IN_ONLYDIR, .IN_DONT_FOLLOW, .IN_EXCL_UNLINK,
        .IN_MASK_CREATE, .IN_MASK_ADD, .IN_ISDIR, .IN_ONESHOT,
    ]
}

/// inotify_init1's flags.
public struct InotifyFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let IN_NONBLOCK = InotifyFlags(rawValue: OpenFlags.O_NONBLOCK.rawValue)
    public static let IN_CLOEXEC = InotifyFlags(rawValue: OpenFlags.O_CLOEXEC.rawValue)
}
