import ABI
import Core

/// stat and its relatives, statx, readlink (Linux: fs/stat.c).
enum StatSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.stat, stat),
        (.fstat, fstat),
        (.lstat, lstat),
        (.newfstatat, newfstatat),
        (.statx, statx),
        (.readlink, readlink),
        (.readlinkat, readlinkat),
    ]

    static func stat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try copyOut(PathArgument(arguments.a0).inode(follow: true), to: arguments.a1)
    }

    static func lstat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try copyOut(PathArgument(arguments.a0).inode(follow: false), to: arguments.a1)
    }

    /// fstat works on O_PATH descriptors too (Linux: fdget_raw).
    static func fstat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try copyOut(FileArguments.file(arguments.a0, allowingPathOnly: true).inode, to: arguments.a1)
    }

    /// newfstatat(dirfd, path, statbuf, flags) (Linux: vfs_fstatat).
    static func newfstatat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = Int32(truncatingIfNeeded: arguments.a3)
        let known = AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_NO_AUTOMOUNT | AtFlags.AT_EMPTY_PATH
        guard flags & ~known == 0 else { throw .EINVAL }
        let target = try PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0),
                                      allowEmpty: flags & AtFlags.AT_EMPTY_PATH != 0)
        return try copyOut(target.inode(follow: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0), to: arguments.a2)
    }

    /// statx(dirfd, path, flags, mask, statxbuf) (Linux: do_statx). Every
    /// basic field is filled whatever the mask asks; a NULL path means ""
    /// with AT_EMPTY_PATH, as since Linux 6.11.
    static func statx(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = Int32(truncatingIfNeeded: arguments.a2)
        let mask = StatxMask(rawValue: UInt32(truncatingIfNeeded: arguments.a3))
        let known = AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_NO_AUTOMOUNT | AtFlags.AT_EMPTY_PATH | AtFlags.AT_STATX_SYNC_TYPE
        guard flags & ~known == 0, flags & AtFlags.AT_STATX_SYNC_TYPE != AtFlags.AT_STATX_SYNC_TYPE,
              !mask.contains(.STATX__RESERVED) else { throw .EINVAL }
        let dirfd = FileArguments.descriptor(arguments.a0)
        let allowEmpty = flags & AtFlags.AT_EMPTY_PATH != 0
        let target = arguments.a1 == 0 && allowEmpty
            ? try PathArgument(path: [], dirfd: dirfd, allowEmpty: true)
            : try PathArgument(arguments.a1, dirfd: dirfd, allowEmpty: allowEmpty)
        let status = VFS.stat(of: try target.inode(follow: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0))
        try UserAccess.copyToUser(arguments.a4, extended(status))
        return 0
    }

    static func readlink(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try readlink(PathArgument(arguments.a0), buffer: arguments.a1, size: arguments.a2)
    }

    /// readlinkat(dirfd, path, buf, bufsiz); an empty path reads the
    /// symlink `dirfd` itself names (an O_PATH | O_NOFOLLOW descriptor).
    static func readlinkat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try readlink(PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0), allowEmpty: true),
                     buffer: arguments.a2, size: arguments.a3)
    }

    /// Linux: do_readlinkat. At most `size` bytes, no NUL; EINVAL for a
    /// size that is not positive or a file that is not a symlink — ENOENT
    /// if the path was empty.
    private static func readlink(_ target: PathArgument, buffer: UInt64, size register: UInt64) throws(Errno) -> Int64 {
        let size = Int32(truncatingIfNeeded: register)
        guard size > 0 else { throw .EINVAL }
        let inode = try target.inode(follow: false)
        guard inode.isSymlink || !target.path.isEmpty else { throw .ENOENT }
        let body = try VFS.readlink(of: inode).prefix(Int(size))
        try UserAccess.copyToUser(buffer, Array(body))
        return Int64(body.count)
    }

    private static func copyOut(_ inode: Inode, to address: UInt64) throws(Errno) -> Int64 {
        try UserAccess.copyToUser(address, VFS.stat(of: inode))
        return 0
    }

    /// struct statx from struct stat's fields (Linux: cp_statx).
    private static func extended(_ status: Stat) -> Statx {
        var result = Statx()
        result.stx_mask = StatxMask.STATX_BASIC_STATS.rawValue
        result.stx_blksize = UInt32(truncatingIfNeeded: status.st_blksize)
        result.stx_nlink = UInt32(truncatingIfNeeded: status.st_nlink)
        result.stx_uid = status.st_uid
        result.stx_gid = status.st_gid
        result.stx_mode = UInt16(truncatingIfNeeded: status.st_mode)
        result.stx_ino = status.st_ino
        result.stx_size = UInt64(bitPattern: status.st_size)
        result.stx_blocks = UInt64(bitPattern: status.st_blocks)
        result.stx_atime = timestamp(status.st_atim)
        result.stx_mtime = timestamp(status.st_mtim)
        result.stx_ctime = timestamp(status.st_ctim)
        result.stx_rdev_major = DeviceNumber.major(status.st_rdev)
        result.stx_rdev_minor = DeviceNumber.minor(status.st_rdev)
        result.stx_dev_major = DeviceNumber.major(status.st_dev)
        result.stx_dev_minor = DeviceNumber.minor(status.st_dev)
        return result
    }

    private static func timestamp(_ time: Timespec) -> StatxTimestamp {
        StatxTimestamp(tv_sec: time.tv_sec, tv_nsec: UInt32(truncatingIfNeeded: time.tv_nsec))
    }
}
