import ABI
import Core
import Lib

/// Checking and changing a file's attributes: access, chmod, chown,
/// truncate and their variants (Linux: fs/open.c).
enum AttributeSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.access, syscall(access)),
        (.faccessat, syscall(faccessat)),
        (.faccessat2, syscall(faccessat2)),
        (.chmod, syscall(chmod)),
        (.fchmod, syscall(fchmod)),
        (.fchmodat, syscall(fchmodat)),
        (.chown, syscall(chown)),
        (.fchown, syscall(fchown)),
        (.lchown, syscall(lchown)),
        (.fchownat, syscall(fchownat)),
        (.truncate, syscall(truncate)),
        (.ftruncate, syscall(ftruncate)),
    ]

    static func access(_ path: UserString, _ mode: AccessMode) throws(Errno) -> Int64 {
        try access(PathArgument(path), mode: mode, follow: true, effectiveIDs: false)
    }

    static func faccessat(_ dirfd: FileDescriptor, _ path: UserString, _ mode: AccessMode) throws(Errno) -> Int64 {
        try access(PathArgument(path, dirfd: dirfd), mode: mode, follow: true, effectiveIDs: false)
    }

    /// faccessat2(dirfd, path, mode, flags). AT_EACCESS checks with the
    /// effective (filesystem) IDs instead of the real ones.
    static func faccessat2(
        _ dirfd: FileDescriptor, _ path: UserString, _ mode: AccessMode,
        _ flags: Int32
    ) throws(Errno) -> Int64 {
        guard flags & ~(AtFlags.AT_EACCESS | AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_EMPTY_PATH) == 0 else {
            throw .EINVAL
        }
        let target = try PathArgument(path, dirfd: dirfd, allowEmpty: flags & AtFlags.AT_EMPTY_PATH != 0)
        return try access(
            target, mode: mode, follow: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0,
            effectiveIDs: flags & AtFlags.AT_EACCESS != 0)
    }

    static func chmod(_ path: UserString, _ mode: UInt32) throws(Errno) -> Int64 {
        try change(PathArgument(path).located(follow: true), mode: mode)
    }

    static func fchmod(_ fd: FileDescriptor, _ mode: UInt32) throws(Errno) -> Int64 {
        let file = try fd.file()
        return try change((file.inode, file.path.dentry), mode: mode)
    }

    static func fchmodat(_ dirfd: FileDescriptor, _ path: UserString, _ mode: UInt32) throws(Errno) -> Int64 {
        let target = try PathArgument(path, dirfd: dirfd)
        return try change(target.located(follow: true), mode: mode)
    }

    static func chown(_ path: UserString, _ owner: UInt32, _ group: UInt32) throws(Errno) -> Int64 {
        try change(PathArgument(path).located(follow: true), owner: owner, group: group)
    }

    static func lchown(_ path: UserString, _ owner: UInt32, _ group: UInt32) throws(Errno) -> Int64 {
        try change(PathArgument(path).located(follow: false), owner: owner, group: group)
    }

    static func fchown(_ fd: FileDescriptor, _ owner: UInt32, _ group: UInt32) throws(Errno) -> Int64 {
        let file = try fd.file()
        return try change((file.inode, file.path.dentry), owner: owner, group: group)
    }

    /// fchownat(dirfd, path, owner, group, flags).
    static func fchownat(
        _ dirfd: FileDescriptor, _ path: UserString, _ owner: UInt32, _ group: UInt32,
        _ flags: Int32
    ) throws(Errno) -> Int64 {
        guard flags & ~(AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_EMPTY_PATH) == 0 else { throw .EINVAL }
        let target = try PathArgument(path, dirfd: dirfd, allowEmpty: flags & AtFlags.AT_EMPTY_PATH != 0)
        return try change(target.located(follow: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0), owner: owner, group: group)
    }

    static func truncate(_ path: UserString, _ length: Int64) throws(Errno) -> Int64 {
        try VFS.truncate(PathArgument(path).inode(follow: true), to: length)
        return 0
    }

    static func ftruncate(_ fd: FileDescriptor, _ length: Int64) throws(Errno) -> Int64 {
        try fd.file().truncate(to: length)
        return 0
    }

    /// Linux: do_faccessat. Only F_OK, R_OK, W_OK and X_OK are valid bits.
    /// The walk and the check use the real IDs unless `effectiveIDs`.
    private static func access(
        _ target: PathArgument, mode: AccessMode, follow: Bool,
        effectiveIDs: Bool
    ) throws(Errno) -> Int64 {
        guard mode.subtracting([.R_OK, .W_OK, .X_OK]).isEmpty else { throw .EINVAL }
        let caller = Scheduler.current.credentials
        let credentials = effectiveIDs ? caller : caller.withRealIDsForAccess
        let inode = try target.inode(follow: follow, as: credentials)
        guard inode.permits(mode, as: credentials) else { throw .EACCES }
        // Files, directories and links cannot be written on a read-only mount (devices can).
        let kinds = [FileMode.S_IFREG, FileMode.S_IFDIR, FileMode.S_IFLNK]
        if mode.contains(.W_OK) && kinds.contains(inode.fileType) {
            var mount = target.emptyPathFile?.path.mount
            if mount == nil { mount = try target.lookup(follow: follow, as: credentials).mount }
            if mount?.isReadOnly ?? false { throw .EROFS }
        }
        return 0
    }

    /// Linux: chmod_common. The type stays; permissions, set-ID and sticky bits change.
    private static func change(_ target: (inode: Inode, dentry: Dentry), mode: UInt32) throws(Errno) -> Int64 {
        try VFS.setAttributes(of: target.inode, AttributeChange(mode: mode & 0o7777), at: target.dentry)
        return 0
    }

    /// Linux: chown_common. An ID of -1 is left as it is; a file that is
    /// not a directory loses its set-user-ID bit (and set-group-ID with
    /// group execute), even for root.
    private static func change(
        _ target: (inode: Inode, dentry: Dentry), owner uid: UInt32, group gid: UInt32
    ) throws(Errno) -> Int64 {
        try VFS.setAttributes(
            of: target.inode,
            AttributeChange(
                uid: uid == UInt32.max ? nil : uid,
                gid: gid == UInt32.max ? nil : gid, dropsSetID: true),
            at: target.dentry)
        return 0
    }
}
