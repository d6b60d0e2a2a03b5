// Waiting for file descriptors: poll's events (struct pollfd itself is C,
// in include/uapi/linux/poll.h), and select's descriptor-set size.

/// What poll(2) asks about and reports for one descriptor.
/// Linux: include/uapi/asm-generic/poll.h.
public struct PollEvents: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Data to read.
    public static let POLLIN = PollEvents(rawValue: 0x0001)
    /// Urgent data to read.
    public static let POLLPRI = PollEvents(rawValue: 0x0002)
    /// Writing will not block.
    public static let POLLOUT = PollEvents(rawValue: 0x0004)
    /// An error condition (always reported, never requested).
    public static let POLLERR = PollEvents(rawValue: 0x0008)
    /// Hung up: a pipe's writers are gone (always reported).
    public static let POLLHUP = PollEvents(rawValue: 0x0010)
    /// The descriptor is not open (always reported).
    public static let POLLNVAL = PollEvents(rawValue: 0x0020)
    public static let POLLRDNORM = PollEvents(rawValue: 0x0040)
    public static let POLLRDBAND = PollEvents(rawValue: 0x0080)
    public static let POLLWRNORM = PollEvents(rawValue: 0x0100)
    public static let POLLWRBAND = PollEvents(rawValue: 0x0200)
    public static let POLLMSG = PollEvents(rawValue: 0x0400)
    /// The peer closed its writing end (sockets).
    public static let POLLRDHUP = PollEvents(rawValue: 0x2000)

    /// What select's read set waits for (Linux: POLLIN_SET in fs/select.c).
    public static let readSet: PollEvents = [.POLLRDNORM, .POLLRDBAND, .POLLIN, .POLLHUP, .POLLERR]
    /// What select's write set waits for (POLLOUT_SET).
    public static let writeSet: PollEvents = [.POLLWRBAND, .POLLWRNORM, .POLLOUT, .POLLERR]
    /// What select's exception set waits for (POLLEX_SET).
    public static let exceptSet: PollEvents = [.POLLPRI]
}

extension PollFd {
    public init(fd: Int32, events: PollEvents, revents: PollEvents = []) {
        self.init(fd: fd, events: events.rawValue, revents: revents.rawValue)
    }
}

/// select's fd_set holds FD_SETSIZE bits, in 64-bit words on x86-64.
/// Linux: include/uapi/linux/posix_types.h (__FD_SETSIZE).
public enum FdSet {
    public static let FD_SETSIZE = 1024
}
