import ABI

/// Checking and changing a file's attributes: access, chmod, chown,
/// truncate and their variants (Linux: fs/open.c).
enum AttributeSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.access, access),
        (.faccessat, faccessat),
        (.faccessat2, faccessat2),
        (.chmod, chmod),
        (.fchmod, fchmod),
        (.fchmodat, fchmodat),
        (.chown, chown),
        (.fchown, fchown),
        (.lchown, lchown),
        (.fchownat, fchownat),
        (.truncate, truncate),
        (.ftruncate, ftruncate),
    ]

    static func access(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try access(PathArgument(arguments.a0), mode: arguments.a1, follow: true)
    }

    static func faccessat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try access(PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0)), mode: arguments.a2, follow: true)
    }

    /// faccessat2(dirfd, path, mode, flags). AT_EACCESS changes nothing
    /// while real and effective IDs are both root's.
    static func faccessat2(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = Int32(truncatingIfNeeded: arguments.a3)
        guard flags & ~(AtFlags.AT_EACCESS | AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_EMPTY_PATH) == 0 else { throw .EINVAL }
        let target = try PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0),
                                      allowEmpty: flags & AtFlags.AT_EMPTY_PATH != 0)
        return try access(target, mode: arguments.a2, follow: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0)
    }

    static func chmod(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try change(PathArgument(arguments.a0).inode(follow: true), mode: arguments.a1)
    }

    static func fchmod(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try change(FileArguments.file(arguments.a0).inode, mode: arguments.a1)
    }

    static func fchmodat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let target = try PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0))
        return try change(target.inode(follow: true), mode: arguments.a2)
    }

    static func chown(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try change(PathArgument(arguments.a0).inode(follow: true), owner: arguments.a1, group: arguments.a2)
    }

    static func lchown(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try change(PathArgument(arguments.a0).inode(follow: false), owner: arguments.a1, group: arguments.a2)
    }

    static func fchown(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try change(FileArguments.file(arguments.a0).inode, owner: arguments.a1, group: arguments.a2)
    }

    /// fchownat(dirfd, path, owner, group, flags).
    static func fchownat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = Int32(truncatingIfNeeded: arguments.a4)
        guard flags & ~(AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_EMPTY_PATH) == 0 else { throw .EINVAL }
        let target = try PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0),
                                      allowEmpty: flags & AtFlags.AT_EMPTY_PATH != 0)
        return try change(target.inode(follow: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0),
                          owner: arguments.a2, group: arguments.a3)
    }

    static func truncate(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try VFS.truncate(PathArgument(arguments.a0).inode(follow: true), to: Int64(bitPattern: arguments.a1))
        return 0
    }

    static func ftruncate(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try FileArguments.file(arguments.a0).truncate(to: Int64(bitPattern: arguments.a1))
        return 0
    }

    /// Linux: do_faccessat. Only F_OK, R_OK, W_OK and X_OK are valid bits.
    private static func access(_ target: PathArgument, mode register: UInt64, follow: Bool) throws(Errno) -> Int64 {
        let mode = AccessMode(rawValue: Int32(truncatingIfNeeded: register))
        guard mode.subtracting([.R_OK, .W_OK, .X_OK]).isEmpty else { throw .EINVAL }
        guard try target.inode(follow: follow).permits(mode) else { throw .EACCES }
        return 0
    }

    /// Linux: chmod_common. The type stays; permissions, set-ID and sticky bits change.
    private static func change(_ inode: Inode, mode: UInt64) throws(Errno) -> Int64 {
        VFS.setAttributes(of: inode, AttributeChange(mode: UInt32(truncatingIfNeeded: mode) & 0o7777))
        return 0
    }

    /// Linux: chown_common. An ID of -1 is left as it is; a file that is
    /// not a directory loses its set-user-ID bit (and set-group-ID with
    /// group execute), even for root.
    private static func change(_ inode: Inode, owner: UInt64, group: UInt64) throws(Errno) -> Int64 {
        let uid = UInt32(truncatingIfNeeded: owner), gid = UInt32(truncatingIfNeeded: group)
        VFS.setAttributes(of: inode, AttributeChange(uid: uid == UInt32.max ? nil : uid, gid: gid == UInt32.max ? nil : gid,
                                                     dropsSetID: true))
        return 0
    }
}
