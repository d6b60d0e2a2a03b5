import ABI
import Core
import Lib

/// ioctl (Linux: fs/ioctl.c): the requests every descriptor understands,
/// then the file's own (a terminal's, a pipe's).
enum IoctlSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.ioctl, syscall(ioctl))
    ]

    /// ioctl(fd, request, arg) (Linux: do_vfs_ioctl, then vfs_ioctl).
    static func ioctl(_ fd: FileDescriptor, _ command: UInt32, _ argument: UInt64) throws(Errno) -> Int64 {
        let descriptor = fd.rawValue
        let files = Scheduler.current.files
        let file = try files.file(descriptor)
        switch IoctlCommand(rawValue: command) {
        case .FIOCLEX:
            try files.setCloseOnExec(descriptor, true)
        case .FIONCLEX:
            try files.setCloseOnExec(descriptor, false)
        case .FIONBIO:
            file.setNonBlocking(try UserPointer<Int32>(address: argument).read() != 0)
        case .FIONREAD where file.inode.fileType == FileMode.S_IFREG:
            // A regular file: the bytes from the position to the end.
            let left = max(0, file.stat().st_size - file.position)
            try UserPointer<Int32>(address: argument).write(Int32(truncatingIfNeeded: left))
        default:
            return try file.operations.ioctl(file, command: command, argument: argument)
        }
        return 0
    }
}
