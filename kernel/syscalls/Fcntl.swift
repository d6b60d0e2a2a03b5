import ABI
import Core
import Lib

/// fcntl (Linux: fs/fcntl.c).
enum FcntlSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.fcntl, syscall(fcntl))  // partial: record locks never held; no F_SETOWN, leases, notify, seals, F_SETPIPE_SZ
    ]

    /// fcntl(fd, cmd, arg). An O_PATH descriptor allows only F_DUPFD,
    /// F_DUPFD_CLOEXEC, F_GETFD, F_SETFD and F_GETFL (Linux: check_fcntl_cmd).
    static func fcntl(_ fd: FileDescriptor, _ commandNumber: Int32, _ argument: UInt64) throws(Errno) -> Int64 {
        let descriptor = fd.rawValue
        guard let command = FcntlCommand(rawValue: commandNumber) else { throw .EINVAL }
        let files = Scheduler.current.files
        let pathAllowed: [FcntlCommand] = [.F_DUPFD, .F_DUPFD_CLOEXEC, .F_GETFD, .F_SETFD, .F_GETFL]
        let file = try files.file(descriptor, allowingPathOnly: pathAllowed.contains(command))
        switch command {
        case .F_DUPFD, .F_DUPFD_CLOEXEC:
            // The lowest descriptor wanted is an int; negative is EINVAL.
            let minimum = Int64(bitPattern: argument)
            guard minimum >= 0, minimum <= Int64(Int32.max) else { throw .EINVAL }
            return Int64(
                try files.duplicate(descriptor, minimum: Int32(minimum), closeOnExec: command == .F_DUPFD_CLOEXEC))
        case .F_GETFD:
            return try files.isCloseOnExec(descriptor) ? Int64(DescriptorFlags.FD_CLOEXEC) : 0
        case .F_SETFD:
            try files.setCloseOnExec(descriptor, Int32(truncatingIfNeeded: argument) & DescriptorFlags.FD_CLOEXEC != 0)
            return 0
        case .F_GETFL:
            return Int64(file.flags.rawValue)
        case .F_SETFL:
            try file.setFlags(OpenFlags(rawValue: Int32(truncatingIfNeeded: argument)))
            return 0
        case .F_GETLK, .F_SETLK, .F_SETLKW:
            return try recordLock(command, file: file, at: UserPointer(address: argument))
        case .F_GETPIPE_SZ:
            guard file.operations.isStream, file.inode.fileType == FileMode.S_IFIFO else { throw .EBADF }
            return Int64(PipeLimits.defaultCapacity)
        default:
            throw .EINVAL
        }
    }

    /// POSIX record locks, checked as Linux checks them (a valid l_type
    /// and l_whence; a read lock needs a file open for reading, a write
    /// lock one open for writing), but not kept: every lock is granted at
    /// once and F_GETLK never finds a conflicting one. Correct for one
    /// process; processes that lock against each other are not excluded.
    private static func recordLock(
        _ command: FcntlCommand, file: File,
        at pointer: UserPointer<Flock>
    ) throws(Errno) -> Int64 {
        var lock = try pointer.read()
        guard (0...2).contains(lock.l_whence) else { throw .EINVAL }
        switch lock.l_type {
        case Flock.F_RDLCK: if command != .F_GETLK && !file.mayRead { throw .EBADF }
        case Flock.F_WRLCK: if command != .F_GETLK && !file.mayWrite { throw .EBADF }
        case Flock.F_UNLCK: if command == .F_GETLK { throw .EINVAL }
        default: throw .EINVAL
        }
        if command == .F_GETLK {
            lock.l_type = Flock.F_UNLCK
            try pointer.write(lock)
        }
        return 0
    }
}
