import ABI

/// The mounts of the system (Linux: struct mnt_namespace, with the mount
/// hash table's job of finding what is mounted on a dentry). One table
/// for now: every task sees the same tree. `mounts` is in the order the
/// mounts were made, the order /proc/mounts lists them.
final class MountTable {
    private(set) var rootMount: Mount?
    private(set) var mounts: [Mount] = []

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
    func mount(
        _ superBlock: SuperBlock, at mountpoint: Path, flags: MountFlags = .MS_RELATIME, source: [UInt8] = []
    ) throws(Errno) -> Mount {
        guard let inode = mountpoint.inode else { throw .ENOENT }
        guard inode.isDirectory else { throw .ENOTDIR }
        // The same filesystem again on top of itself is refused (Linux: do_add_mount).
        if mountpoint.mount.superBlock === superBlock && mountpoint.isMountRoot { throw .EBUSY }
        let mount = Mount(
            superBlock: superBlock, root: rootDentry(of: superBlock), parent: nil, mountpoint: nil, flags: flags,
            source: source)
        attach(mount, at: mountpoint)
        return mount
    }

    /// Puts `mount` on `mountpoint` (Linux: attach_mnt / commit_tree).
    func attach(_ mount: Mount, at mountpoint: Path) {
        mount.parent = mountpoint.mount
        mount.mountpoint = mountpoint.dentry
        mountpoint.dentry.mountCount += 1
        mounts.append(mount)
    }

    /// Takes `mount` out of the tree (Linux: umount_tree for one mount,
    /// or the detach half of a move). Open files on it keep working.
    func detach(_ mount: Mount) {
        mount.mountpoint?.mountCount -= 1
        mounts.removeAll { $0 === mount }
    }

    /// The mounts directly on top of directories of `mount`.
    func children(of mount: Mount) -> [Mount] {
        mounts.filter { $0.parent === mount && $0 !== mount }
    }

    /// `mount` and every mount below it, parents before children (Linux:
    /// next_mnt's walk of a subtree).
    func subtree(of mount: Mount) -> [Mount] {
        var result = [mount]
        var index = 0
        while index < result.count {
            result += children(of: result[index])
            index += 1
        }
        return result
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
