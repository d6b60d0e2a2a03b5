import ABI
import Core
import Lib

/// A pipe (Linux: fs/pipe.c, struct pipe_inode_info): a 64 KiB ring of
/// bytes between a read end and a write end, each an open `File` of one
/// pipefs inode, or of a FIFO's inode (`Inode.pipe`), one per open. Readers sleep while it is empty and writers while
/// it is full; a read finds end-of-file once no writer is left, a write
/// fails with EPIPE and sends SIGPIPE once no reader is.
/// O_NONBLOCK turns each sleep into EAGAIN. Writes of at most PIPE_BUF
/// bytes go in whole or not at all, so they never interleave.
///
/// The pipe is both ends' file operations; its own spinlock guards the
/// ring and the counts, and nobody sleeps holding it.
final class Pipe: FileOperations {
    private let lock = SpinLock()
    private var buffer = ByteRing(capacity: PipeLimits.defaultCapacity)
    /// Packet boundaries, oldest first, once a packet-mode write has put
    /// one in (empty: all of the ring is one stream). A stream run between
    /// packets is an entry too (Linux: PIPE_BUF_FLAG_PACKET on a pipe_buffer).
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

    /// Linux: pipe_read. Returns what is there, up to `count`, without
    /// waiting for more; sleeps only while the pipe is empty and has
    /// writers. A packet is read alone, and what of it does not fit in
    /// `count` is discarded.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes: [UInt8] = []
        var failure: Errno? = nil
        try readWait.waitInterruptible { () -> Bool in
            lock.lock()
            defer { lock.unlock() }
            if !buffer.isEmpty {
                bytes = takeFirst(upTo: count)
                return true
            }
            if writers == 0 { return true }
            if file.isNonBlocking {
                failure = .EAGAIN
                return true
            }
            return false
        }
        if let failure { throw failure }
        if !bytes.isEmpty { writeWait.wakeUpAll() }
        return bytes
    }

    /// Up to `count` bytes of the oldest segment; under the lock.
    private func takeFirst(upTo count: Int) -> [UInt8] {
        guard let first = segments.first else { return buffer.removeFirst(upTo: count) }
        let bytes = buffer.removeFirst(upTo: min(count, first.length))
        if first.isPacket || bytes.count == first.length {
            _ = buffer.removeFirst(upTo: first.length - bytes.count)
            segments.removeFirst()
        } else {
            segments[0].length -= bytes.count
        }
        return bytes
    }

    /// Appends what fits of `bytes`, as packets of at most PIPE_BUF bytes
    /// each if `packets`; under the lock. Returns the count appended.
    private func append(_ bytes: ArraySlice<UInt8>, packets: Bool) -> Int {
        guard packets || !segments.isEmpty else { return buffer.append(bytes) }
        if segments.isEmpty && !buffer.isEmpty { segments.append((buffer.count, false)) }
        if !packets {
            let appended = buffer.append(bytes)
            if let last = segments.last, !last.isPacket {
                segments[segments.count - 1].length += appended
            } else if appended > 0 {
                segments.append((appended, false))
            }
            return appended
        }
        var appended = 0
        while appended < bytes.count {
            let packet = min(bytes.count - appended, PipeLimits.atomicWriteSize)
            guard buffer.freeSpace >= packet else { break }
            let start = bytes.startIndex + appended
            buffer.append(bytes[start..<start + packet])
            segments.append((packet, true))
            appended += packet
        }
        return appended
    }

    /// Linux: pipe_write. A write of at most PIPE_BUF bytes waits until
    /// all of it fits; a longer one puts in what fits, as often as it
    /// takes. With readers gone: EPIPE, or the count written before that.
    /// Through a file with O_DIRECT (pipe2's packet mode), each write, or
    /// each PIPE_BUF bytes of a longer one, is a packet.
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        guard !bytes.isEmpty else { return 0 }
        let atomic = bytes.count <= PipeLimits.atomicWriteSize
        var written = 0
        var failure: Errno? = nil
        while written < bytes.count && failure == nil {
            var progressed = false
            try writeWait.waitInterruptible { () -> Bool in
                lock.lock()
                defer { lock.unlock() }
                if readers == 0 {
                    failure = .EPIPE
                    return true
                }
                let appended =
                    buffer.freeSpace >= (atomic ? bytes.count : 1)
                    ? append(bytes[written...], packets: file.flags.contains(.O_DIRECT)) : 0
                if appended > 0 {
                    written += appended
                    progressed = true
                    return true
                }
                if file.isNonBlocking { failure = .EAGAIN }
                return failure != nil
            }
            if progressed { readWait.wakeUpAll() }
        }
        // A write to a pipe nobody reads also gets SIGPIPE (Linux: pipe_write's send_sig).
        if failure == .EPIPE { Signals.send(.SIGPIPE, toThread: Scheduler.current, from: nil) }
        if written > 0 { return written }
        if let failure { throw failure }
        return written
    }

    /// FIONREAD: the bytes waiting to be read (Linux: pipe_ioctl).
    func ioctl(_ file: File, command: UInt32, argument: UInt64) throws(Errno) -> Int64 {
        guard command == IoctlCommand.FIONREAD.rawValue else { throw .ENOTTY }
        lock.lock()
        let waiting = buffer.count
        lock.unlock()
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
            if !buffer.isEmpty { events.formUnion([.POLLIN, .POLLRDNORM]) }
            if writers == 0 {
                let seen = writerOpensSeen.first { $0.file == ObjectIdentifier(file) }?.count
                if seen != writerOpens { events.insert(.POLLHUP) }
            }
        }
        if writing {
            if buffer.freeSpace >= PipeLimits.atomicWriteSize { events.formUnion([.POLLOUT, .POLLWRNORM]) }
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

    /// Counts an end out; under the lock.
    private func leave(reading: Bool, writing: Bool) {
        if reading { readers -= 1 }
        if writing { writers -= 1 }
        if readers == 0 && writers == 0 {
            buffer = ByteRing(capacity: PipeLimits.defaultCapacity)
            segments = []
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
