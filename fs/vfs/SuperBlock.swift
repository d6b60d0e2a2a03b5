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
    /// Set once by the filesystem when it has made its root inode.
    public private(set) var root: Dentry?
    private var lastInodeNumber: UInt64 = 0

    /// Filesystems are made outside VFS.lock, so the counter is atomic.
    private static let lastAnonymousMinor = Atomic<UInt32>(0)

    public init(typeName: String, magic: Int64) {
        self.typeName = typeName
        self.magic = magic
        let minor = Self.lastAnonymousMinor.wrappingAdd(1, ordering: .relaxed).newValue
        deviceNumber = DeviceNumber.encode(major: 0, minor: minor)
    }

    /// A fresh inode number (Linux: get_next_ino).
    func nextInodeNumber() -> UInt64 {
        lastInodeNumber += 1
        return lastInodeNumber
    }

    /// statfs(2) of this filesystem (Linux: vfs_statfs over
    /// simple_statfs): the magic number, the page as block size, NAME_MAX.
    /// In-memory filesystems report no block or inode totals; f_flags has
    /// ST_VALID (no mount flags exist yet).
    public func statistics() -> Statfs {
        var result = Statfs()
        result.f_type = magic
        result.f_bsize = Int64(pageSize)
        result.f_frsize = Int64(pageSize)
        result.f_namelen = Int64(PathLimits.nameMax)
        result.f_flags = Statfs.ST_VALID
        return result
    }

    /// Gives the filesystem its root (Linux: d_make_root into s_root).
    public func makeRoot(_ inode: Inode) {
        root = Dentry(root: inode)
    }
}
