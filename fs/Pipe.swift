import ABI
import Core
import Lib

/// A pipe (Linux: fs/pipe.c, struct pipe_inode_info): 64 KiB in a ring of
/// pages between a read end and a write end, each an open `File` of one
/// pipefs inode, or of a FIFO's inode (`Inode.pipe`), one per open. Readers
/// sleep while it is empty and writers while it is full; a read finds
/// end-of-file once no writer is left, a write fails with EPIPE and sends
/// SIGPIPE once no reader is. O_NONBLOCK turns each sleep into EAGAIN.
/// Writes of at most PIPE_BUF bytes go in whole or not at all, so they
/// never interleave.
///
/// Reads and writes copy straight between the caller's memory and the
/// pages, so they hold a mutex (Linux: pipe->mutex), not a spinlock: a
/// copy that faults may sleep. The spinlock guards the ring's positions
/// and the counts of ends, which poll reads without the mutex (epoll calls
/// it under a spinlock); the positions change with both held, so either
/// one is enough to read them. Nobody sleeps holding the spinlock.
final class Pipe: IteratingFileOperations {
    private static let pageBytes = Int(MemoryLayout64.pageSize)
    private static let pageCount = PipeLimits.defaultCapacity / pageBytes

    private let mutex = Mutex()
    private let lock = SpinLock()
    private var ring = ByteRing(pieces: Pipe.pageCount, pieceSize: Pipe.pageBytes)
    /// The ring's pages, each allocated when the ring first reaches it;
    /// under the mutex (Linux: the pages of pipe->bufs).
    private var pages = [Frame?](repeating: nil, count: Pipe.pageCount)
    /// Packet boundaries, oldest first, once a packet-mode write has put
    /// one in (empty: all of the ring is one stream). A stream run between
    /// packets is an entry too (Linux: PIPE_BUF_FLAG_PACKET on a
    /// pipe_buffer). Under the mutex.
    private var segments: [(length: Int, isPacket: Bool)] = []
    private var readers: Int
    private var writers: Int
    /// Opens of each end so far, which a FIFO's opener waits to see change
    /// (Linux: r_counter, w_counter).
    private var readerOpens: Int
    private var writerOpens: Int
    /// FIFO readers opened with O_NONBLOCK and no writer, and the writer
    /// opens they saw: no POLLHUP for them until a writer has come
    /// (Linux keeps this in f_version).
    private var writerOpensSeen: [(file: ObjectIdentifier, count: Int)] = []
    /// Readers wait here for bytes or the last writer's close.
    private let readWait = WaitQueue()
    /// Writers wait here for room or the last reader's close.
    private let writeWait = WaitQueue()

    /// An anonymous pipe has one end of each; a FIFO's ends come with its opens.
    init(ends: Int) {
        readers = ends
        writers = ends
        readerOpens = ends
        writerOpens = ends
    }

    var isStream: Bool { true }
    var canPoll: Bool { true }
    var iterating: (any IteratingFileOperations)? { self }

    /// Runs `body` under the spinlock.
    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Runs `wait` with the mutex let go, and takes it again, whether
    /// `wait` returns or throws (Linux: the __pipe_unlock and __pipe_lock
    /// around pipe_read's and pipe_write's sleeps).
    private func unlockedMutex(_ wait: () throws(Errno) -> Void) throws(Errno) {
        mutex.unlock()
        defer { mutex.lock() }
        try wait()
    }

    // MARK: Reading

    /// Linux: pipe_read. Copies what is there, up to `count` bytes, into
    /// the caller's memory without waiting for more; sleeps only while the
    /// pipe is empty and has writers. A fault before any byte is EFAULT.
    func read(_ file: File, to iter: inout IOVIter, count: Int, at offset: inout Int64) throws(Errno) -> Int {
        try read(file, count: count) { (frame, offset, length) in iter.copy(from: frame, at: offset, count: length) }
    }

    /// The same into kernel bytes (the kernel's own reads).
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        var bytes: [UInt8] = []
        _ = try read(file, count: count) { (frame, offset, length) in
            bytes += frame.read(at: offset, count: length)
            return length
        }
        return bytes
    }

    /// Waits for bytes or end-of-file, then has `copy(frame, offset,
    /// length)` move up to `count` of the oldest bytes out of the pages;
    /// the count moved.
    private func read(_ file: File, count: Int, _ copy: (Frame, Int, Int) -> Int) throws(Errno) -> Int {
        guard count > 0 else { return 0 }
        var moved = 0
        defer { if moved > 0 { writeWait.wakeUpAll() } }
        mutex.lock()
        defer { mutex.unlock() }
        while locked({ ring.isEmpty }) {
            if locked({ writers }) == 0 { return 0 }
            if file.isNonBlocking { throw .EAGAIN }
            try unlockedMutex { () throws(Errno) in
                try readWait.waitInterruptible { locked { !ring.isEmpty || writers == 0 } }
            }
        }
        moved = try takeFirst(upTo: count, copy)
        return moved
    }

    /// Copies out up to `count` bytes of the oldest segment: a packet is
    /// read alone, and what of it does not fit in `count` is discarded.
    /// Only the bytes copied leave the ring, and a packet only whole; a
    /// fault before any byte, or in a packet, is EFAULT. Under the mutex.
    private func takeFirst(upTo count: Int, _ copy: (Frame, Int, Int) -> Int) throws(Errno) -> Int {
        let segment = segments.first
        let wanted = min(count, segment?.length ?? ring.count)
        let copied = ring.forEachRun(from: 0, count: wanted) { (page, offset, length) in
            copy(pages[page]!, offset, length)
        }
        let isPacket = segment?.isPacket ?? false
        guard copied > 0, copied == wanted || !isPacket else { throw .EFAULT }
        let taken = isPacket ? segment!.length : copied
        locked { ring.removeFirst(taken) }
        if let segment {
            if taken == segment.length { segments.removeFirst() } else { segments[0].length -= taken }
        }
        return copied
    }

    // MARK: Writing

    /// Linux: pipe_write. A write of at most PIPE_BUF bytes waits until
    /// all of it fits; a longer one puts in what fits, as often as it
    /// takes. With readers gone: EPIPE, or the count written before that.
    /// Through a file with O_DIRECT (pipe2's packet mode), each write, or
    /// each PIPE_BUF bytes of a longer one, is a packet.
    func write(_ file: File, from iter: inout IOVIter, count: Int, at offset: inout Int64) throws(Errno) -> Int {
        try write(file, count: min(count, iter.remaining)) { (frame, offset, length) in
            iter.copy(to: frame, at: offset, count: length)
        }
    }

    /// The same from kernel bytes (sendfile's, the kernel's own writes).
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        var done = 0
        return try write(file, count: bytes.count) { (frame, offset, length) in
            frame.write(Array(bytes[done..<done + length]), at: offset)
            done += length
            return length
        }
    }

    /// Has `copy(frame, offset, length)` move `count` bytes into the
    /// pages, waiting for room as the rules above say; the count moved.
    private func write(_ file: File, count: Int, _ copy: (Frame, Int, Int) -> Int) throws(Errno) -> Int {
        guard count > 0 else { return 0 }
        let packets = file.flags.contains(.O_DIRECT)
        let packet = PipeLimits.atomicWriteSize
        var written = 0
        var failure: Errno? = nil
        mutex.lock()
        while written < count && failure == nil {
            let wanted = count - written
            // What must fit before any of it goes in: all of a small write, a whole packet, or a byte.
            let needed = count <= packet ? count : packets ? min(wanted, packet) : 1
            let (room, reading) = locked { (ring.freeSpace, readers) }
            if reading == 0 {
                failure = .EPIPE
            } else if room >= needed {
                let length = wanted <= room ? wanted : packets ? room / packet * packet : room
                written += store(length, packets: packets, copy, failure: &failure)
            } else if file.isNonBlocking {
                failure = .EAGAIN
            } else {
                do throws(Errno) {
                    try unlockedMutex { () throws(Errno) in
                        if written > 0 { readWait.wakeUpAll() }
                        try writeWait.waitInterruptible { locked { readers == 0 || ring.freeSpace >= needed } }
                    }
                } catch {
                    failure = error
                }
            }
        }
        mutex.unlock()
        if written > 0 { readWait.wakeUpAll() }
        // A write to a pipe nobody reads also gets SIGPIPE (Linux: pipe_write's send_sig).
        if failure == .EPIPE { Signals.send(.SIGPIPE, toThread: Scheduler.current, from: nil) }
        if written == 0, let failure { throw failure }
        return written
    }

    /// Copies `length` bytes in after the last, allocating the pages they
    /// reach, and notes their packets; under the mutex. Returns the count
    /// stored; fewer with ENOMEM or EFAULT in `failure` when a page could
    /// not be had or the copy faulted.
    private func store(_ length: Int, packets: Bool, _ copy: (Frame, Int, Int) -> Int, failure: inout Errno?) -> Int {
        var stopped: Errno? = nil
        let stored = ring.forEachRun(from: ring.count, count: length) { (page, offset, run) in
            guard let frame = pages[page] ?? allocatePage(page) else {
                stopped = .ENOMEM
                return 0
            }
            let moved = copy(frame, offset, run)
            if moved < run { stopped = .EFAULT }
            return moved
        }
        noteSegments(stored, packets: packets)
        locked { ring.append(count: stored) }
        failure = stopped
        return stored
    }

    /// Records `length` bytes about to join the ring as packets of at most
    /// PIPE_BUF bytes each, or as stream bytes; under the mutex.
    private func noteSegments(_ length: Int, packets: Bool) {
        guard length > 0, packets || !segments.isEmpty else { return }
        if segments.isEmpty && !ring.isEmpty { segments.append((ring.count, false)) }
        guard packets else {
            if let last = segments.last, !last.isPacket {
                segments[segments.count - 1].length += length
            } else {
                segments.append((length, false))
            }
            return
        }
        var noted = 0
        while noted < length {
            let packet = min(length - noted, PipeLimits.atomicWriteSize)
            segments.append((packet, true))
            noted += packet
        }
    }

    /// A page for the ring's `index`th; nil once free memory is down to
    /// the reserve user memory may not take (Linux: alloc_page with
    /// GFP_HIGHUSER | __GFP_ACCOUNT).
    private func allocatePage(_ index: Int) -> Frame? {
        pages[index] = PageAllocator.allocatePage(keepingFree: PageAllocator.minFreePages, zeroed: false)
        return pages[index]
    }

    /// FIONREAD: the bytes waiting to be read (Linux: pipe_ioctl).
    func ioctl(_ file: File, command: UInt32, argument: UInt64) throws(Errno) -> Int64 {
        guard command == IoctlCommand.FIONREAD.rawValue else { throw .ENOTTY }
        let waiting = locked { ring.count }
        try UserPointer<Int32>(address: argument).write(Int32(waiting))
        return 0
    }

    /// Linux: pipe_poll. The read end is ready with data or at end-of-file
    /// (POLLHUP once the writers are gone); the write end with room for
    /// PIPE_BUF bytes, or with POLLERR once the readers are gone.
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        let reading = file.mayRead
        let writing = file.mayWrite
        if reading { table?.wait(on: readWait) }
        if writing { table?.wait(on: writeWait) }
        lock.lock()
        defer { lock.unlock() }
        var events: PollEvents = []
        if reading {
            if !ring.isEmpty { events.formUnion([.POLLIN, .POLLRDNORM]) }
            if writers == 0 {
                let seen = writerOpensSeen.first { $0.file == ObjectIdentifier(file) }?.count
                if seen != writerOpens { events.insert(.POLLHUP) }
            }
        }
        if writing {
            if ring.freeSpace >= PipeLimits.atomicWriteSize { events.formUnion([.POLLOUT, .POLLWRNORM]) }
            if readers == 0 { events.insert(.POLLERR) }
        }
        return events
    }

    /// One end's last reference is gone: the other side may now see
    /// end-of-file or EPIPE (Linux: pipe_release). A FIFO that nobody has
    /// open any more drops what is left in it (Linux: free_pipe_info).
    func release(_ file: File) {
        lock.lock()
        leave(reading: file.mayRead, writing: file.mayWrite)
        writerOpensSeen.removeAll { $0.file == ObjectIdentifier(file) }
        lock.unlock()
        readWait.wakeUpAll()
        writeWait.wakeUpAll()
    }

    /// Counts an end out; under the lock. With no end left, nobody can be
    /// reading or writing, so the lock is enough to drop the contents and
    /// free the pages.
    private func leave(reading: Bool, writing: Bool) {
        if reading { readers -= 1 }
        if writing { writers -= 1 }
        guard readers == 0 && writers == 0 else { return }
        ring.removeFirst(ring.count)
        segments = []
        for index in pages.indices {
            guard let frame = pages[index] else { continue }
            try? PageAllocator.free(frame.address)
            pages[index] = nil
        }
    }

    /// Opening a FIFO (Linux: fifo_open): counts the new ends in and
    /// returns the file `makeFile` makes. A reader waits for a writer and
    /// a writer for a reader, unless one is there or has come and gone
    /// since; O_RDWR never waits. With O_NONBLOCK a reader does not wait,
    /// and a writer without a reader fails with ENXIO.
    func openFifo(flags: OpenFlags, makeFile: () -> File) throws(Errno) -> File {
        let reading = flags.accessMode != .O_WRONLY
        let writing = flags.accessMode != .O_RDONLY
        let nonBlocking = flags.contains(.O_NONBLOCK)
        lock.lock()
        if writing && !reading && nonBlocking && readers == 0 {
            lock.unlock()
            throw .ENXIO
        }
        if reading {
            readers += 1
            readerOpens += 1
        }
        if writing {
            writers += 1
            writerOpens += 1
        }
        let seen = reading && !writing && nonBlocking && writers == 0 ? writerOpens : nil
        let partner =
            reading && writing || nonBlocking ? nil : reading ? (writers, writerOpens) : (readers, readerOpens)
        lock.unlock()
        readWait.wakeUpAll()
        writeWait.wakeUpAll()
        if let partner, partner.0 == 0 {
            do throws(Errno) {
                try (reading ? readWait : writeWait).waitInterruptible { () -> Bool in
                    lock.lock()
                    defer { lock.unlock() }
                    return (reading ? writerOpens : readerOpens) != partner.1
                }
            } catch {
                lock.lock()
                leave(reading: reading, writing: writing)
                lock.unlock()
                readWait.wakeUpAll()
                writeWait.wakeUpAll()
                throw error
            }
        }
        let file = makeFile()
        if let seen {
            lock.lock()
            writerOpensSeen.append((ObjectIdentifier(file), seen))
            lock.unlock()
        }
        return file
    }
}

/// The two ends of a new pipe, `flags` holding O_NONBLOCK and O_DIRECT if wanted
/// (Linux: create_pipe_files).
public func createPipeFiles(flags: OpenFlags) -> (reader: File, writer: File) {
    let pipe = Pipe(ends: 1)
    let inode = Inode(
        superBlock: Pipefs.place.mount.superBlock, mode: FileMode.S_IFIFO | 0o600,
        operations: PseudoInodeOperations.shared, fileOperations: pipe)
    inode.initOwner(in: nil, as: VFS.callerCredentials)  // Linux: get_pipe_inode
    let name = Array("pipe:[\(inode.ino)]".utf8)
    let path = Path(mount: Pipefs.place.mount, dentry: Dentry(pseudo: name, inode: inode))
    let status = flags.intersection([.O_NONBLOCK, .O_DIRECT])
    return (
        File(path: path, inode: inode, flags: status.union(.O_RDONLY), operations: pipe),
        File(path: path, inode: inode, flags: status.union(.O_WRONLY), operations: pipe)
    )
}

/// The internal filesystem pipes' inodes belong to (Linux: pipefs, whose
/// kern_mount gives their files a place).
enum Pipefs {
    static var place: Path { mount.value }
    private static let mount = BootOnce<Path>(
        PseudoFilesystem.mount(typeName: "pipefs", magic: FilesystemMagic.PIPEFS_MAGIC))
}
