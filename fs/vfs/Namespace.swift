import ABI
import Lib

/// What mount(2), umount2(2) and pivot_root(2) do to the tree, and the
/// text /proc/mounts and /proc/self/mountinfo show of it (Linux:
/// fs/namespace.c and fs/proc_namespace.c). The system calls have
/// checked the caller's privilege and found the places.
extension VFS {
    // MARK: - Making mounts

    /// A new mount of `superBlock` on `target` (Linux: do_new_mount's
    /// graft): the per-mount flags of `flags` (MS_RDONLY also makes the
    /// filesystem read-only), and atime "relatime" unless MS_NOATIME or
    /// MS_STRICTATIME says otherwise.
    @discardableResult
    public static func mount(
        _ superBlock: SuperBlock, on target: Path, flags: MountFlags = [], source: [UInt8] = []
    ) throws(Errno) -> Mount {
        try locked { () throws(Errno) -> Mount in
            if flags.contains(.MS_RDONLY) { superBlock.isReadOnly = true }
            return try mountTable.mount(superBlock, at: target, flags: mountFlags(flags), source: source)
        }
    }

    /// MS_BIND: the tree at `source` seen at `target` too, with the source
    /// mount's flags; with `recursive` (MS_REC) the mounts below `source`
    /// come along (Linux: do_loopback, clone_mnt and copy_tree). A file
    /// may be bound onto a file; a directory only onto a directory and the
    /// other way round neither (ENOTDIR).
    public static func bindMount(_ source: Path, on target: Path, recursive: Bool) throws(Errno) {
        try locked { () throws(Errno) in
            guard let sourceInode = source.inode, let targetInode = target.inode else { throw .ENOENT }
            guard sourceInode.isDirectory == targetInode.isDirectory else { throw .ENOTDIR }
            let copy = clone(source.mount, root: source.dentry)
            mountTable.attach(copy, at: target)
            guard recursive else { return }
            // Each mount below the source, on its clone of its parent.
            var clones: [(original: Mount, copy: Mount)] = [(source.mount, copy)]
            for original in mountTable.subtree(of: source.mount).dropFirst() {
                guard let mountpoint = original.mountpoint, let parent = original.parent,
                    let parentCopy = clones.first(where: { $0.original === parent })?.copy,
                    isBelow(mountpoint, parentCopy.root)
                else { continue }
                let child = clone(original, root: original.root)
                mountTable.attach(child, at: Path(mount: parentCopy, dentry: mountpoint))
                clones.append((original, child))
            }
        }
    }

    /// MS_MOVE: the mount whose root is `source` now covers `target`
    /// (Linux: do_move_mount). EINVAL unless `source` is a mount's root,
    /// and for the namespace's root; ELOOP to move a mount below itself.
    public static func moveMount(_ source: Path, to target: Path) throws(Errno) {
        try locked { () throws(Errno) in
            guard source.isMountRoot, source.mount.parent != nil,
                mountTable.mounts.contains(where: { $0 === source.mount })
            else { throw .EINVAL }
            guard target.inode?.isDirectory ?? false else { throw .ENOTDIR }
            var ancestor: Mount? = target.mount
            while let mount = ancestor {
                if mount === source.mount { throw .ELOOP }
                ancestor = mount.parent
            }
            mountTable.detach(source.mount)
            mountTable.attach(source.mount, at: target)
        }
    }

    /// MS_REMOUNT at the root of a mount (EINVAL elsewhere): the mount's
    /// flags become those given; without MS_BIND the filesystem's too —
    /// read-only or not, and its options (Linux: do_remount, or
    /// do_reconfigure_mnt for MS_BIND). EBUSY to make it read-only while
    /// a regular file is open for writing through it (or, without MS_BIND,
    /// through any mount of the filesystem).
    public static func remount(
        _ place: Path, flags: MountFlags, options: MountOptions, bindOnly: Bool
    ) throws(Errno) {
        try locked { () throws(Errno) in
            guard place.isMountRoot else { throw .EINVAL }
            let mount = place.mount
            var newFlags = mountFlags(flags)
            // No atime flag given: the mount keeps its own (Linux: path_mount).
            if flags.intersection([.MS_NOATIME, .MS_NODIRATIME, .MS_RELATIME, .MS_STRICTATIME]).isEmpty {
                newFlags = newFlags.subtracting(atimeFlags).union(mount.flags.intersection(atimeFlags))
            }
            // Not read-only while files are open for writing (Linux:
            // mnt_make_readonly, and sb_prepare_remount_readonly over every mount).
            if flags.contains(.MS_RDONLY) {
                let writable = bindOnly ? [mount] : mountTable.mounts.filter { $0.superBlock === mount.superBlock }
                if writable.contains(where: { $0.hasWriters }) { throw .EBUSY }
            }
            if !bindOnly {
                try mount.superBlock.operations?.reconfigure(mount.superBlock, options: options)
                mount.superBlock.isReadOnly = flags.contains(.MS_RDONLY)
            }
            mount.flags = newFlags
        }
    }

    /// umount2(2) of the mount whose root is `place` (EINVAL elsewhere, and
    /// for the namespace's root). EBUSY while mounts sit on it or a file,
    /// working directory or root is open on it — unless `flags` has
    /// MNT_DETACH, which takes it and everything below it out of the tree
    /// at once and leaves open files working. MNT_EXPIRE marks an idle
    /// mount the first time (EAGAIN) and unmounts it the second, if no one
    /// used it since (Linux: path_umount, do_umount).
    public static func unmount(_ place: Path, flags: UnmountFlags) throws(Errno) {
        try locked { () throws(Errno) in
            let mount = place.mount
            guard place.isMountRoot, mount.parent != nil, mountTable.mounts.contains(where: { $0 === mount }) else {
                throw .EINVAL
            }
            if flags.contains(.MNT_EXPIRE) {
                guard !flags.contains(.MNT_DETACH), !flags.contains(.MNT_FORCE) else { throw .EINVAL }
                guard mount.expiryMark else {
                    mount.expiryMark = true
                    throw .EAGAIN
                }
            }
            if flags.contains(.MNT_DETACH) {
                for gone in mountTable.subtree(of: mount).reversed() { mountTable.detach(gone) }
                return
            }
            guard mountTable.children(of: mount).isEmpty, !isInUse(mount) else { throw .EBUSY }
            mountTable.detach(mount)
        }
    }

    /// pivot_root(2): the mount at `newRoot` becomes the root of the
    /// caller's tree and the old root is moved onto `putOld`; every task
    /// whose root or working directory was the old root moves to the new
    /// one (Linux: SYSCALL_DEFINE2(pivot_root) and chroot_fs_refs). The
    /// caller's root must be a mount's root with a parent, `newRoot` a
    /// mount point other than it, `putOld` at or below `newRoot` (EINVAL);
    /// neither may be on the current root's mount (EBUSY).
    public static func pivotRoot(_ newRoot: Path, putOld: Path, root: Path?) throws(Errno) {
        try locked { () throws(Errno) in
            let oldRoot = try resolvedRoot(root)
            guard newRoot.inode?.isDirectory ?? false, putOld.inode?.isDirectory ?? false else { throw .ENOTDIR }
            guard newRoot.mount !== oldRoot.mount, putOld.mount !== oldRoot.mount else { throw .EBUSY }
            guard oldRoot.isMountRoot, let rootParent = oldRoot.mount.parent,
                let rootMountpoint = oldRoot.mount.mountpoint, newRoot.isMountRoot,
                newRoot.mount.parent != nil,
                isReachable(putOld, from: newRoot), isReachable(newRoot, from: oldRoot)
            else { throw .EINVAL }
            let newMount = newRoot.mount
            mountTable.detach(newMount)
            mountTable.detach(oldRoot.mount)
            mountTable.attach(oldRoot.mount, at: putOld)
            mountTable.attach(newMount, at: Path(mount: rootParent, dentry: rootMountpoint))
            let newPlace = Path(mount: newMount, dentry: newMount.root)
            for task in PidAllocation.allTasks {
                if task.fs.root == oldRoot { task.fs.setRoot(newPlace) }
                if task.fs.workingDirectory == oldRoot { task.fs.setWorkingDirectory(newPlace) }
            }
        }
    }

    // MARK: - Helpers

    /// The atime flags, of which a mount has at most one.
    private static let atimeFlags: MountFlags = [.MS_NOATIME, .MS_RELATIME]

    /// What a mount keeps of mount(2)'s flags: relatime unless noatime or
    /// strictatime (Linux: path_mount's MNT_* from MS_*).
    private static func mountFlags(_ flags: MountFlags) -> MountFlags {
        var result = flags.intersection(Mount.perMountFlags).subtracting(atimeFlags)
        if flags.contains(.MS_NOATIME) {
            result.insert(.MS_NOATIME)
        } else if !flags.contains(.MS_STRICTATIME) {
            result.insert(.MS_RELATIME)
        }
        return result
    }

    /// A copy of `mount` seeing `root` (Linux: clone_mnt).
    private static func clone(_ mount: Mount, root: Dentry) -> Mount {
        Mount(
            superBlock: mount.superBlock, root: root, parent: nil, mountpoint: nil, flags: mount.flags,
            source: mount.source)
    }

    /// Whether `dentry` is `top` or below it in one filesystem.
    private static func isBelow(_ dentry: Dentry, _ top: Dentry) -> Bool {
        var current: Dentry? = dentry
        while let here = current {
            if here === top { return true }
            current = here.parent
        }
        return false
    }

    /// Whether `place` is `top` or below it, across mounts (Linux:
    /// is_path_reachable).
    private static func isReachable(_ place: Path, from top: Path) -> Bool {
        components(of: place, from: top).reachable
    }

    /// Whether a file is open on `mount` or a task works or is rooted
    /// there (Linux: the reference count propagate_mount_busy reads).
    private static func isInUse(_ mount: Mount) -> Bool {
        if mount.hasOpenFiles { return true }
        return PidAllocation.allTasks.contains { task in
            task.fs.root?.mount === mount || task.fs.workingDirectory?.mount === mount
        }
    }
}
