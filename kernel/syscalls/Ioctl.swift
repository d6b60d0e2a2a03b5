import ABI
import Core

/// ioctl (Linux: fs/ioctl.c): the requests every descriptor understands,
/// then the file's own (a terminal's, a pipe's).
enum IoctlSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.ioctl, ioctl),
    ]

    /// ioctl(fd, request, arg) (Linux: do_vfs_ioctl, then vfs_ioctl).
    static func ioctl(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let descriptor = FileArguments.descriptor(arguments.a0)
        let files = Scheduler.current.files
        let file = try files.file(descriptor)
        let command = UInt32(truncatingIfNeeded: arguments.a1)
        let argument = arguments.a2
        switch IoctlCommand(rawValue: command) {
        case .FIOCLEX:
            try files.setCloseOnExec(descriptor, true)
        case .FIONCLEX:
            try files.setCloseOnExec(descriptor, false)
        case .FIONBIO:
            file.setNonBlocking(try UserAccess.getUser(Int32.self, at: argument) != 0)
        case .FIONREAD where file.inode.fileType == FileMode.S_IFREG:
            // A regular file: the bytes from the position to the end.
            let left = max(0, file.stat().st_size - file.position)
            try UserAccess.putUser(Int32(truncatingIfNeeded: left), at: argument)
        default:
            return try file.operations.ioctl(file, command: command, argument: argument)
        }
        return 0
    }
}
