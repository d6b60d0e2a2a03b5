import ABI

/// The calls that make and remove names: mkdir, mknod, rmdir, unlink,
/// rename, link, symlink and their *at forms (Linux: fs/namei.c).
enum NameiSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.mkdir, mkdir),
        (.mkdirat, mkdirat),
        (.mknod, mknod),
        (.mknodat, mknodat),
        (.rmdir, rmdir),
        (.unlink, unlink),
        (.unlinkat, unlinkat),
        (.rename, rename),
        (.renameat, renameat),
        (.renameat2, renameat2),  // partial: RENAME_EXCHANGE and RENAME_WHITEOUT are EINVAL
        (.link, link),
        (.linkat, linkat),  // partial: AT_EMPTY_PATH is accepted but an empty path is ENOENT
        (.symlink, symlink),
        (.symlinkat, symlinkat),
    ]

    static func mkdir(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try mkdir(PathArgument(arguments.a0), mode: arguments.a1)
    }

    static func mkdirat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try mkdir(PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0)), mode: arguments.a2)
    }

    static func mknod(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try mknod(PathArgument(arguments.a0), mode: arguments.a1, device: arguments.a2)
    }

    static func mknodat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try mknod(PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0)),
                  mode: arguments.a2, device: arguments.a3)
    }

    static func rmdir(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let target = try PathArgument(arguments.a0)
        try VFS.rmdir(target.path, relativeTo: target.start, root: target.root)
        return 0
    }

    static func unlink(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let target = try PathArgument(arguments.a0)
        try VFS.unlink(target.path, relativeTo: target.start, root: target.root)
        return 0
    }

    /// unlinkat(dirfd, path, flags): AT_REMOVEDIR makes it rmdir.
    static func unlinkat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = Int32(truncatingIfNeeded: arguments.a2)
        guard flags & ~AtFlags.AT_REMOVEDIR == 0 else { throw .EINVAL }
        let target = try PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0))
        if flags & AtFlags.AT_REMOVEDIR != 0 {
            try VFS.rmdir(target.path, relativeTo: target.start, root: target.root)
        } else {
            try VFS.unlink(target.path, relativeTo: target.start, root: target.root)
        }
        return 0
    }

    static func rename(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try rename(from: PathArgument(arguments.a0), to: PathArgument(arguments.a1), flags: [])
    }

    static func renameat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try rename(from: PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0)),
                   to: PathArgument(arguments.a3, dirfd: FileArguments.descriptor(arguments.a2)), flags: [])
    }

    static func renameat2(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = RenameFlags(rawValue: UInt32(truncatingIfNeeded: arguments.a4))
        guard arguments.a4 >> 32 == 0,
              flags.subtracting([.RENAME_NOREPLACE, .RENAME_EXCHANGE, .RENAME_WHITEOUT]).isEmpty else { throw .EINVAL }
        return try rename(from: PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0)),
                          to: PathArgument(arguments.a3, dirfd: FileArguments.descriptor(arguments.a2)), flags: flags)
    }

    static func link(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try link(PathArgument(arguments.a0), to: PathArgument(arguments.a1), follow: false)
    }

    /// linkat(olddirfd, oldpath, newdirfd, newpath, flags).
    static func linkat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = Int32(truncatingIfNeeded: arguments.a4)
        guard flags & ~(AtFlags.AT_SYMLINK_FOLLOW | AtFlags.AT_EMPTY_PATH) == 0 else { throw .EINVAL }
        return try link(PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0)),
                        to: PathArgument(arguments.a3, dirfd: FileArguments.descriptor(arguments.a2)),
                        follow: flags & AtFlags.AT_SYMLINK_FOLLOW != 0)
    }

    static func symlink(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try symlink(target: arguments.a0, at: PathArgument(arguments.a1))
    }

    /// symlinkat(target, newdirfd, linkpath).
    static func symlinkat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try symlink(target: arguments.a0, at: PathArgument(arguments.a2, dirfd: FileArguments.descriptor(arguments.a1)))
    }

    /// Linux: do_mkdirat. The mode keeps permissions and the sticky bit,
    /// less the umask.
    private static func mkdir(_ target: PathArgument, mode: UInt64) throws(Errno) -> Int64 {
        let permissions = UInt32(truncatingIfNeeded: mode) & (FileMode.permissionBits | FileMode.S_ISVTX)
        try VFS.mkdir(target.path, mode: permissions & ~Scheduler.current.fs.umask,
                      relativeTo: target.start, root: target.root)
        return 0
    }

    /// Linux: do_mknodat. The device number is the 32-bit encoding
    /// st_rdev uses; the umask applies to the permissions.
    private static func mknod(_ target: PathArgument, mode: UInt64, device: UInt64) throws(Errno) -> Int64 {
        let requested = UInt32(truncatingIfNeeded: mode)
        let permissions = requested & 0o7777 & ~Scheduler.current.fs.umask
        try VFS.mknod(target.path, mode: FileMode.fileType(requested) | permissions,
                      rdev: UInt64(UInt32(truncatingIfNeeded: device)), relativeTo: target.start, root: target.root)
        return 0
    }

    /// Linux: do_renameat2. The names must share a root; RENAME_EXCHANGE
    /// is not supported yet, nor are whiteouts (ramfs has none).
    private static func rename(from old: PathArgument, to new: PathArgument, flags: RenameFlags) throws(Errno) -> Int64 {
        guard !flags.contains(.RENAME_EXCHANGE), !flags.contains(.RENAME_WHITEOUT) else { throw .EINVAL }
        try VFS.rename(old.path, to: new.path, relativeTo: new.start, oldRelativeTo: old.start,
                       noReplace: flags.contains(.RENAME_NOREPLACE), root: new.root)
        return 0
    }

    private static func link(_ existing: PathArgument, to new: PathArgument, follow: Bool) throws(Errno) -> Int64 {
        try VFS.link(existing.path, to: new.path, relativeTo: new.start, existingRelativeTo: existing.start,
                     followSymlink: follow, root: new.root)
        return 0
    }

    /// The target is stored as given; an empty one is ENOENT (Linux: do_symlinkat).
    private static func symlink(target address: UInt64, at link: PathArgument) throws(Errno) -> Int64 {
        let target = try FileArguments.string(address)
        try VFS.symlink(target, at: link.path, relativeTo: link.start, root: link.root)
        return 0
    }
}
