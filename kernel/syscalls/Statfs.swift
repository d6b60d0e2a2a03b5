import ABI
import Core
import Lib

/// statfs and fstatfs (Linux: fs/statfs.c).
enum StatfsSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.statfs, syscall(statfs)),
        (.fstatfs, syscall(fstatfs)),
    ]

    static func statfs(_ path: UserString, _ buffer: UserPointer<Statfs>) throws(Errno) -> Int64 {
        try buffer.write(PathArgument(path).lookup(follow: true).mount.statistics())
        return 0
    }

    /// fstatfs works on O_PATH descriptors too (Linux: fdget_raw).
    static func fstatfs(_ fd: FileDescriptor, _ buffer: UserPointer<Statfs>) throws(Errno) -> Int64 {
        try buffer.write(fd.file(allowingPathOnly: true).path.mount.statistics())
        return 0
    }
}
