import ABI
import Core
import Lib

/// mq_open, mq_unlink, mq_timedsend, mq_timedreceive, mq_notify and
/// mq_getsetattr (Linux: ipc/mqueue.c). The queues are
/// ipc/MqueueInode.swift, their file system ipc/Mqueue.swift.
enum MqueueSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.mq_open, syscall(mqOpen)),
        (.mq_unlink, syscall(mqUnlink)),
        (.mq_timedsend, syscall(mqTimedsend)),
        (.mq_timedreceive, syscall(mqTimedreceive)),
        (.mq_notify, syscall(mqNotify)),
        (.mq_getsetattr, syscall(mqGetsetattr)),
    ]

    /// The bytes of the cookie a SIGEV_THREAD request points to (Linux: NOTIFY_COOKIE_LEN).
    private static let cookieSize = 32

    /// A queue's name, without the slash the C library strips: one name in
    /// the mqueue root (Linux: getname, then lookup_one_len): ENOENT if
    /// empty, EACCES for ".", ".." or a slash, ENAMETOOLONG past NAME_MAX.
    private static func queueName(_ name: UserString) throws(Errno) -> [UInt8] {
        let bytes = try name.path()
        guard !bytes.isEmpty else { throw .ENOENT }
        let dot = UInt8(ascii: ".")
        guard bytes != [dot], bytes != [dot, dot], !bytes.contains(UInt8(ascii: "/")) else { throw .EACCES }
        guard bytes.count <= PathLimits.nameMax else { throw .ENAMETOOLONG }
        return bytes
    }

    /// mq_open(name, oflag, mode, attr) (Linux: do_mq_open): the queue's
    /// file, opened as open(2) would open it in the mqueue root, and
    /// always close-on-exec. `attr` sizes a queue it creates; O_RDWR and
    /// O_WRONLY together are EINVAL.
    static func mqOpen(_ name: UserString, _ flags: OpenFlags, _ mode: UInt32, _ attributes: UserPointer<MqAttr>)
        throws(Errno) -> Int64
    {
        let requested = try attributes.isNull ? nil : attributes.read()
        let bytes = try queueName(name)
        guard flags.accessMode != .O_ACCMODE else { throw .EINVAL }
        let task = Scheduler.current
        let kept = flags.intersection([.O_ACCMODE, .O_CREAT, .O_EXCL, .O_NONBLOCK])
        let root = MqueueFS.root
        let file = try MqueueFS.creating(with: flags.contains(.O_CREAT) ? requested : nil) {
            () throws(Errno) -> File in
            try VFS.open(bytes, flags: kept, mode: mode & 0o7777 & ~task.fs.umask, relativeTo: root, root: root)
        }
        return Int64(try task.files.install(file, closeOnExec: true))
    }

    /// mq_unlink(name): the name goes; the queue lives on while open.
    /// Another user's queue is EACCES here, where unlink(2) in a mounted
    /// mqueue answers the sticky root's EPERM (as Linux does).
    static func mqUnlink(_ name: UserString) throws(Errno) -> Int64 {
        let root = MqueueFS.root
        do {
            try VFS.unlink(try queueName(name), relativeTo: root, root: root)
        } catch .EPERM {
            throw .EACCES
        }
        return 0
    }

    /// mq_timedsend(mqdes, msg_ptr, msg_len, msg_prio, abs_timeout): EINVAL
    /// for a priority from MQ_PRIO_MAX on or a malformed timeout, EBADF
    /// for a descriptor that is no queue open for writing, EMSGSIZE for a
    /// message over mq_msgsize.
    static func mqTimedsend(
        _ descriptor: FileDescriptor, _ message: UserPointer<UInt8>, _ length: UInt64, _ priority: UInt32,
        _ time: UserPointer<Timespec>
    ) throws(Errno) -> Int64 {
        guard priority < MqueueLimits.priorityLimit else { throw .EINVAL }
        let timeout = try jiffies(until: time)
        let (file, queue) = try queueFile(descriptor)
        guard file.mayWrite else { throw .EBADF }
        guard length <= UInt64(queue.maximumSize) else { throw .EMSGSIZE }
        try queue.send(try message.read(count: Int(length)), priority: priority, file: file, timeout: timeout)
        return 0
    }

    /// mq_timedreceive(mqdes, msg_ptr, msg_len, msg_prio, abs_timeout): the
    /// message's length; EMSGSIZE for a buffer under mq_msgsize.
    static func mqTimedreceive(
        _ descriptor: FileDescriptor, _ buffer: UserPointer<UInt8>, _ length: UInt64,
        _ priority: UserPointer<UInt32>, _ time: UserPointer<Timespec>
    ) throws(Errno) -> Int64 {
        let timeout = try jiffies(until: time)
        let (file, queue) = try queueFile(descriptor)
        guard file.mayRead else { throw .EBADF }
        guard length >= UInt64(queue.maximumSize) else { throw .EMSGSIZE }
        let message = try queue.receive(file: file, timeout: timeout)
        try buffer.write(message.text)
        if !priority.isNull { try priority.write(message.priority) }
        return Int64(message.text.count)
    }

    /// mq_notify(mqdes, sevp) (Linux: do_mq_notify): registers the process
    /// for a signal (SIGEV_SIGNAL, any signal up to 64, 0 sending none) or
    /// nothing (SIGEV_NONE) when a message reaches the empty queue; EBUSY
    /// while a registration stands. NULL ends the caller's own. SIGEV_THREAD
    /// needs a netlink socket in sigev_signo, and Apus has no sockets:
    /// EBADF for a closed descriptor, ENOTSOCK for any other.
    static func mqNotify(_ descriptor: FileDescriptor, _ event: UserPointer<Sigevent>) throws(Errno) -> Int64 {
        let request = try event.isNull ? nil : event.read()
        if let request {
            switch request.sigev_notify {
            case Sigevent.SIGEV_NONE: break
            case Sigevent.SIGEV_SIGNAL:
                guard (0...Signal._NSIG).contains(request.sigev_signo) else { throw .EINVAL }
            case Sigevent.SIGEV_THREAD:
                _ = try UserPointer<UInt8>(address: request.sigev_value).read(count: cookieSize)
                _ = try Scheduler.current.files.file(request.sigev_signo)
                throw .ENOTSOCK
            default: throw .EINVAL
            }
        }
        let (_, queue) = try queueFile(descriptor)
        let owner = Scheduler.current.group
        if let request {
            try queue.register(
                how: request.sigev_notify, signal: request.sigev_signo, value: request.sigev_value, owner: owner)
        } else {
            queue.unregister(owner)
        }
        return 0
    }

    /// mq_getsetattr(mqdes, newattr, oldattr): the attributes, with
    /// O_NONBLOCK as mq_flags, then the new mq_flags (only O_NONBLOCK, else
    /// EINVAL) set on the open file.
    static func mqGetsetattr(
        _ descriptor: FileDescriptor, _ new: UserPointer<MqAttr>, _ old: UserPointer<MqAttr>
    ) throws(Errno) -> Int64 {
        let request = try new.isNull ? nil : new.read()
        if let request, request.mq_flags & ~Int64(OpenFlags.O_NONBLOCK.rawValue) != 0 { throw .EINVAL }
        let (file, queue) = try queueFile(descriptor)
        let attributes = queue.attributes(of: file)
        if let request { file.setNonBlocking(request.mq_flags != 0) }
        if !old.isNull { try old.write(attributes) }
        return 0
    }

    /// The open queue `descriptor` names; EBADF for any other file.
    private static func queueFile(_ descriptor: FileDescriptor) throws(Errno) -> (File, MessageQueue) {
        let file = try Scheduler.current.files.file(descriptor.rawValue)
        guard let queue = file.operations as? MessageQueue else { throw .EBADF }
        return (file, queue)
    }

    /// An absolute CLOCK_REALTIME timeout as the jiffies from now to it,
    /// rounded up, 0 if it has passed; nil for none. EINVAL if malformed,
    /// checked before anything else, as Linux's prepare_timeout does.
    private static func jiffies(until time: UserPointer<Timespec>) throws(Errno) -> UInt64? {
        guard !time.isNull else { return nil }
        guard let realtime = try time.read().validNanoseconds else { throw .EINVAL }
        let left = Timekeeping.monotonic(fromRealtime: realtime) - Timekeeping.monotonic
        guard left > 0 else { return 0 }
        let jiffy = Int64(1_000_000_000 / Jiffies.hz)
        return UInt64(left / jiffy + (left % jiffy == 0 ? 0 : 1))
    }
}
