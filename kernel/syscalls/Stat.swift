import ABI
import Core
import Lib

/// stat and its relatives, statx, readlink (Linux: fs/stat.c).
enum StatSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.stat, syscall(stat)),
        (.fstat, syscall(fstat)),
        (.lstat, syscall(lstat)),
        (.newfstatat, syscall(newfstatat)),
        (.statx, syscall(statx)),
        (.readlink, syscall(readlink)),
        (.readlinkat, syscall(readlinkat)),
    ]

    static func stat(_ path: UserString, _ buffer: UserPointer<Stat>) throws(Errno) -> Int64 {
        try copyOut(PathArgument(path).inode(follow: true), to: buffer)
    }

    static func lstat(_ path: UserString, _ buffer: UserPointer<Stat>) throws(Errno) -> Int64 {
        try copyOut(PathArgument(path).inode(follow: false), to: buffer)
    }

    /// fstat works on O_PATH descriptors too (Linux: fdget_raw).
    static func fstat(_ fd: FileDescriptor, _ buffer: UserPointer<Stat>) throws(Errno) -> Int64 {
        try copyOut(fd.file(allowingPathOnly: true).inode, to: buffer)
    }

    /// newfstatat(dirfd, path, statbuf, flags) (Linux: vfs_fstatat).
    static func newfstatat(
        _ dirfd: FileDescriptor, _ path: UserString, _ buffer: UserPointer<Stat>,
        _ flags: Int32
    ) throws(Errno) -> Int64 {
        let known = AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_NO_AUTOMOUNT | AtFlags.AT_EMPTY_PATH
        guard flags & ~known == 0 else { throw .EINVAL }
        let target = try PathArgument(path, dirfd: dirfd, allowEmpty: flags & AtFlags.AT_EMPTY_PATH != 0)
        return try copyOut(target.inode(follow: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0), to: buffer)
    }

    /// statx(dirfd, path, flags, mask, statxbuf) (Linux: do_statx). Every
    /// basic field is filled whatever the mask asks; a NULL path means ""
    /// with AT_EMPTY_PATH, as since Linux 6.11.
    static func statx(
        _ dirfd: FileDescriptor, _ path: UserString, _ flags: Int32, _ mask: StatxMask,
        _ buffer: UserPointer<Statx>
    ) throws(Errno) -> Int64 {
        let known =
            AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_NO_AUTOMOUNT | AtFlags.AT_EMPTY_PATH | AtFlags.AT_STATX_SYNC_TYPE
        guard flags & ~known == 0, flags & AtFlags.AT_STATX_SYNC_TYPE != AtFlags.AT_STATX_SYNC_TYPE,
            !mask.contains(.STATX__RESERVED)
        else { throw .EINVAL }
        let allowEmpty = flags & AtFlags.AT_EMPTY_PATH != 0
        let target =
            path.isNull && allowEmpty
            ? try PathArgument(path: [], dirfd: dirfd, allowEmpty: true)
            : try PathArgument(path, dirfd: dirfd, allowEmpty: allowEmpty)
        let status = VFS.stat(of: try target.inode(follow: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0))
        try buffer.write(extended(status))
        return 0
    }

    static func readlink(_ path: UserString, _ buffer: UserPointer<UInt8>, _ size: Int32) throws(Errno) -> Int64 {
        try readlink(PathArgument(path), buffer: buffer, size: size)
    }

    /// readlinkat(dirfd, path, buf, bufsiz); an empty path reads the
    /// symlink `dirfd` itself names (an O_PATH | O_NOFOLLOW descriptor).
    static func readlinkat(
        _ dirfd: FileDescriptor, _ path: UserString, _ buffer: UserPointer<UInt8>,
        _ size: Int32
    ) throws(Errno) -> Int64 {
        try readlink(PathArgument(path, dirfd: dirfd, allowEmpty: true), buffer: buffer, size: size)
    }

    /// Linux: do_readlinkat. At most `size` bytes, no NUL; EINVAL for a
    /// size that is not positive or a file that is not a symlink — ENOENT
    /// if the path was empty.
    private static func readlink(_ target: PathArgument, buffer: UserPointer<UInt8>, size: Int32) throws(Errno) -> Int64
    {
        guard size > 0 else { throw .EINVAL }
        let inode = try target.inode(follow: false)
        guard inode.isSymlink || !target.path.isEmpty else { throw .ENOENT }
        let body = try VFS.readlink(of: inode).prefix(Int(size))
        try buffer.write(Array(body))
        return Int64(body.count)
    }

    private static func copyOut(_ inode: Inode, to buffer: UserPointer<Stat>) throws(Errno) -> Int64 {
        try buffer.write(VFS.stat(of: inode))
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
