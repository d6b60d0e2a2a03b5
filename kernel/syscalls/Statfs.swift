import ABI
import Core

/// statfs and fstatfs (Linux: fs/statfs.c).
enum StatfsSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.statfs, statfs),
        (.fstatfs, fstatfs),
    ]

    static func statfs(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try UserAccess.copyToUser(arguments.a1, PathArgument(arguments.a0).lookup(follow: true).mount.superBlock.statistics())
        return 0
    }

    /// fstatfs works on O_PATH descriptors too (Linux: fdget_raw).
    static func fstatfs(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try UserAccess.copyToUser(arguments.a1, FileArguments.file(arguments.a0, allowingPathOnly: true).path.mount.superBlock.statistics())
        return 0
    }
}
