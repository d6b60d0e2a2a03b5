import ABI
import Core
import Lib
import Synchronization

/// One mounted instance of a filesystem (Linux: struct super_block,
/// fs/super.c): its root dentry, its device number and the inode numbers
/// it hands out. Mounting the same instance twice shares the superblock;
/// mounting the filesystem again makes a new one.
public final class SuperBlock {
    /// The filesystem's name as /proc/mounts and statfs users know it
    /// (Linux: s_type->name), such as "ramfs".
    public let typeName: String
    /// What statfs reports in f_type (Linux: s_magic).
    public let magic: Int64
    /// st_dev of every inode: an anonymous device, major 0, as Linux gives
    /// filesystems without a block device (get_anon_bdev).
    public let deviceNumber: UInt64
    /// The largest size a file may reach (Linux: s_maxbytes): MAX_NON_LFS,
    /// 2^31 - 1, unless the filesystem allows more, as ramfs allows
    /// MAX_LFS_FILESIZE.
    public var maximumFileSize: Int64 = Int64(Int32.max)
    /// Mounted read-only as a whole (Linux: SB_RDONLY); remount changes it.
    public var isReadOnly = false
    /// What the filesystem does as a whole; nil for the defaults.
    public var operations: (any SuperOperations)?
    /// Set once by the filesystem when it has made its root inode.
    public private(set) var root: Dentry?
    private var lastInodeNumber: UInt64 = 0

    /// Limits on pages and inodes, for filesystems with a size (tmpfs);
    /// Int.max means none (Linux: shmem_sb_info's max_blocks, max_inodes).
    public var blockLimit: Int {
        get { blockLimitCount.load(ordering: .relaxed) }
        set { blockLimitCount.store(newValue, ordering: .relaxed) }
    }
    public var inodeLimit: Int {
        get { inodeLimitCount.load(ordering: .relaxed) }
        set { inodeLimitCount.store(newValue, ordering: .relaxed) }
    }
    /// Pages in use (Linux: used_blocks) and inodes alive, which Inode
    /// counts itself (Linux: max_inodes less free_ispace).
    public var usedBlocks: Int { usedBlockCount.load(ordering: .relaxed) }
    public var usedInodes: Int { usedInodeCount.load(ordering: .relaxed) }
    // Pages are charged from page faults and inodes die anywhere, so these
    // are atomic rather than under VFS.lock.
    private let blockLimitCount = Atomic<Int>(Int.max)
    private let inodeLimitCount = Atomic<Int>(Int.max)
    private let usedBlockCount = Atomic<Int>(0)
    private let usedInodeCount = Atomic<Int>(0)

    /// Filesystems are made outside VFS.lock, so the counter is atomic.
    private static let lastAnonymousMinor = Atomic<UInt32>(0)

    public init(typeName: String, magic: Int64) {
        self.typeName = typeName
        self.magic = magic
        let minor = Self.lastAnonymousMinor.wrappingAdd(1, ordering: .relaxed).newValue
        deviceNumber = DeviceNumber.encode(major: 0, minor: minor)
    }

    /// Counts an inode made or gone.
    func inodeCreated() { _ = usedInodeCount.wrappingAdd(1, ordering: .relaxed) }
    func inodeDestroyed() { _ = usedInodeCount.wrappingSubtract(1, ordering: .relaxed) }

    /// A fresh inode number (Linux: get_next_ino).
    func nextInodeNumber() -> UInt64 {
        lastInodeNumber += 1
        return lastInodeNumber
    }

    /// statfs(2) of this filesystem (Linux: vfs_statfs over the
    /// filesystem's ->statfs, as simple_statfs and shmem_statfs fill it):
    /// the magic number, the page as block size, NAME_MAX, and for a
    /// filesystem with limits its pages and inodes, total and free.
    public func statistics() -> Statfs {
        var result = Statfs()
        result.f_type = magic
        result.f_bsize = Int64(pageSize)
        result.f_frsize = Int64(pageSize)
        result.f_namelen = Int64(PathLimits.nameMax)
        result.f_flags = Statfs.ST_VALID
        if blockLimit != Int.max {
            result.f_blocks = UInt64(blockLimit)
            result.f_bfree = UInt64(max(blockLimit - usedBlocks, 0))
            result.f_bavail = result.f_bfree
        }
        if inodeLimit != Int.max {
            result.f_files = UInt64(inodeLimit)
            result.f_ffree = UInt64(max(inodeLimit - usedInodes, 0))
        }
        return result
    }

    /// Gives the filesystem its root (Linux: d_make_root into s_root).
    public func makeRoot(_ inode: Inode) {
        root = Dentry(root: inode)
    }
}

/// What a filesystem instance does as a whole (Linux: struct
/// super_operations, the parts mount and /proc/mounts use).
public protocol SuperOperations: AnyObject {
    /// The filesystem's own options as /proc/mounts lists them, each with
    /// a leading comma (Linux: ->show_options), such as ",size=1024k".
    func showOptions(_ superBlock: SuperBlock) -> String
    /// A remount's options (Linux: ->reconfigure); EINVAL for a bad one.
    func reconfigure(_ superBlock: SuperBlock, options: MountOptions) throws(Errno)
}

/// The page cache of a file on a filesystem with a size charges its pages
/// here (Linux: shmem_inode_acct_blocks / shmem_inode_unacct_blocks).
extension SuperBlock: PageAccounting {
    /// Takes `pages` from the limit, or none and false.
    public func charge(pages: Int) -> Bool {
        var current = usedBlockCount.load(ordering: .relaxed)
        while true {
            let (wanted, overflow) = current.addingReportingOverflow(pages)
            guard !overflow, wanted <= blockLimit else { return false }
            let (exchanged, original) = usedBlockCount.compareExchange(
                expected: current, desired: wanted, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    public func uncharge(pages: Int) { _ = usedBlockCount.wrappingSubtract(pages, ordering: .relaxed) }
}
