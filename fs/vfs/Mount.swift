import ABI
import Synchronization

/// A filesystem attached to the tree (Linux: struct mount / vfsmount,
/// fs/namespace.c): which superblock, which of its directories is seen
/// (its root, or any directory for a bind mount), and where. The first
/// mount is the root of the namespace; every other one covers a directory
/// of its parent mount, and a walk stepping onto that directory lands on
/// `root` instead.
public final class Mount {
    public let superBlock: SuperBlock
    /// The dentry of the mounted filesystem seen at the mount point.
    public let root: Dentry
    /// The mount holding the mount point; nil for the namespace's root
    /// and for mounts outside the tree. pivot_root moves mounts.
    public internal(set) var parent: Mount?
    /// The directory covered, in `parent`'s filesystem.
    public internal(set) var mountpoint: Dentry?
    /// The mount's own flags, which remount changes: MS_RDONLY, MS_NOSUID,
    /// MS_NODEV, MS_NOEXEC and the atime ones (Linux: mnt_flags' MNT_*).
    public internal(set) var flags: MountFlags
    /// What mount(2) was given as the source, as /proc/mounts shows it
    /// (Linux: mnt_devname).
    public let source: [UInt8]
    /// The number /proc/self/mountinfo names the mount by (Linux: mnt_id).
    public let id: Int
    /// Open files on this mount, which make it busy for umount (Linux
    /// counts every reference in mnt_count; working directories and roots
    /// are found by looking at the tasks).
    private let openFiles = Atomic<Int>(0)
    /// Set by a first umount2(MNT_EXPIRE), which a second then honours.
    var expiryMark = false

    /// The last mount ID handed out; the first mount is 1.
    private static let lastID = Atomic<Int>(0)

    /// The flags a mount keeps for itself (Linux: MNT_USER_SETTABLE_MASK).
    static let perMountFlags: MountFlags = [
        .MS_RDONLY, .MS_NOSUID, .MS_NODEV, .MS_NOEXEC, .MS_NOATIME, .MS_NODIRATIME, .MS_RELATIME,
        .MS_NOSYMFOLLOW,
    ]

    init(
        superBlock: SuperBlock, root: Dentry, parent: Mount?, mountpoint: Dentry?, flags: MountFlags = .MS_RELATIME,
        source: [UInt8] = []
    ) {
        self.superBlock = superBlock
        self.root = root
        self.parent = parent
        self.mountpoint = mountpoint
        self.flags = flags.intersection(Self.perMountFlags)
        self.source = source.isEmpty ? Array(superBlock.typeName.utf8) : source
        id = Self.lastID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Regular files open for writing, which keep the mount from being
    /// made read-only (Linux: mnt_get_writers).
    private let writers = Atomic<Int>(0)

    func fileOpened(writing: Bool) {
        _ = openFiles.wrappingAdd(1, ordering: .relaxed)
        if writing { _ = writers.wrappingAdd(1, ordering: .relaxed) }
    }
    func fileClosed(writing: Bool) {
        _ = openFiles.wrappingSubtract(1, ordering: .relaxed)
        if writing { _ = writers.wrappingSubtract(1, ordering: .relaxed) }
    }
    var hasOpenFiles: Bool { openFiles.load(ordering: .relaxed) > 0 }
    var hasWriters: Bool { writers.load(ordering: .relaxed) > 0 }

    /// statfs(2) through this mount: the filesystem's figures, and in
    /// f_flags the mount's flags (Linux: vfs_statfs's calculate_f_flags).
    public func statistics() -> Statfs {
        var result = superBlock.statistics()
        let flagBits: [(MountFlags, Int64)] = [
            (.MS_NOSUID, Statfs.ST_NOSUID), (.MS_NODEV, Statfs.ST_NODEV), (.MS_NOEXEC, Statfs.ST_NOEXEC),
            (.MS_NOATIME, Statfs.ST_NOATIME), (.MS_NODIRATIME, Statfs.ST_NODIRATIME),
            (.MS_RELATIME, Statfs.ST_RELATIME),
        ]
        for (flag, bit) in flagBits where flags.contains(flag) { result.f_flags |= bit }
        if isReadOnly { result.f_flags |= Statfs.ST_RDONLY }
        return result
    }

    /// Whether writes through this mount are refused with EROFS: the
    /// mount or its filesystem is read-only (Linux: __mnt_is_readonly).
    public var isReadOnly: Bool { flags.contains(.MS_RDONLY) || superBlock.isReadOnly }
}

/// A place in the tree of mounted filesystems: a dentry as reached
/// through a mount (Linux: struct path). The same dentry mounted twice is
/// two places, which is why the walk works on these rather than dentries.
public struct Path: Equatable {
    public let mount: Mount
    public let dentry: Dentry

    public init(mount: Mount, dentry: Dentry) {
        self.mount = mount
        self.dentry = dentry
    }

    /// The inode there; nil once the name has been removed.
    public var inode: Inode? { dentry.inode }

    /// Whether this is the top of its mount (Linux: path_mounted).
    public var isMountRoot: Bool { dentry === mount.root }

    /// EROFS if nothing may be changed here (Linux: mnt_want_write).
    func checkWritable() throws(Errno) {
        if mount.isReadOnly { throw .EROFS }
    }

    public static func == (lhs: Path, rhs: Path) -> Bool {
        lhs.mount === rhs.mount && lhs.dentry === rhs.dentry
    }
}
