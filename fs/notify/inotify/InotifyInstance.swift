import ABI
import Core
import Lib

/// An inotify instance (Linux: fs/notify/inotify, an fsnotify_group with
/// its inotify_inode_marks): the watches a process set, by watch
/// descriptor, and the queue of events they caught, which read(2) hands
/// out as struct inotify_event records.
final class InotifyInstance: FileOperations {
    /// Linux: /proc/sys/fs/inotify/max_queued_events and max_user_watches.
    static let maximumQueued = 16384
    static let maximumWatches = 8192

    /// Guards the queue; taken with Fsnotify's lock held, never the reverse.
    private let lock = SpinLock()
    private var queue: [(wd: Int32, mask: InotifyMask, cookie: UInt32, name: [UInt8])] = []
    private var overflowed = false
    /// Readers and pollers wait here.
    private let wait = WaitQueue()
    /// Under Fsnotify's lock.
    var watches: [InotifyWatch] = []
    private var lastDescriptor: Int32 = 0

    var isStream: Bool { true }
    var canPoll: Bool { true }

    /// The next watch descriptor; under Fsnotify's lock (Linux: idr_alloc_cyclic from 1).
    func nextDescriptor() -> Int32 {
        lastDescriptor = lastDescriptor == Int32.max ? 1 : lastDescriptor + 1
        return lastDescriptor
    }

    /// Queues one event (Linux: inotify_handle_inode_event): the same as
    /// the last one still queued merges with it; past the limit, one
    /// IN_Q_OVERFLOW stands for everything lost.
    func queue(wd: Int32, mask: InotifyMask, cookie: UInt32, name: [UInt8]) {
        lock.lock()
        if let last = queue.last, last.wd == wd, last.mask == mask, last.cookie == cookie, last.name == name {
            lock.unlock()
            return
        }
        if queue.count >= Self.maximumQueued {
            if !overflowed { queue.append((-1, .IN_Q_OVERFLOW, 0, [])) }
            overflowed = true
        } else {
            queue.append((wd, mask, cookie, name))
        }
        lock.unlock()
        wait.wakeUpAll()
    }

    /// The size of one record: the fixed part, then the name with at least
    /// one NUL, padded to a multiple of the fixed part (Linux: round_event_name_len).
    private static func recordSize(nameCount: Int) -> Int {
        let header = MemoryLayout<InotifyEvent>.size
        return header + (nameCount == 0 ? 0 : (nameCount + header) / header * header)
    }

    /// Linux: inotify_read. Whole records only, as many as fit; EINVAL if
    /// not even the first does. Waits for one unless O_NONBLOCK (EAGAIN).
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        var bytes: [UInt8] = []
        var failure: Errno? = nil
        try wait.waitInterruptible { () -> Bool in
            lock.lock()
            defer { lock.unlock() }
            guard !queue.isEmpty else {
                if file.isNonBlocking { failure = .EAGAIN }
                return failure != nil
            }
            var taken = 0
            for event in queue {
                let size = Self.recordSize(nameCount: event.name.count)
                guard bytes.count + size <= count else { break }
                bytes += Self.record(event, size: size)
                taken += 1
            }
            if taken == 0 {
                failure = .EINVAL
            } else {
                queue.removeFirst(taken)
                if queue.isEmpty { overflowed = false }
            }
            return true
        }
        if let failure { throw failure }
        return bytes
    }

    private static func record(
        _ event: (wd: Int32, mask: InotifyMask, cookie: UInt32, name: [UInt8]), size: Int
    ) -> [UInt8] {
        // struct inotify_event's four fields, each 4 bytes, in order.
        var record = [UInt8](repeating: 0, count: size)
        let header = MemoryLayout<InotifyEvent>.size
        record.storeLittleEndian(event.wd, at: 0)
        record.storeLittleEndian(event.mask.rawValue, at: 4)
        record.storeLittleEndian(event.cookie, at: 8)
        record.storeLittleEndian(UInt32(size - header), at: 12)
        record.storeBytes(event.name, at: header)
        return record
    }

    /// FIONREAD: the bytes of the queued records (Linux: inotify_ioctl).
    func ioctl(_ file: File, command: UInt32, argument: UInt64) throws(Errno) -> Int64 {
        guard command == IoctlCommand.FIONREAD.rawValue else { throw .ENOTTY }
        lock.lock()
        let waiting = queue.reduce(0) { $0 + Self.recordSize(nameCount: $1.name.count) }
        lock.unlock()
        try UserPointer<Int32>(address: argument).write(Int32(clamping: waiting))
        return 0
    }

    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        table?.wait(on: wait)
        lock.lock()
        defer { lock.unlock() }
        return queue.isEmpty ? [] : [.POLLIN, .POLLRDNORM]
    }

    /// The instance's file is closed: its watches go, with no IN_IGNORED
    /// since nobody can read it (Linux: fsnotify_destroy_group).
    func release(_ file: File) {
        Fsnotify.removeAll(of: self)
    }
}

/// One watch: an inode, the events asked about, and the descriptor they
/// are reported under (Linux: struct inotify_inode_mark).
final class InotifyWatch {
    let instance: InotifyInstance
    let inode: Inode
    let descriptor: Int32
    /// Under Fsnotify's lock.
    var mask: InotifyMask

    init(instance: InotifyInstance, inode: Inode, descriptor: Int32, mask: InotifyMask) {
        self.instance = instance
        self.inode = inode
        self.descriptor = descriptor
        self.mask = mask
    }
}
