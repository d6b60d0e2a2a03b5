import ABI
import Core
import Lib

/// sync, syncfs, fsync, fdatasync (Linux: fs/sync.c). Every filesystem is
/// in memory, so there is never anything to write back: they succeed for
/// what Linux's in-memory filesystems accept.
enum SyncSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.sync, syscall { () throws(Errno) in 0 }),
        (.syncfs, syscall(syncfs)),
        (.fsync, syscall(fsync)),
        (.fdatasync, syscall(fsync)),
    ]

    static func syncfs(_ fd: FileDescriptor) throws(Errno) -> Int64 {
        _ = try fd.file()
        return 0
    }

    /// Regular files and directories sync (Linux: ramfs's noop_fsync);
    /// pipes and devices have no fsync (EINVAL).
    static func fsync(_ fd: FileDescriptor) throws(Errno) -> Int64 {
        let type = try fd.file().inode.fileType
        guard type == FileMode.S_IFREG || type == FileMode.S_IFDIR else { throw .EINVAL }
        return 0
    }
}
