import ABI
import Core

/// getdents64 (Linux: fs/readdir.c).
enum ReaddirSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getdents64, getdents64),
    ]

    /// getdents64(fd, dirp, count): as many linux_dirent64 records as fit
    /// in `count` bytes; 0 at the end of the directory, EINVAL if not even
    /// one record fits, ENOTDIR for a file that is not a directory.
    static func getdents64(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        let count = UInt64(UInt32(truncatingIfNeeded: arguments.a2))
        try FileArguments.checkUserRange(arguments.a1, count: count)
        let entries = try file.readDirectory(fitting: Int(count))
        var buffer = [UInt8](repeating: 0, count: entries.reduce(0) { $0 + $1.d_reclen })
        var offset = 0
        for entry in entries {
            entry.write(into: &buffer, at: offset)
            offset += entry.d_reclen
        }
        try UserAccess.copyToUser(arguments.a1, buffer)
        return Int64(buffer.count)
    }
}
