import ABI
import Lib
import Synchronization

/// A file's identity and attributes, whatever names it has (Linux: struct
/// inode, include/linux/fs.h). Names live in dentries; an inode outlives
/// its last name while a `File` still references it, which is how an
/// unlinked file stays readable until it is closed (Swift's reference
/// counting plays the part of Linux's i_count).
public final class Inode {
    public let ino: UInt64
    /// The file type (S_IFMT) and permission bits.
    public var mode: UInt32
    /// The owner and group; the filesystem sets them for a new inode from
    /// the creating task (Linux: inode_init_owner).
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    /// Names in the namespace; 0 means the file is gone from it.
    public var nlink: UInt32
    /// An O_TMPFILE file opened without O_EXCL: linkat may give it a name
    /// although it has no link (Linux: I_LINKABLE); under VFS.lock.
    var isLinkable = false
    /// Bytes of a regular file or symlink body; directories report 0.
    public var size: Int64 = 0
    /// For device nodes: the device they stand for (Linux: i_rdev),
    /// encoded as stat's st_rdev.
    public var rdev: UInt64 = 0
    /// Times in nanoseconds since the epoch (CLOCK_REALTIME, `VFSClock`).
    /// The initramfs stores its archive's epoch times here as Linux does.
    public var atime: Int64
    public var mtime: Int64
    public var ctime: Int64
    public let superBlock: SuperBlock
    /// What can be done to the inode as a directory entry or link
    /// (Linux: i_op).
    public let operations: any InodeOperations
    /// What an open file of this inode does (Linux: i_fop).
    public let fileOperations: any FileOperations
    /// Its advisory locks, POSIX and OFD ones, and flock ones (Linux:
    /// i_flctx); only fs/FileLocks.swift touches them, under its lock.
    var recordLocks = FileLockList()
    var flockLocks = FileLockList()
    /// Writers (positive) or programs running from it (negative); see
    /// `InodeWriteAccess` (Linux: i_writecount).
    let writeCount = Atomic<Int>(0)
    /// A FIFO's pipe, made at its first open and kept for the next ones
    /// (Linux: i_pipe); under VFS.lock.
    var pipe: Pipe?
    /// The inotify watches on the inode (Linux: i_fsnotify_marks); under
    /// Fsnotify's lock.
    var inotifyWatches: [InotifyWatch] = []

    /// `ino` is the filesystem's choice, or the superblock's next number.
    public init(
        superBlock: SuperBlock, mode: UInt32, operations: any InodeOperations,
        fileOperations: any FileOperations, ino: UInt64? = nil
    ) {
        self.ino = ino ?? superBlock.nextInodeNumber()
        self.mode = mode
        self.superBlock = superBlock
        self.operations = operations
        self.fileOperations = fileOperations
        self.nlink = FileMode.fileType(mode) == FileMode.S_IFDIR ? 2 : 1
        let now = VFSClock.now()
        atime = now
        mtime = now
        ctime = now
        superBlock.inodeCreated()
    }

    /// The last reference is gone: the filesystem counts one inode fewer
    /// (Linux: evict, where shmem gives back its inode).
    deinit { superBlock.inodeDestroyed() }

    public var fileType: UInt32 { FileMode.fileType(mode) }
    public var isDirectory: Bool { fileType == FileMode.S_IFDIR }
    public var isSymlink: Bool { fileType == FileMode.S_IFLNK }

    /// Marks a change of contents (Linux: inode_set_mtime_to_ts +
    /// inode_set_ctime_current).
    public func touchModified() {
        let now = VFSClock.now()
        mtime = now
        ctime = now
    }

    /// Marks a change of attributes or link count (Linux: inode_set_ctime_current).
    public func touchChanged() { ctime = VFSClock.now() }

    /// The stat(2) view of the inode (Linux: generic_fillattr + cp_new_stat).
    public func stat() -> Stat {
        var result = Stat()
        result.st_dev = superBlock.deviceNumber
        result.st_ino = ino
        result.st_nlink = UInt64(nlink)
        result.st_mode = mode
        result.st_uid = uid
        result.st_gid = gid
        result.st_rdev = rdev
        result.st_size = size
        result.st_blksize = Int64(pageSize)
        result.st_blocks = fileOperations.allocatedBytes(self) / 512
        result.st_atim = VFSClock.timespec(atime)
        result.st_mtim = VFSClock.timespec(mtime)
        result.st_ctim = VFSClock.timespec(ctime)
        return result
    }
}
