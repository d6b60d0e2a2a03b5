import ABI
import Core
import Lib

/// What an open file of an inode does (Linux: struct file_operations). The
/// `File` checks the access mode and keeps the position; read and write get
/// the offset to use and advance it, as Linux's ->read_iter/->write_iter do
/// with ki_pos. Defaults fail as Linux does when f_op lacks the method.
///
/// Locking: the VFS calls these without `VFS.lock`. Each implementation
/// takes what protects its own state — ramfs the VFS lock for file
/// contents, a pipe its own lock — so a read that sleeps (a pipe, the
/// console) never holds up the rest of the filesystem. `truncate` is the
/// exception: like Linux's ->setattr under i_rwsem, it is called with
/// `VFS.lock` held.
public protocol FileOperations: AnyObject {
    /// A new open file of the inode, with the flags it was opened with
    /// (Linux: ->open); an error undoes the open. A terminal takes the
    /// caller's session here.
    func open(_ file: File, flags: OpenFlags) throws(Errno)
    /// Up to `count` bytes at `offset`, which advances past them; fewer at
    /// the end of the file, none at its end.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8]
    /// Writes `bytes` at `offset` (or at the end, for O_APPEND), advancing
    /// it; returns how many were written.
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int
    /// The file's reads and writes that copy straight between user memory
    /// and its pages (Linux: ->read_iter, ->write_iter), or nil: then the
    /// kernel bytes of `read` and `write` are copied to and from the
    /// caller's memory.
    var iterating: (any IteratingFileOperations)? { get }
    /// Whether reads and writes take the caller's user memory itself
    /// (`read(into:)`, `write(from:)`) rather than kernel bytes: a module's
    /// file operations, whose code copies with copy_to_user and
    /// copy_from_user (Linux: a file with ->read and ->write and no
    /// ->read_iter; the kernel's own reads of it, sendfile's, are EINVAL).
    var takesUserBuffers: Bool { get }
    /// Up to `buffer.count` bytes at `offset` copied into the caller's
    /// `buffer`, advancing `offset`; the count copied (Linux: ->read).
    func read(_ file: File, into buffer: UserBuffer, at offset: inout Int64) throws(Errno) -> Int
    /// The caller's `buffer` written at `offset`, advancing it; the count
    /// written (Linux: ->write).
    func write(_ file: File, from buffer: UserBuffer, at offset: inout Int64) throws(Errno) -> Int
    /// Directory entries whose position is at least `position`, each with
    /// the position after it in d_off (Linux: ->iterate_shared, for getdents64).
    func readdir(_ file: File, from position: Int64) throws(Errno) -> [Dirent64]
    /// Sets a regular file's size, dropping or zero-extending (Linux:
    /// ->setattr with ATTR_SIZE). Called with VFS.lock held.
    func truncate(_ inode: Inode, to size: Int64) throws(Errno)
    /// Bytes of memory the contents occupy, for st_blocks.
    func allocatedBytes(_ inode: Inode) -> Int64
    /// A device- or file-specific request (Linux: ->unlocked_ioctl); the
    /// generic ones (FIONBIO, FIOCLEX, ...) are handled before this.
    func ioctl(_ file: File, command: UInt32, argument: UInt64) throws(Errno) -> Int64
    /// The last reference to an open file is gone (Linux: ->release, from
    /// the final fput): a pipe counts its readers and writers here.
    func release(_ file: File)
    /// A stream has no position: lseek, pread and pwrite are ESPIPE
    /// (Linux: FMODE_STREAM, set by stream_open and nonseekable_open).
    var isStream: Bool { get }
    /// What a read or write would do without blocking now, and, given a
    /// table, the wait queues that will say when that changes (Linux: ->poll).
    func poll(_ file: File, _ table: PollTable?) -> PollEvents
    /// Whether `poll` can wait, i.e. has queues that say when readiness
    /// changes; epoll refuses the rest with EPERM (Linux: file_can_poll,
    /// true when f_op->poll exists).
    var canPoll: Bool { get }
    /// The file whose pages a mapping of `length` bytes shows — the file
    /// itself, or another for a device such as /dev/zero, whose shared
    /// mappings are shared anonymous memory — or nil for private anonymous
    /// memory; ENODEV if the file cannot be mapped (Linux: ->mmap, which
    /// may replace vm_file or make the area anonymous).
    func mmap(_ file: File, shared: Bool, length: UInt64) throws(Errno) -> File?
    /// The frame holding page `pageIndex` for a mapping, with a reference
    /// taken; `.beyondObject` past the end (Linux: vm_ops->fault).
    func fault(_ file: File, pageIndex: UInt64) throws(VMFault) -> PhysAddr
    /// lseek's SEEK_DATA (`data`) or SEEK_HOLE from `offset`: where the
    /// next data or hole begins; ENXIO at or past the end (Linux: ->llseek
    /// for these two).
    func seekDataOrHole(_ file: File, from offset: Int64, data: Bool) throws(Errno) -> Int64
    /// fallocate(2) on a regular file, its arguments checked (Linux:
    /// ->fallocate); EOPNOTSUPP where the filesystem has none.
    func fallocate(_ file: File, mode: FallocateMode, offset: Int64, length: Int64) throws(Errno)
    /// lseek(2) on a file with a position, called with the position lock
    /// held; returns the result for user space (Linux: ->llseek).
    func llseek(_ file: File, to offset: Int64, from whence: SeekWhence, position: inout Int64) throws(Errno) -> Int64
}

extension FileOperations {
    public func open(_ file: File, flags: OpenFlags) throws(Errno) {}
    public func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] { throw .EINVAL }
    public func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int { throw .EINVAL }
    public var iterating: (any IteratingFileOperations)? { nil }
    public var takesUserBuffers: Bool { false }
    public func read(_ file: File, into buffer: UserBuffer, at offset: inout Int64) throws(Errno) -> Int {
        throw .EINVAL
    }
    public func write(_ file: File, from buffer: UserBuffer, at offset: inout Int64) throws(Errno) -> Int {
        throw .EINVAL
    }
    public func readdir(_ file: File, from position: Int64) throws(Errno) -> [Dirent64] { throw .ENOTDIR }
    public func truncate(_ inode: Inode, to size: Int64) throws(Errno) { throw .EINVAL }
    public func allocatedBytes(_ inode: Inode) -> Int64 { 0 }
    public func ioctl(_ file: File, command: UInt32, argument: UInt64) throws(Errno) -> Int64 { throw .ENOTTY }
    public func release(_ file: File) {}
    public var isStream: Bool { false }
    /// Files that never block are always ready (Linux: DEFAULT_POLLMASK).
    public func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        [.POLLIN, .POLLOUT, .POLLRDNORM, .POLLWRNORM]
    }
    public var canPoll: Bool { false }
    public func mmap(_ file: File, shared: Bool, length: UInt64) throws(Errno) -> File? { throw .ENODEV }
    public func fallocate(_ file: File, mode: FallocateMode, offset: Int64, length: Int64) throws(Errno) {
        throw .EOPNOTSUPP
    }
    public func fault(_ file: File, pageIndex: UInt64) throws(VMFault) -> PhysAddr { throw .beyondObject }
    /// The whole file is data, with the one hole at its end (Linux:
    /// generic_file_llseek_size).
    public func seekDataOrHole(_ file: File, from offset: Int64, data: Bool) throws(Errno) -> Int64 {
        let size = VFS.lockedNonThrowing { file.inode.size }
        guard offset >= 0, offset < size else { throw .ENXIO }
        return data ? offset : size
    }

    /// Moves the position (Linux: generic_file_llseek; for directories
    /// dcache_dir_lseek, where positions are readdir cookies). Moving past
    /// the end is allowed: a later write leaves a hole. SEEK_DATA and
    /// SEEK_HOLE ask `seekDataOrHole`.
    public func llseek(_ file: File, to offset: Int64, from whence: SeekWhence, position: inout Int64) throws(Errno)
        -> Int64
    {
        let base: Int64
        switch whence {
        case .SEEK_SET: base = 0
        case .SEEK_CUR: base = position
        case .SEEK_END: base = VFS.lockedNonThrowing { file.inode.size }
        case .SEEK_DATA, .SEEK_HOLE:
            position = try seekDataOrHole(file, from: offset, data: whence == .SEEK_DATA)
            return position
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow else { throw .EOVERFLOW }
        guard target >= 0 else { throw .EINVAL }
        position = target
        return target
    }
}

/// File operations that copy straight between user memory and their pages
/// (Linux: ->read_iter and ->write_iter over an iov_iter).
public protocol IteratingFileOperations: FileOperations {
    /// Up to `count` bytes at `offset` copied into the caller's memory at
    /// `iter`, advancing `offset` past them; the count copied, or EFAULT if
    /// a fault stopped the copy before any byte.
    func read(_ file: File, to iter: inout IOVIter, count: Int, at offset: inout Int64) throws(Errno) -> Int
    /// Up to `count` bytes of the caller's memory at `iter` written at
    /// `offset` (or at the end, for O_APPEND), advancing it; the count written.
    func write(_ file: File, from iter: inout IOVIter, count: Int, at offset: inout Int64) throws(Errno) -> Int
}
