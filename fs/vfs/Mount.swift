/// A filesystem attached to the tree (Linux: struct mount / vfsmount,
/// fs/namespace.c): which superblock, and where. The first mount is the
/// root of the namespace; every other one covers a directory of its parent
/// mount, and a walk stepping onto that directory lands on `root` instead.
public final class Mount {
    public let superBlock: SuperBlock
    /// The dentry of the mounted filesystem seen at the mount point.
    public let root: Dentry
    /// The mount holding the mount point; nil for the namespace's root.
    public let parent: Mount?
    /// The directory covered, in `parent`'s filesystem.
    public let mountpoint: Dentry?

    init(superBlock: SuperBlock, root: Dentry, parent: Mount?, mountpoint: Dentry?) {
        self.superBlock = superBlock
        self.root = root
        self.parent = parent
        self.mountpoint = mountpoint
    }
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

    public static func == (lhs: Path, rhs: Path) -> Bool {
        lhs.mount === rhs.mount && lhs.dentry === rhs.dentry
    }
}
