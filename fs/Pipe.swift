import ABI
import Core
import Lib

/// An anonymous pipe (Linux: fs/pipe.c, struct pipe_inode_info): a 64 KiB
/// ring of bytes between a read end and a write end, each an open `File`
/// of one pipefs inode. Readers sleep while it is empty and writers while
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
    /// A new pipe has one end of each.
    private var readers = 1
    private var writers = 1
    /// Readers wait here for bytes or the last writer's close.
    private let readWait = WaitQueue()
    /// Writers wait here for room or the last reader's close.
    private let writeWait = WaitQueue()

    var isStream: Bool { true }
    var canPoll: Bool { true }

    /// Linux: pipe_read. Returns what is there, up to `count`, without
    /// waiting for more; sleeps only while the pipe is empty and has writers.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes: [UInt8] = []
        var failure: Errno? = nil
        try readWait.waitInterruptible { () -> Bool in
            lock.lock()
            defer { lock.unlock() }
            if !buffer.isEmpty {
                bytes = buffer.removeFirst(upTo: count)
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

    /// Linux: pipe_write. A write of at most PIPE_BUF bytes waits until
    /// all of it fits; a longer one puts in what fits, as often as it
    /// takes. With readers gone: EPIPE, or the count written before that.
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
                if buffer.freeSpace >= (atomic ? bytes.count : 1) {
                    written += buffer.append(bytes[written...])
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
        if file.mayRead { table?.wait(on: readWait) }
        if file.mayWrite { table?.wait(on: writeWait) }
        lock.lock()
        defer { lock.unlock() }
        var events: PollEvents = []
        if file.mayRead {
            if !buffer.isEmpty { events.formUnion([.POLLIN, .POLLRDNORM]) }
            if writers == 0 { events.insert(.POLLHUP) }
        }
        if file.mayWrite {
            if buffer.freeSpace >= PipeLimits.atomicWriteSize { events.formUnion([.POLLOUT, .POLLWRNORM]) }
            if readers == 0 { events.insert(.POLLERR) }
        }
        return events
    }

    /// One end's last reference is gone: the other side may now see
    /// end-of-file or EPIPE (Linux: pipe_release).
    func release(_ file: File) {
        lock.lock()
        if file.mayRead { readers -= 1 }
        if file.mayWrite { writers -= 1 }
        lock.unlock()
        readWait.wakeUpAll()
        writeWait.wakeUpAll()
    }
}

/// The two ends of a new pipe, `flags` holding O_NONBLOCK if wanted
/// (Linux: create_pipe_files).
public func createPipeFiles(flags: OpenFlags) -> (reader: File, writer: File) {
    let pipe = Pipe()
    let inode = Inode(
        superBlock: Pipefs.place.mount.superBlock, mode: FileMode.S_IFIFO | 0o600,
        operations: PseudoInodeOperations.shared, fileOperations: pipe)
    inode.initOwner(in: nil, as: VFS.callerCredentials)  // Linux: get_pipe_inode
    let name = Array("pipe:[\(inode.ino)]".utf8)
    let path = Path(mount: Pipefs.place.mount, dentry: Dentry(pseudo: name, inode: inode))
    let status = flags.intersection(.O_NONBLOCK)
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
