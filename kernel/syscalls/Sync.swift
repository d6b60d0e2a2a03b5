import ABI

/// sync, syncfs, fsync, fdatasync (Linux: fs/sync.c). Every filesystem is
/// in memory, so there is never anything to write back: they succeed for
/// what Linux's in-memory filesystems accept.
enum SyncSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.sync, { _ throws(Errno) in 0 }),
        (.syncfs, syncfs),
        (.fsync, fsync),
        (.fdatasync, fsync),
    ]

    static func syncfs(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        _ = try FileArguments.file(arguments.a0)
        return 0
    }

    /// Regular files and directories sync (Linux: ramfs's noop_fsync);
    /// pipes and devices have no fsync (EINVAL).
    static func fsync(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let type = try FileArguments.file(arguments.a0).inode.fileType
        guard type == FileMode.S_IFREG || type == FileMode.S_IFDIR else { throw .EINVAL }
        return 0
    }
}
