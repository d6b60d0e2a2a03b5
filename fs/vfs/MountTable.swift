import ABI

/// The mounts of the system (Linux: struct mnt_namespace, with the mount
/// hash table's job of finding what is mounted on a dentry). One table
/// for now: every task sees the same tree.
final class MountTable {
    private(set) var rootMount: Mount?
    private var mounts: [Mount] = []

    /// Makes `superBlock` the root of the tree (Linux: init_mount_tree).
    func mountRoot(_ superBlock: SuperBlock) -> Mount {
        let mount = Mount(superBlock: superBlock, root: rootDentry(of: superBlock), parent: nil, mountpoint: nil)
        rootMount = mount
        mounts = [mount]
        return mount
    }

    /// Covers the directory at `mountpoint` with `superBlock` (Linux:
    /// do_new_mount + graft_tree). Mounting on a mount point stacks: the
    /// newest mount is the one seen.
    func mount(_ superBlock: SuperBlock, at mountpoint: Path) throws(Errno) -> Mount {
        guard let inode = mountpoint.inode else { throw .ENOENT }
        guard inode.isDirectory else { throw .ENOTDIR }
        let mount = Mount(
            superBlock: superBlock, root: rootDentry(of: superBlock), parent: mountpoint.mount,
            mountpoint: mountpoint.dentry)
        mountpoint.dentry.mountCount += 1
        mounts.append(mount)
        return mount
    }

    /// Whatever is mounted on `place`, repeatedly, or `place` itself
    /// (Linux: follow_mount / __lookup_mnt).
    func followMounts(_ place: Path) -> Path {
        var current = place
        while current.dentry.mountCount > 0,
            let covering = mounts.last(where: { $0.parent === current.mount && $0.mountpoint === current.dentry })
        {
            current = Path(mount: covering, dentry: covering.root)
        }
        return current
    }

    /// Whether `dentry` is busy as a mount point or a mounted root, which
    /// rmdir and rename refuse with EBUSY.
    func isBusy(_ place: Path) -> Bool {
        place.dentry.mountCount > 0 || place.dentry === place.mount.root
    }

    private func rootDentry(of superBlock: SuperBlock) -> Dentry {
        guard let root = superBlock.root else { fatalError("VFS: mounting a superblock without a root") }
        return root
    }
}
