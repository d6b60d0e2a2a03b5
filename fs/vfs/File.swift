import ABI
import Core
import Lib
import Synchronization

/// An open file (Linux: struct file, fs/file_table.c): where it was
/// opened, the open flags that still matter, and the position that read,
/// write and getdents advance. Descriptors refer to these; dup'd and
/// inherited descriptors share one, and with it the position and flags.
///
/// Swift's reference counting is Linux's f_count: when the last
/// descriptor and the last system call in progress let go, `deinit` is the
/// final fput and tells the file operations (a pipe counts its ends so).
public final class File {
    public let path: Path
    /// The inode, held even if its last name is removed: the file stays
    /// readable and writable until the last reference goes.
    public let inode: Inode
    /// The inode's file operations, or a device driver's for a device node
    /// (Linux: f_op, which chrdev_open replaces).
    public let operations: any FileOperations
    /// f_flags' bits. Read without a lock, as Linux reads f_flags: every
    /// read/write and each descriptor of a poll asks; F_SETFL and FIONBIO
    /// change them under flagsLock (Linux: f_lock).
    private let statusFlags: Atomic<Int32>
    private let flagsLock = SpinLock()
    /// Serialises the users of the position, so a read, write, lseek or
    /// getdents through one open file sees and leaves a consistent offset
    /// (Linux: f_pos_lock). Streams have no position and do not take it:
    /// a reader sleeping on a pipe or the console holds nothing.
    private let positionLock = Mutex()
    public private(set) var position: Int64 = 0
    /// A regular file open for writing holds a write count of its inode, an
    /// executable opened to run a deny count (ETXTBSY for the other side).
    var writeAccess: InodeWriteAccess? = nil
    /// How many descriptors, in all tables, refer to the file (under
    /// flagsLock). Linux has only f_count; here epoll's watches hold the
    /// file too, so the count of descriptors is what says when the last
    /// one closed and the watches must go (`descriptorClosed`).
    private var descriptorCount = 0
    /// The epoll instances watching the file, once per watch (Linux: f_ep).
    private var watchers: [Eventpoll] = []

    /// The open flags that act only at open time (Linux drops them from
    /// f_flags too); O_CLOEXEC belongs to the descriptor.
    private static let openTimeFlags: OpenFlags = [.O_CREAT, .O_EXCL, .O_NOCTTY, .O_TRUNC, .O_CLOEXEC]
    /// What F_SETFL may change (Linux: SETFL_MASK, less O_DIRECT and FASYNC,
    /// which nothing here implements); other bits are ignored, as in Linux.
    static let settableFlags: OpenFlags = [.O_APPEND, .O_NONBLOCK, .O_NOATIME]

    init(path: Path, inode: Inode, flags: OpenFlags, operations: any FileOperations) {
        self.path = path
        self.inode = inode
        self.statusFlags = Atomic(flags.subtracting(Self.openTimeFlags).rawValue)
        self.operations = operations
        path.mount.fileOpened(writing: isWriter)
    }

    /// The final fput: watchers hear of the close first (Linux: __fput).
    deinit {
        Fsnotify.closed(self)
        FileLocks.released(self)
        operations.release(self)
        path.mount.fileClosed(writing: isWriter)
    }

    /// Whether this is a regular file open for writing: what keeps a
    /// mount from going read-only (Linux: the mnt_want_write that
    /// do_dentry_open takes for all but special files).
    private var isWriter: Bool {
        inode.fileType == FileMode.S_IFREG && !flags.contains(.O_PATH) && flags.accessMode != .O_RDONLY
    }

    /// Marks the file read (Linux: file_accessed and touch_atime): not
    /// with O_NOATIME, not on a noatime mount (nor a directory on a
    /// nodiratime one), and on a relatime mount — the default — only when
    /// the access time is not after the modification and change times or
    /// is a day old (Linux: relatime_need_update). With VFS.lock held.
    public func markAccessed() {
        let mountFlags = path.mount.flags
        if flags.contains(.O_NOATIME) || mountFlags.contains(.MS_NOATIME) { return }
        if inode.isDirectory && mountFlags.contains(.MS_NODIRATIME) { return }
        let now = VFSClock.now()
        if mountFlags.contains(.MS_RELATIME) && inode.atime > inode.mtime && inode.atime > inode.ctime
            && now - inode.atime < Self.relatimeInterval
        {
            return
        }
        inode.atime = now
    }

    /// A day in nanoseconds, the longest relatime leaves an access time alone.
    private static let relatimeInterval: Int64 = 24 * 60 * 60 * 1_000_000_000

    public var flags: OpenFlags { OpenFlags(rawValue: statusFlags.load(ordering: .relaxed)) }

    /// fcntl(F_SETFL): the settable flags from `requested`, the rest kept.
    /// Turning O_NOATIME on is for the owner or CAP_FOWNER (EPERM), as at open.
    public func setFlags(_ requested: OpenFlags) throws(Errno) {
        if requested.contains(.O_NOATIME) && !flags.contains(.O_NOATIME)
            && !VFS.callerCredentials.ownsOrCapable(inode.ownership)
        {
            throw .EPERM
        }
        changeFlags { $0.subtracting(Self.settableFlags).union(requested.intersection(Self.settableFlags)) }
    }

    /// Sets or clears O_NONBLOCK alone (ioctl FIONBIO).
    public func setNonBlocking(_ nonBlocking: Bool) {
        changeFlags { nonBlocking ? $0.union(.O_NONBLOCK) : $0.subtracting(.O_NONBLOCK) }
    }

    /// Replaces the flags with `change`'s result; the lock keeps two changes from losing one.
    private func changeFlags(_ change: (OpenFlags) -> OpenFlags) {
        flagsLock.lock()
        statusFlags.store(change(flags).rawValue, ordering: .relaxed)
        flagsLock.unlock()
    }

    /// A descriptor table gained a descriptor for the file.
    func descriptorOpened() {
        flagsLock.lock()
        descriptorCount += 1
        flagsLock.unlock()
    }

    /// A descriptor for the file was closed. With the last one gone, epoll
    /// forgets the file (Linux: eventpoll_release from __fput), and the
    /// watches' references with it, so the final release can happen.
    func descriptorClosed() {
        flagsLock.lock()
        descriptorCount -= 1
        let forgotten = descriptorCount == 0 ? watchers : []
        if descriptorCount == 0 { watchers = [] }
        flagsLock.unlock()
        for eventpoll in forgotten { eventpoll.forget(self) }
    }

    /// An epoll instance started (`watching`) or stopped watching the file.
    func setWatched(by eventpoll: Eventpoll, _ watching: Bool) {
        flagsLock.lock()
        if watching {
            watchers.append(eventpoll)
        } else if let index = watchers.firstIndex(where: { $0 === eventpoll }) {
            watchers.remove(at: index)
        }
        flagsLock.unlock()
    }

    /// O_PATH: a place in the tree, not open for I/O (Linux: FMODE_PATH).
    public var isPathOnly: Bool { flags.contains(.O_PATH) }
    public var isNonBlocking: Bool { flags.contains(.O_NONBLOCK) }
    public var mayRead: Bool {
        let flags = flags
        return !flags.contains(.O_PATH) && (flags.accessMode == .O_RDONLY || flags.accessMode == .O_RDWR)
    }
    public var mayWrite: Bool {
        let flags = flags
        return !flags.contains(.O_PATH) && (flags.accessMode == .O_WRONLY || flags.accessMode == .O_RDWR)
    }

    /// Up to `count` bytes from the position, which advances past them, or
    /// from `offset` without moving it (pread). EBADF if not open for
    /// reading, ESPIPE for an offset on a stream (Linux: vfs_read).
    public func read(count: Int, at offset: Int64? = nil) throws(Errno) -> [UInt8] {
        guard mayRead else { throw .EBADF }
        guard count >= 0 else { throw .EINVAL }
        let bytes = try transfer(at: offset) { (cursor: inout Int64) throws(Errno) -> [UInt8] in
            try operations.read(self, count: count, at: &cursor)
        }
        if !bytes.isEmpty { Fsnotify.accessed(self) }
        return bytes
    }

    /// Up to `count` bytes from the position or `offset`, copied straight
    /// into the caller's memory at `iter` (Linux: vfs_read calling
    /// ->read_iter); the count copied. A fault before any byte is EFAULT
    /// and leaves the position where it was.
    public func read(to iter: inout IOVIter, count: Int, at offset: Int64? = nil) throws(Errno) -> Int {
        guard mayRead else { throw .EBADF }
        guard count >= 0 else { throw .EINVAL }
        let count = try transfer(at: offset) { (cursor: inout Int64) throws(Errno) -> Int in
            if let iterating = operations.iterating {
                return try iterating.read(self, to: &iter, count: count, at: &cursor)
            }
            // Without ->read_iter: the kernel bytes, copied out; a fault leaves the position alone.
            var moved = cursor
            let bytes = try operations.read(self, count: count, at: &moved)
            guard iter.copy(from: bytes) == bytes.count else { throw .EFAULT }
            cursor = moved
            return bytes.count
        }
        if count > 0 { Fsnotify.accessed(self) }
        return count
    }

    /// Writes `bytes` at the position, advancing it, or at `offset`
    /// (pwrite); O_APPEND writes at the end either way, as in Linux. EBADF
    /// if not open for writing (Linux: vfs_write).
    public func write(_ bytes: [UInt8], at offset: Int64? = nil) throws(Errno) -> Int {
        guard mayWrite else { throw .EBADF }
        let written = try transfer(at: offset) { (cursor: inout Int64) throws(Errno) -> Int in
            // A range that would end past 2^63 - 1 is EINVAL (Linux: rw_verify_area).
            guard !cursor.addingReportingOverflow(Int64(bytes.count)).overflow else { throw .EINVAL }
            return try operations.write(self, bytes, at: &cursor)
        }
        if written > 0 { Fsnotify.modified(self) }
        return written
    }

    /// Writes up to `count` bytes of the caller's memory at `iter` at the
    /// position or `offset`, as `write(_:at:)` does (Linux: vfs_write
    /// calling ->write_iter); the count written.
    public func write(from iter: inout IOVIter, count: Int, at offset: Int64? = nil) throws(Errno) -> Int {
        guard mayWrite else { throw .EBADF }
        let written = try transfer(at: offset) { (cursor: inout Int64) throws(Errno) -> Int in
            guard !cursor.addingReportingOverflow(Int64(count)).overflow else { throw .EINVAL }
            if let iterating = operations.iterating {
                return try iterating.write(self, from: &iter, count: count, at: &cursor)
            }
            // Without ->write_iter: the bytes copied in first, a fault there EFAULT.
            let wanted = min(count, iter.remaining)
            let bytes = iter.copyIn(count: wanted)
            guard bytes.count == wanted else { throw .EFAULT }
            return try operations.write(self, bytes, at: &cursor)
        }
        if written > 0 { Fsnotify.modified(self) }
        return written
    }

    /// Reads into the caller's `buffer` at the position or `offset`, for
    /// files that take user memory (`FileOperations.takesUserBuffers`);
    /// the count read (Linux: vfs_read calling ->read).
    public func read(into buffer: UserBuffer, at offset: Int64? = nil) throws(Errno) -> Int {
        guard mayRead else { throw .EBADF }
        let count = try transfer(at: offset) { (cursor: inout Int64) throws(Errno) -> Int in
            try operations.read(self, into: buffer, at: &cursor)
        }
        if count > 0 { Fsnotify.accessed(self) }
        return count
    }

    /// Writes the caller's `buffer` at the position or `offset`, for files
    /// that take user memory; the count written (Linux: vfs_write calling ->write).
    public func write(from buffer: UserBuffer, at offset: Int64? = nil) throws(Errno) -> Int {
        guard mayWrite else { throw .EBADF }
        let written = try transfer(at: offset) { (cursor: inout Int64) throws(Errno) -> Int in
            guard !cursor.addingReportingOverflow(Int64(buffer.count)).overflow else { throw .EINVAL }
            return try operations.write(self, from: buffer, at: &cursor)
        }
        if written > 0 { Fsnotify.modified(self) }
        return written
    }

    /// Runs a read or write at an explicit offset, or at the position
    /// under the position lock, or, for a stream, at no position at all.
    private func transfer<T>(at offset: Int64?, _ body: (inout Int64) throws(Errno) -> T) throws(Errno) -> T {
        if let offset {
            guard !operations.isStream else { throw .ESPIPE }
            guard offset >= 0 else { throw .EINVAL }
            var explicit = offset
            return try body(&explicit)
        }
        if operations.isStream {
            var unused: Int64 = 0
            return try body(&unused)
        }
        positionLock.lock()
        defer { positionLock.unlock() }
        var current = position
        let result = try body(&current)
        position = current
        return result
    }

    /// Moves the position through the file operations' llseek; streams are
    /// ESPIPE.
    public func seek(to offset: Int64, from whence: SeekWhence) throws(Errno) -> Int64 {
        guard !operations.isStream else { throw .ESPIPE }
        positionLock.lock()
        defer { positionLock.unlock() }
        return try operations.llseek(self, to: offset, from: whence, position: &position)
    }

    /// The directory entries from the position that fit in `bufferSize`
    /// bytes of getdents64 records, advancing the position past them
    /// (Linux: iterate_dir + filldir64). EINVAL if not even the first fits;
    /// an empty result means the end of the directory.
    public func readDirectory(fitting bufferSize: Int) throws(Errno) -> [Dirent64] {
        guard inode.isDirectory else { throw .ENOTDIR }
        positionLock.lock()
        defer { positionLock.unlock() }
        let available = try operations.readdir(self, from: position)
        var taken: [Dirent64] = []
        var used = 0
        for entry in available {
            guard used + entry.d_reclen <= bufferSize else { break }
            used += entry.d_reclen
            taken.append(entry)
        }
        if taken.isEmpty && !available.isEmpty { throw .EINVAL }
        if let last = taken.last { position = last.d_off }
        return taken
    }

    /// ftruncate(2): EINVAL unless open for writing (Linux: do_ftruncate).
    public func truncate(to length: Int64) throws(Errno) {
        guard mayWrite else { throw .EINVAL }
        try VFS.truncate(inode, to: length, checkingPermission: false, at: path.dentry)
    }

    /// stat(2) of the open file (Linux: vfs_fstat).
    public func stat() -> Stat {
        VFS.stat(of: inode)
    }
}

/// A mapped file's pages come from its operations' fault handler.
extension File: VMABacking {
    public func frame(forPage index: UInt64) throws(VMFault) -> PFN {
        try operations.fault(self, pageIndex: index).pageFrameNumber
    }

    public var objectIdentity: UInt64 { UInt64(UInt(bitPattern: ObjectIdentifier(inode))) }
}
