import ABI
import Core
import Lib

/// The filesystem calls as the system call layer uses them (Linux:
/// fs/namei.c, fs/open.c, fs/stat.c, fs/namespace.c). Paths are bytes, as
/// user space passes them. A relative path starts at `relativeTo` (the
/// working directory or a dirfd), an absolute one at `root`. System calls
/// pass the task's (Linux: fs_struct's root and pwd); the kernel's own
/// lookups leave them out and start at the root of the namespace.
/// Permissions are checked against the calling task's credentials
/// (Permission.swift).
///
/// One mutex serialises every operation on the tree and on open files
/// (Linux splits this into i_rwsem per inode, rename_lock and the dcache's
/// RCU walk; one lock is correct and enough for now). It sleeps, so the
/// VFS is for task context only.
public enum VFS {
    static var lock: Mutex { tree.value.lock }
    static var mountTable: MountTable { tree.value.mounts }
    private static let tree = BootOnce((lock: Mutex(), mounts: MountTable()))

    // MARK: - Mounts

    /// Makes `superBlock` the root filesystem and the root and working
    /// directory of the kernel's tasks, whose `fs` every process inherits
    /// (Linux: init_mount_tree's set_fs_root/set_fs_pwd on init_fs).
    public static func mountRoot(_ superBlock: SuperBlock) {
        let root = lockedNonThrowing { () -> Path in
            let mount = mountTable.mountRoot(superBlock)
            return Path(mount: mount, dentry: mount.root)
        }
        FSContext.kernel.setRoot(root)
        FSContext.kernel.setWorkingDirectory(root)
    }

    /// A mount of `superBlock` outside the tree, for the kernel's own use:
    /// pipes live in one, devtmpfs fills its nodes through one (Linux:
    /// kern_mount). Returns the place of its root.
    public static func kernelMount(_ superBlock: SuperBlock) -> Path {
        guard let root = superBlock.root else { fatalError("VFS: mounting a superblock without a root") }
        return Path(mount: Mount(superBlock: superBlock, root: root, parent: nil, mountpoint: nil), dentry: root)
    }

    /// Mounts `superBlock` on the directory `path` (Linux: path_mount
    /// for a new mount). The path is followed to the end.
    @discardableResult
    public static func mount(
        _ superBlock: SuperBlock, at path: [UInt8], relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) -> Mount {
        let credentials = callerCredentials
        return try locked { () throws(Errno) -> Mount in
            let walker = try walker(root: root, as: credentials)
            let place = try walker.lookup(path, from: start ?? walker.root)
            return try mountTable.mount(superBlock, at: place)
        }
    }

    /// The root of the namespace; nil before `mountRoot`.
    public static var rootPath: Path? {
        lockedNonThrowing {
            mountTable.rootMount.map { Path(mount: $0, dentry: $0.root) }
        }
    }

    // MARK: - Looking up

    /// The place `path` names (Linux: user_path_at), following a final
    /// symlink if `follow`. The walk searches as `credentials`, the
    /// caller's unless access(2) asks for its real IDs.
    public static func lookup(
        _ path: [UInt8], follow: Bool = true, relativeTo start: Path? = nil, root: Path? = nil,
        as credentials: Credentials? = nil
    ) throws(Errno) -> Path {
        let credentials = credentials ?? callerCredentials
        return try locked { () throws(Errno) -> Path in
            let walker = try walker(root: root, as: credentials)
            return try walker.lookup(path, from: start ?? walker.root, options: follow ? .followFinalSymlink : [])
        }
    }

    /// stat(2) and lstat(2) (Linux: vfs_statx).
    public static func stat(
        _ path: [UInt8], follow: Bool = true, relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) -> Stat {
        let credentials = callerCredentials
        return try locked { () throws(Errno) -> Stat in
            let walker = try walker(root: root, as: credentials)
            let place = try walker.lookup(path, from: start ?? walker.root, options: follow ? .followFinalSymlink : [])
            guard let inode = place.inode else { throw .ENOENT }
            return inode.stat()
        }
    }

    /// The stat(2) view of an inode already found (fstat, fstatat with
    /// AT_EMPTY_PATH, statx).
    public static func stat(of inode: Inode) -> Stat {
        lockedNonThrowing { inode.stat() }
    }

    /// A symlink's body, EINVAL for any other inode (readlinkat of an
    /// O_PATH descriptor, or after a lookup).
    public static func readlink(of inode: Inode) throws(Errno) -> [UInt8] {
        try locked { () throws(Errno) -> [UInt8] in
            guard inode.isSymlink else { throw .EINVAL }
            inode.atime = VFSClock.now()
            return try inode.operations.readlink(inode)
        }
    }

    /// readlink(2): a symlink's body; EINVAL for anything else (Linux:
    /// do_readlinkat). The final link is of course not followed.
    public static func readlink(
        _ path: [UInt8], relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) -> [UInt8] {
        guard let inode = try lookup(path, follow: false, relativeTo: start, root: root).inode else { throw .ENOENT }
        return try readlink(of: inode)
    }

    // MARK: - Opening

    /// open(2) (Linux: do_filp_open: path_openat, open_last_lookups,
    /// do_open). O_CREAT makes a regular file with `mode`'s permission bits
    /// (the caller has applied the umask) if the name is free; with O_EXCL
    /// an existing name, even a dangling symlink, is EEXIST. O_NOFOLLOW
    /// refuses a final symlink (ELOOP), O_DIRECTORY anything but a
    /// directory (ENOTDIR), O_TRUNC empties a regular file. Directories
    /// open only for reading (EISDIR); a character device opens its
    /// driver's operations (ENXIO if no driver has its number) and its
    /// open; a FIFO opens its pipe, waiting for the other end as
    /// `Pipe.openFifo` says; block devices and sockets cannot be opened yet
    /// (ENXIO). O_PATH opens a place for fstat, fchdir and *at calls only:
    /// a final symlink itself with O_NOFOLLOW, and no device is involved
    /// (Linux: FMODE_PATH).
    /// Creating needs write and search permission on the directory; an
    /// existing file must permit the access mode (`checkMayOpen`).
    public static func open(
        _ path: [UInt8], flags: OpenFlags, mode: UInt32 = 0, relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) -> File {
        let credentials = callerCredentials
        if flags.contains(.O_PATH) {
            return try openPath(path, flags: flags, start: start, root: root, as: credentials)
        }
        let (place, inode, operations, writeAccess) = try locked {
            () throws(Errno) -> (Path, Inode, any FileOperations, InodeWriteAccess?) in
            let walker = try walker(root: root, as: credentials)
            let from = start ?? walker.root
            let place: Path
            var created = false
            if flags.contains(.O_CREAT) {
                // Linux 6.4 made this combination an error: it used to
                // create a regular file and then fail with ENOTDIR.
                guard !flags.contains(.O_DIRECTORY) else { throw .EINVAL }
                let follow = !flags.contains(.O_EXCL) && !flags.contains(.O_NOFOLLOW)
                switch try walker.lookupForCreate(path, from: from, followFinalSymlink: follow) {
                case .existing(let existing):
                    guard !flags.contains(.O_EXCL) else { throw .EEXIST }
                    guard !(existing.inode?.isDirectory ?? false) else { throw .EISDIR }
                    place = existing
                case .missing(let directory, let name):
                    let permissions = mode & 0o7777
                    place = try createChild(name, in: directory, as: credentials) { (parent) throws(Errno) -> Inode in
                        let mode = credentials.newFileMode(FileMode.S_IFREG | permissions, in: parent.ownership)
                        return try parent.operations.create(name, in: parent, mode: mode)
                    }
                    created = true
                }
            } else {
                place = try walker.lookup(path, from: from, options: lookupOptions(flags))
            }
            guard let inode = place.inode else { throw .ENOENT }
            if !created { try checkMayOpen(inode, flags: flags, as: credentials) }
            var operations = inode.fileOperations
            var writeAccess: InodeWriteAccess? = nil
            switch inode.fileType {
            case FileMode.S_IFDIR, FileMode.S_IFLNK: break  // checkMayOpen has refused what it must
            case FileMode.S_IFREG:
                // Writing a file needs a writable mount (Linux: do_dentry_open's __mnt_want_write).
                if flags.accessMode != .O_RDONLY || flags.contains(.O_TRUNC) { try place.checkWritable() }
                // Before any truncation: a running program's file is ETXTBSY (Linux: get_write_access).
                if flags.accessMode != .O_RDONLY { writeAccess = try InodeWriteAccess(inode, .write) }
                if flags.contains(.O_TRUNC) && !created {
                    try doTruncate(inode, to: 0, as: credentials, at: place.dentry)
                }
            case FileMode.S_IFCHR:
                // A nodev mount opens no devices (Linux: may_open_dev).
                if place.mount.flags.contains(.MS_NODEV) { throw .EACCES }
                // Linux: chrdev_open finds the driver through cdev_map.
                operations = try CharDevices.driver(for: inode.rdev)
            case FileMode.S_IFIFO:
                let pipe = inode.pipe ?? Pipe(ends: 0)
                inode.pipe = pipe
                operations = pipe
            default: throw .ENXIO
            }
            return (place, inode, operations, writeAccess)
        }
        let file: File
        if inode.fileType == FileMode.S_IFIFO, let pipe = operations as? Pipe {
            // Linux: fifo_open, which may sleep, so after the lock.
            file = try pipe.openFifo(flags: flags) {
                File(path: place, inode: inode, flags: flags, operations: pipe)
            }
        } else {
            file = File(path: place, inode: inode, flags: flags, operations: operations)
            file.writeAccess = writeAccess
        }
        // Outside the VFS lock: a driver's open may take its own locks or sleep.
        try file.operations.open(file, flags: flags)
        Fsnotify.opened(file)
        return file
    }

    /// open(O_TMPFILE) (Linux: do_tmpfile and vfs_tmpfile): an unnamed
    /// regular file with `mode`'s permission bits (umask applied) on the
    /// filesystem of the directory `path` names (ENOENT, ENOTDIR), which
    /// must be writable and searchable (EACCES) on a writable mount
    /// (EROFS). Its dentry names it "#ino" below the directory without
    /// being listed there. linkat can give it a name unless O_EXCL.
    public static func openTmpfile(
        _ path: [UInt8], flags: OpenFlags, mode: UInt32, relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) -> File {
        let credentials = callerCredentials
        let (place, inode) = try locked { () throws(Errno) -> (Path, Inode) in
            let walker = try walker(root: root, as: credentials)
            let directory = try walker.lookup(
                path, from: start ?? walker.root, options: [.followFinalSymlink, .requireDirectory])
            guard let parent = directory.inode else { throw .ENOENT }
            try checkMayCreate(in: parent, as: credentials)
            try directory.checkWritable()
            let inode = try parent.operations.tmpfile(
                in: parent, mode: credentials.newFileMode(FileMode.S_IFREG | mode & 0o7777, in: parent.ownership))
            inode.isLinkable = !flags.contains(.O_EXCL)
            let dentry = Dentry(uncached: Array("#\(inode.ino)".utf8), parent: directory.dentry, inode: inode)
            return (Path(mount: directory.mount, dentry: dentry), inode)
        }
        let file = File(path: place, inode: inode, flags: flags, operations: inode.fileOperations)
        file.writeAccess = try InodeWriteAccess(inode, .write)
        try file.operations.open(file, flags: flags)
        Fsnotify.opened(file)
        return file
    }

    /// open(O_PATH): only O_DIRECTORY and O_NOFOLLOW matter; the access
    /// mode is ignored (Linux: the O_PATH branch of build_open_flags).
    private static func openPath(
        _ path: [UInt8], flags: OpenFlags, start: Path?, root: Path?, as credentials: Credentials
    ) throws(Errno) -> File {
        try locked { () throws(Errno) -> File in
            let walker = try walker(root: root, as: credentials)
            let place = try walker.lookup(path, from: start ?? walker.root, options: lookupOptions(flags))
            guard let inode = place.inode else { throw .ENOENT }
            let kept = flags.intersection([.O_PATH, .O_DIRECTORY, .O_NOFOLLOW, .O_CLOEXEC])
            return File(path: place, inode: inode, flags: kept, operations: NoFileOperations.shared)
        }
    }

    /// How open's walk treats the last component without O_CREAT.
    private static func lookupOptions(_ flags: OpenFlags) -> PathLookupOptions {
        var options: PathLookupOptions = []
        if !flags.contains(.O_NOFOLLOW) { options.insert(.followFinalSymlink) }
        if flags.contains(.O_DIRECTORY) { options.insert(.requireDirectory) }
        return options
    }

    // MARK: - Creating names

    /// mkdir(2) (Linux: do_mkdirat). A trailing slash is allowed.
    public static func mkdir(
        _ path: [UInt8], mode: UInt32, relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            let (directory, name) = try parentForCreate(
                path, start: start, root: root, as: credentials,
                allowTrailingSlash: true)
            _ = try createChild(name, in: directory, as: credentials) { (parent) throws(Errno) -> Inode in
                try parent.operations.mkdir(name, in: parent, mode: FileMode.S_IFDIR | (mode & 0o7777))
            }
        }
    }

    /// mknod(2) (Linux: do_mknodat and vfs_mknod): a regular file (type 0
    /// or S_IFREG), a device node with `rdev`, a FIFO or a socket.
    /// Directories are made by mkdir (EPERM); any other type is EINVAL.
    /// Device nodes need CAP_MKNOD (EPERM), except a whiteout (a character
    /// device 0:0, which opens nothing).
    public static func mknod(
        _ path: [UInt8], mode: UInt32, rdev: UInt64 = 0, relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            let type = FileMode.fileType(mode)
            let permissions = mode & 0o7777
            switch type {
            case 0, FileMode.S_IFREG, FileMode.S_IFCHR, FileMode.S_IFBLK, FileMode.S_IFIFO, FileMode.S_IFSOCK: break
            case FileMode.S_IFDIR: throw .EPERM
            default: throw .EINVAL
            }
            let (directory, name) = try parentForCreate(
                path, start: start, root: root, as: credentials,
                allowTrailingSlash: false)
            _ = try createChild(name, in: directory, as: credentials) { (parent) throws(Errno) -> Inode in
                if type == 0 || type == FileMode.S_IFREG {
                    let mode = credentials.newFileMode(FileMode.S_IFREG | permissions, in: parent.ownership)
                    return try parent.operations.create(name, in: parent, mode: mode)
                }
                let isDevice = type == FileMode.S_IFCHR || type == FileMode.S_IFBLK
                let isWhiteout = type == FileMode.S_IFCHR && rdev == 0
                if isDevice && !isWhiteout && !credentials.capable(.CAP_MKNOD) { throw .EPERM }
                let mode = credentials.newFileMode(type | permissions, in: parent.ownership)
                return try parent.operations.mknod(name, in: parent, mode: mode, rdev: rdev)
            }
        }
    }

    /// symlink(2) (Linux: do_symlinkat). The target is stored as given,
    /// not resolved; an empty one is ENOENT.
    public static func symlink(
        _ target: [UInt8], at path: [UInt8], relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            guard !target.isEmpty else { throw .ENOENT }
            guard target.count < PathLimits.pathMax else { throw .ENAMETOOLONG }
            let (directory, name) = try parentForCreate(
                path, start: start, root: root, as: credentials,
                allowTrailingSlash: false)
            _ = try createChild(name, in: directory, as: credentials) { (parent) throws(Errno) -> Inode in
                try parent.operations.symlink(name, in: parent, target: target)
            }
        }
    }

    /// link(2) and linkat(2) (Linux: do_linkat): a new name for the file
    /// `existing` names, a final symlink followed only if `followSymlink`
    /// (AT_SYMLINK_FOLLOW). `existing` starts at `existingStart`, the new
    /// name at `start` (linkat's two directory descriptors). Not across
    /// mounts (EXDEV); then, as for every new name, write and search
    /// permission on the directory (EACCES); then not for directories (EPERM).
    public static func link(
        _ existing: [UInt8], to path: [UInt8], relativeTo start: Path? = nil,
        existingRelativeTo existingStart: Path? = nil, followSymlink: Bool = false, root: Path? = nil
    ) throws(Errno) {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            let walker = try walker(root: root, as: credentials)
            let old = try walker.lookup(
                existing, from: existingStart ?? walker.root, options: followSymlink ? .followFinalSymlink : [])
            guard let inode = old.inode else { throw .ENOENT }
            try linkLocked(inode, on: old.mount, to: path, relativeTo: start, root: root, as: credentials)
        }
    }

    /// linkat(AT_EMPTY_PATH): a new name for the open file `file`, which
    /// may be an O_TMPFILE file without a link.
    public static func link(_ file: File, to path: [UInt8], relativeTo start: Path? = nil, root: Path? = nil)
        throws(Errno)
    {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            try linkLocked(file.inode, on: file.path.mount, to: path, relativeTo: start, root: root, as: credentials)
        }
    }

    /// The name itself (Linux: vfs_link): on the same mount (EXDEV), never
    /// for a directory (EPERM) nor a file without links (ENOENT) unless
    /// O_TMPFILE made it linkable, which the first link ends.
    private static func linkLocked(
        _ inode: Inode, on mount: Mount, to path: [UInt8], relativeTo start: Path?, root: Path?,
        as credentials: Credentials
    ) throws(Errno) {
        let (directory, name) = try parentForCreate(
            path, start: start, root: root, as: credentials,
            allowTrailingSlash: false)
        guard directory.mount === mount else { throw .EXDEV }
        _ = try createChild(name, in: directory, as: credentials, isLink: true) { (parent) throws(Errno) -> Inode in
            guard !inode.isDirectory else { throw .EPERM }
            guard inode.nlink > 0 || inode.isLinkable else { throw .ENOENT }
            try parent.operations.link(inode, as: name, in: parent)
            inode.isLinkable = false
            return inode
        }
    }

    // MARK: - Removing names

    /// unlink(2) (Linux: do_unlinkat and vfs_unlink). A path ending in
    /// ".", ".." or "/" is EISDIR, "file/" ENOTDIR; then `checkMayDelete`
    /// (EACCES, the sticky bit's EPERM, EISDIR for a directory).
    public static func unlink(_ path: [UInt8], relativeTo start: Path? = nil, root: Path? = nil) throws(Errno) {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            let (directory, victim) = try existingChild(
                path, start: start, root: root, as: credentials,
                nonNameError: .EISDIR)
            guard let inode = victim.inode, let directoryInode = directory.inode else { throw .ENOENT }
            try directory.checkWritable()
            try checkMayDelete(inode, from: directoryInode, isDirectory: false, as: credentials)
            try directoryInode.operations.unlink(inode, from: directoryInode)
            victim.dentry.delete()
            Fsnotify.removed(victim.dentry.name, for: inode, from: directoryInode)
        }
    }

    /// rmdir(2) (Linux: do_rmdir and vfs_rmdir): never "." (EINVAL), ".."
    /// (ENOTEMPTY) or a root (EBUSY); then `checkMayDelete` (EACCES, EPERM,
    /// ENOTDIR); not a mount point (EBUSY), only an empty directory (ENOTEMPTY).
    public static func rmdir(_ path: [UInt8], relativeTo start: Path? = nil, root: Path? = nil) throws(Errno) {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            let walker = try walker(root: root, as: credentials)
            let parent = try walker.lookupParent(path, from: start ?? walker.root)
            switch parent.last {
            case .dot: throw .EINVAL
            case .dotDot: throw .ENOTEMPTY
            case .root: throw .EBUSY
            case .name(let name):
                let victim = try walker.filesystem.lookup(name, in: parent.directory)
                guard let inode = victim.inode, let directoryInode = parent.directory.inode else { throw .ENOENT }
                try parent.directory.checkWritable()
                try checkMayDelete(inode, from: directoryInode, isDirectory: true, as: credentials)
                guard !mountTable.isBusy(victim) else { throw .EBUSY }
                guard victim.dentry.children.isEmpty else { throw .ENOTEMPTY }
                try directoryInode.operations.rmdir(inode, from: directoryInode)
                victim.dentry.delete()
                Fsnotify.removed(victim.dentry.name, for: inode, from: directoryInode)
            }
        }
    }

    /// rename(2), renameat(2) and renameat2(2) (Linux: do_renameat2 +
    /// vfs_rename). `oldPath` starts at `oldStart`, `newPath` at `start`.
    /// An existing target is replaced — unless `noReplace`
    /// (RENAME_NOREPLACE: EEXIST) — a file only by a file (EISDIR), a
    /// directory only by a directory (ENOTDIR) and only if empty
    /// (ENOTEMPTY). Both names must be on one mount (EXDEV); a directory
    /// cannot move into itself (EINVAL); ".", ".." and mount points are
    /// EBUSY. Renaming a file to another of its own names does nothing, as
    /// POSIX says. Permissions as Linux's vfs_rename: the old name must be
    /// removable and the new one removable or creatable (EACCES, or EPERM
    /// for the sticky bit), and a directory moving to another parent must be
    /// writable, for its ".." (EACCES).
    public static func rename(
        _ oldPath: [UInt8], to newPath: [UInt8], relativeTo start: Path? = nil,
        oldRelativeTo oldStart: Path? = nil, noReplace: Bool = false, root: Path? = nil
    ) throws(Errno) {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            let walker = try walker(root: root, as: credentials)
            let oldParent = try walker.lookupParent(oldPath, from: oldStart ?? walker.root)
            let newParent = try walker.lookupParent(newPath, from: start ?? walker.root)
            guard case .name(let oldSlice) = oldParent.last, case .name(let newSlice) = newParent.last else {
                throw .EBUSY
            }
            let (oldName, newName) = (Array(oldSlice), Array(newSlice))
            guard oldParent.directory.mount === newParent.directory.mount else { throw .EXDEV }
            try newParent.directory.checkWritable()
            let tree = walker.filesystem
            let source = try tree.lookup(oldSlice, in: oldParent.directory)
            guard let inode = source.inode,
                let oldDirectory = oldParent.directory.inode,
                let newDirectory = newParent.directory.inode
            else { throw .ENOENT }
            if !inode.isDirectory && (oldParent.hasTrailingSlash || newParent.hasTrailingSlash) {
                throw .ENOTDIR
            }
            // The source must not be an ancestor of the target's directory.
            var ancestor: Dentry? = newParent.directory.dentry
            while let dentry = ancestor {
                if dentry === source.dentry { throw .EINVAL }
                ancestor = dentry.parent
            }
            var target: Path? = nil
            do throws(Errno) {
                target = try tree.lookup(newSlice, in: newParent.directory)
            } catch {
                guard error == .ENOENT else { throw error }
            }
            if let target, let replaced = target.inode {
                guard !noReplace else { throw .EEXIST }
                if replaced === inode { return }
                // The target must not be an ancestor of the source.
                var up: Dentry? = source.dentry.parent
                while let dentry = up {
                    if dentry === target.dentry { throw .ENOTEMPTY }
                    up = dentry.parent
                }
                try checkMayDelete(inode, from: oldDirectory, isDirectory: inode.isDirectory, as: credentials)
                // Also the type check: a directory replaces only a directory (ENOTDIR), a file only a file (EISDIR).
                try checkMayDelete(replaced, from: newDirectory, isDirectory: inode.isDirectory, as: credentials)
                try checkMayMoveDirectory(inode, from: oldDirectory, to: newDirectory, as: credentials)
                if inode.isDirectory {
                    guard target.dentry.children.isEmpty else { throw .ENOTEMPTY }
                }
                guard !mountTable.isBusy(source), !mountTable.isBusy(target) else { throw .EBUSY }
                try oldDirectory.operations.rename(inode, from: oldDirectory, to: newDirectory, replacing: replaced)
                target.dentry.delete()
                Fsnotify.moved(inode, from: oldDirectory, oldName, to: newDirectory, newName, replacing: replaced)
            } else {
                try checkMayDelete(inode, from: oldDirectory, isDirectory: inode.isDirectory, as: credentials)
                try checkMayCreate(in: newDirectory, as: credentials)
                try checkMayMoveDirectory(inode, from: oldDirectory, to: newDirectory, as: credentials)
                guard !mountTable.isBusy(source) else { throw .EBUSY }
                try oldDirectory.operations.rename(inode, from: oldDirectory, to: newDirectory, replacing: nil)
                Fsnotify.moved(inode, from: oldDirectory, oldName, to: newDirectory, newName, replacing: nil)
            }
            source.dentry.move(to: newParent.directory.dentry, as: newName)
        }
    }

    // MARK: - Helpers

    /// Runs `body` with the VFS lock held.
    static func locked<T>(_ body: () throws(Errno) -> T) throws(Errno) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    static func lockedNonThrowing<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// A walker whose "/" is `root`, or the namespace's root, searching
    /// directories as `credentials`.
    static func walker(root: Path?, as credentials: Credentials) throws(Errno) -> PathWalker<DentryWalk> {
        PathWalker(filesystem: DentryWalk(mounts: mountTable, credentials: credentials), root: try resolvedRoot(root))
    }

    /// `root`, or the namespace's root; ENOENT before there is one.
    static func resolvedRoot(_ root: Path?) throws(Errno) -> Path {
        if let root { return root }
        guard let mount = mountTable.rootMount else { throw .ENOENT }
        return Path(mount: mount, dentry: mount.root)
    }

    /// The directory and free name for mkdir, mknod, symlink and link
    /// (Linux: filename_create): EEXIST if the name is taken or is ".",
    /// ".." or "/"; a trailing slash only for mkdir (else ENOENT, as Linux
    /// answers "file/" for a name that would not be a directory).
    private static func parentForCreate(
        _ path: [UInt8], start: Path?, root: Path?, as credentials: Credentials, allowTrailingSlash: Bool
    ) throws(Errno) -> (Path, [UInt8]) {
        let walker = try walker(root: root, as: credentials)
        let parent = try walker.lookupParent(path, from: start ?? walker.root)
        guard case .name(let name) = parent.last else { throw .EEXIST }
        do throws(Errno) {
            _ = try walker.filesystem.lookup(name, in: parent.directory)
        } catch {
            guard error == .ENOENT else { throw error }
            if parent.hasTrailingSlash && !allowTrailingSlash { throw .ENOENT }
            return (parent.directory, Array(name))
        }
        throw .EEXIST
    }

    /// The existing last component of `path` and its directory, for
    /// unlink; `nonNameError` for a path ending in ".", ".." or "/".
    private static func existingChild(
        _ path: [UInt8], start: Path?, root: Path?, as credentials: Credentials, nonNameError: Errno
    ) throws(Errno) -> (directory: Path, child: Path) {
        let walker = try walker(root: root, as: credentials)
        let parent = try walker.lookupParent(path, from: start ?? walker.root)
        guard case .name(let name) = parent.last else { throw nonNameError }
        // A mount point is a directory and so is its mounted root: either
        // way unlink's answer is EISDIR.
        let child = try walker.filesystem.lookup(name, in: parent.directory)
        if parent.hasTrailingSlash {
            throw (child.inode?.isDirectory ?? false) ? .EISDIR : .ENOTDIR
        }
        return (parent.directory, child)
    }

    /// Has the filesystem make an inode for `name` in `directory`, if the
    /// caller may create there, and caches it (Linux: vfs_create/vfs_mkdir/...
    /// with may_create, then d_instantiate).
    private static func createChild(
        _ name: [UInt8], in directory: Path, as credentials: Credentials, isLink: Bool = false,
        _ make: (Inode) throws(Errno) -> Inode
    ) throws(Errno) -> Path {
        guard let parent = directory.inode else { throw .ENOENT }
        try directory.checkWritable()
        try checkMayCreate(in: parent, as: credentials)
        let inode = try make(parent)
        Fsnotify.created(name, for: inode, in: parent, isLink: isLink)
        return Path(mount: directory.mount, dentry: directory.dentry.addChild(name, inode: inode))
    }
}
