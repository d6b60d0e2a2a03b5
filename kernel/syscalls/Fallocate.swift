import ABI
import Core
import Lib

/// fallocate(2), which posix_fallocate(3) calls (Linux: fs/open.c
/// vfs_fallocate); the filesystem does the allocating.
enum FallocateSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.fallocate, syscall(fallocate))
    ]

    /// The checks in Linux's order: the range, the mode, write access
    /// (EBADF), then the kind of file (ESPIPE, EISDIR, ENODEV) and EFBIG
    /// for a range that ends past the largest file size.
    static func fallocate(_ fd: FileDescriptor, _ modeBits: Int32, _ offset: Int64, _ length: Int64) throws(Errno)
        -> Int64
    {
        let file = try fd.file()
        let mode = FallocateMode(rawValue: modeBits)
        guard offset >= 0, length > 0 else { throw .EINVAL }
        guard mode.isSubset(of: .supported) else { throw .EOPNOTSUPP }
        if mode.contains(.FALLOC_FL_PUNCH_HOLE) && !mode.contains(.FALLOC_FL_KEEP_SIZE) { throw .EOPNOTSUPP }
        guard file.mayWrite else { throw .EBADF }
        switch file.inode.fileType {
        case FileMode.S_IFIFO: throw .ESPIPE
        case FileMode.S_IFDIR: throw .EISDIR
        case FileMode.S_IFREG: break
        default: throw .ENODEV
        }
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow, end <= file.inode.superBlock.maximumFileSize else { throw .EFBIG }
        try file.operations.fallocate(file, mode: mode, offset: offset, length: length)
        return 0
    }
}
