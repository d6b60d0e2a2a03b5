import ABI
import Core
import Lib

/// getdents64 (Linux: fs/readdir.c).
enum ReaddirSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getdents64, syscall(getdents64))
    ]

    /// getdents64(fd, dirp, count): as many linux_dirent64 records as fit
    /// in `count` bytes; 0 at the end of the directory, EINVAL if not even
    /// one record fits, ENOTDIR for a file that is not a directory.
    static func getdents64(_ fd: FileDescriptor, _ directory: UserPointer<UInt8>, _ count: UInt32) throws(Errno)
        -> Int64
    {
        let file = try fd.file()
        let buffer = try UserBuffer(directory, count: UInt64(count))
        let entries = try file.readDirectory(fitting: buffer.count)
        var offset = 0
        for entry in entries {
            // The C head, then the name, its NUL and padding over the head's tail.
            let head = try buffer.piece(at: offset, length: MemoryLayout<LinuxDirent64>.size)
            try UserPointer<LinuxDirent64>(address: head.start.address).write(entry.head)
            let name = entry.nameAndPadding
            try buffer.piece(at: offset + Dirent64.nameOffset, length: name.count).write(name)
            offset += entry.d_reclen
        }
        return Int64(offset)
    }
}
