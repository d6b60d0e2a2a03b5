import ABI
import Core
import Lib

/// The calls that make and remove names: mkdir, mknod, rmdir, unlink,
/// rename, link, symlink and their *at forms (Linux: fs/namei.c).
enum NameiSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.mkdir, syscall(mkdir)),
        (.mkdirat, syscall(mkdirat)),
        (.mknod, syscall(mknod)),
        (.mknodat, syscall(mknodat)),
        (.rmdir, syscall(rmdir)),
        (.unlink, syscall(unlink)),
        (.unlinkat, syscall(unlinkat)),
        (.rename, syscall(rename)),
        (.renameat, syscall(renameat)),
        (.renameat2, syscall(renameat2)),  // partial: RENAME_EXCHANGE and RENAME_WHITEOUT are EINVAL
        (.link, syscall(link)),
        (.linkat, syscall(linkat)),
        (.symlink, syscall(symlink)),
        (.symlinkat, syscall(symlinkat)),
    ]

    static func mkdir(_ path: UserString, _ mode: UInt32) throws(Errno) -> Int64 {
        try mkdir(PathArgument(path), mode: mode)
    }

    static func mkdirat(_ dirfd: FileDescriptor, _ path: UserString, _ mode: UInt32) throws(Errno) -> Int64 {
        try mkdir(PathArgument(path, dirfd: dirfd), mode: mode)
    }

    static func mknod(_ path: UserString, _ mode: UInt32, _ device: UInt32) throws(Errno) -> Int64 {
        try mknod(PathArgument(path), mode: mode, device: device)
    }

    static func mknodat(
        _ dirfd: FileDescriptor, _ path: UserString, _ mode: UInt32,
        _ device: UInt32
    ) throws(Errno) -> Int64 {
        try mknod(PathArgument(path, dirfd: dirfd), mode: mode, device: device)
    }

    static func rmdir(_ path: UserString) throws(Errno) -> Int64 {
        let target = try PathArgument(path)
        try VFS.rmdir(target.path, relativeTo: target.start, root: target.root)
        return 0
    }

    static func unlink(_ path: UserString) throws(Errno) -> Int64 {
        let target = try PathArgument(path)
        try VFS.unlink(target.path, relativeTo: target.start, root: target.root)
        return 0
    }

    /// unlinkat(dirfd, path, flags): AT_REMOVEDIR makes it rmdir.
    static func unlinkat(_ dirfd: FileDescriptor, _ path: UserString, _ flags: Int32) throws(Errno) -> Int64 {
        guard flags & ~AtFlags.AT_REMOVEDIR == 0 else { throw .EINVAL }
        let target = try PathArgument(path, dirfd: dirfd)
        if flags & AtFlags.AT_REMOVEDIR != 0 {
            try VFS.rmdir(target.path, relativeTo: target.start, root: target.root)
        } else {
            try VFS.unlink(target.path, relativeTo: target.start, root: target.root)
        }
        return 0
    }

    static func rename(_ oldPath: UserString, _ newPath: UserString) throws(Errno) -> Int64 {
        try rename(from: PathArgument(oldPath), to: PathArgument(newPath), flags: [])
    }

    static func renameat(
        _ oldDirfd: FileDescriptor, _ oldPath: UserString, _ newDirfd: FileDescriptor,
        _ newPath: UserString
    ) throws(Errno) -> Int64 {
        try rename(from: PathArgument(oldPath, dirfd: oldDirfd), to: PathArgument(newPath, dirfd: newDirfd), flags: [])
    }

    static func renameat2(
        _ oldDirfd: FileDescriptor, _ oldPath: UserString, _ newDirfd: FileDescriptor,
        _ newPath: UserString, _ flagsArgument: ZeroExtended<RenameFlags>
    ) throws(Errno) -> Int64 {
        let flags = try flagsArgument.value()
        guard flags.subtracting([.RENAME_NOREPLACE, .RENAME_EXCHANGE, .RENAME_WHITEOUT]).isEmpty else { throw .EINVAL }
        return try rename(
            from: PathArgument(oldPath, dirfd: oldDirfd), to: PathArgument(newPath, dirfd: newDirfd),
            flags: flags)
    }

    static func link(_ oldPath: UserString, _ newPath: UserString) throws(Errno) -> Int64 {
        try link(PathArgument(oldPath), to: PathArgument(newPath), follow: false)
    }

    /// linkat(olddirfd, oldpath, newdirfd, newpath, flags). AT_EMPTY_PATH
    /// needs CAP_DAC_READ_SEARCH (ENOENT without, as Linux); an empty
    /// path then links `olddirfd`'s open file, an O_TMPFILE one included.
    static func linkat(
        _ oldDirfd: FileDescriptor, _ oldPath: UserString, _ newDirfd: FileDescriptor,
        _ newPath: UserString, _ flags: Int32
    ) throws(Errno) -> Int64 {
        guard flags & ~(AtFlags.AT_SYMLINK_FOLLOW | AtFlags.AT_EMPTY_PATH) == 0 else { throw .EINVAL }
        let emptyPath = flags & AtFlags.AT_EMPTY_PATH != 0
        if emptyPath && !Scheduler.current.credentials.capable(.CAP_DAC_READ_SEARCH) { throw .ENOENT }
        let existing = try PathArgument(oldPath, dirfd: oldDirfd, allowEmpty: emptyPath)
        let new = try PathArgument(newPath, dirfd: newDirfd)
        if existing.path.isEmpty {
            guard let file = existing.emptyPathFile else { throw .ENOENT }
            try VFS.link(file, to: new.path, relativeTo: new.start, root: new.root)
            return 0
        }
        return try link(existing, to: new, follow: flags & AtFlags.AT_SYMLINK_FOLLOW != 0)
    }

    static func symlink(_ target: UserString, _ linkPath: UserString) throws(Errno) -> Int64 {
        try symlink(target: target, at: PathArgument(linkPath))
    }

    /// symlinkat(target, newdirfd, linkpath).
    static func symlinkat(_ target: UserString, _ newDirfd: FileDescriptor, _ linkPath: UserString) throws(Errno)
        -> Int64
    {
        try symlink(target: target, at: PathArgument(linkPath, dirfd: newDirfd))
    }

    /// Linux: do_mkdirat. The mode keeps permissions and the sticky bit,
    /// less the umask.
    private static func mkdir(_ target: PathArgument, mode: UInt32) throws(Errno) -> Int64 {
        let permissions = mode & (FileMode.permissionBits | FileMode.S_ISVTX)
        try VFS.mkdir(
            target.path, mode: permissions & ~Scheduler.current.fs.umask,
            relativeTo: target.start, root: target.root)
        return 0
    }

    /// Linux: do_mknodat. The device number is the 32-bit encoding
    /// st_rdev uses; the umask applies to the permissions.
    private static func mknod(_ target: PathArgument, mode requested: UInt32, device: UInt32) throws(Errno) -> Int64 {
        let permissions = requested & 0o7777 & ~Scheduler.current.fs.umask
        try VFS.mknod(
            target.path, mode: FileMode.fileType(requested) | permissions, rdev: UInt64(device),
            relativeTo: target.start, root: target.root)
        return 0
    }

    /// Linux: do_renameat2. The names must share a root; RENAME_EXCHANGE
    /// is not supported yet, nor are whiteouts (ramfs has none).
    private static func rename(from old: PathArgument, to new: PathArgument, flags: RenameFlags) throws(Errno) -> Int64
    {
        guard !flags.contains(.RENAME_EXCHANGE), !flags.contains(.RENAME_WHITEOUT) else { throw .EINVAL }
        try VFS.rename(
            old.path, to: new.path, relativeTo: new.start, oldRelativeTo: old.start,
            noReplace: flags.contains(.RENAME_NOREPLACE), root: new.root)
        return 0
    }

    private static func link(_ existing: PathArgument, to new: PathArgument, follow: Bool) throws(Errno) -> Int64 {
        try VFS.link(
            existing.path, to: new.path, relativeTo: new.start, existingRelativeTo: existing.start,
            followSymlink: follow, root: new.root)
        return 0
    }

    /// The target is stored as given; an empty one is ENOENT (Linux: do_symlinkat).
    private static func symlink(target name: UserString, at link: PathArgument) throws(Errno) -> Int64 {
        let target = try name.path()
        try VFS.symlink(target, at: link.path, relativeTo: link.start, root: link.root)
        return 0
    }
}
