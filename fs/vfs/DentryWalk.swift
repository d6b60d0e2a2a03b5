import ABI
import Lib

/// The VFS side of the path walk: lib/fs/PathWalk.swift's
/// `PathWalkFilesystem` over dentries and mounts (Linux: the lookup_fast /
/// lookup_slow, follow_mount and follow_dotdot parts of fs/namei.c).
/// Called with VFS.lock held.
struct DentryWalk: PathWalkFilesystem {
    typealias Node = Path

    let mounts: MountTable
    /// Whose permission to search directories the walk checks.
    let credentials: Credentials

    func isDirectory(_ node: Path) -> Bool { node.inode?.isDirectory ?? false }

    func symlinkTarget(_ node: Path) throws(Errno) -> [UInt8]? {
        guard let inode = node.inode, inode.isSymlink else { return nil }
        return try inode.operations.readlink(inode)
    }

    /// The dentry cache first; on a miss the filesystem's lookup, whose
    /// answer is cached. Then down through whatever is mounted there.
    func lookup(_ name: ArraySlice<UInt8>, in directory: Path) throws(Errno) -> Path {
        // A directory removed while a walk held it contains nothing.
        guard let directoryInode = directory.inode else { throw .ENOENT }
        let child: Dentry
        if let cached = directory.dentry.cachedChild(name) {
            child = cached
        } else {
            let name = Array(name)
            guard let inode = try directoryInode.operations.lookup(name, in: directoryInode) else {
                throw .ENOENT
            }
            child =
                directoryInode.operations.cachesLookups
                ? directory.dentry.addChild(name, inode: inode)
                : Dentry(uncached: name, parent: directory.dentry, inode: inode)
        }
        return mounts.followMounts(Path(mount: directory.mount, dentry: child))
    }

    /// The root of a mount leads to the parent of its mount point, mounts
    /// stacked on mounts all the way; a filesystem's root is its own parent.
    func parent(of directory: Path) -> Path {
        var place = directory
        while place.dentry === place.mount.root, let parent = place.mount.parent,
            let mountpoint = place.mount.mountpoint
        {
            place = Path(mount: parent, dentry: mountpoint)
        }
        return Path(mount: place.mount, dentry: place.dentry.parent ?? place.dentry)
    }

    /// Search (execute) permission (Linux: may_lookup's inode_permission
    /// with MAY_EXEC). A directory removed while a walk held it has no
    /// inode; its lookup then answers ENOENT.
    func maySearch(_ directory: Path) -> Bool {
        directory.inode?.permits(.X_OK, as: credentials) ?? true
    }
}
