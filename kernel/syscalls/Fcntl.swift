import ABI
import Core
import Lib

/// fcntl (Linux: fs/fcntl.c).
enum FcntlSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.fcntl, syscall(fcntl))  // partial: no F_SETOWN, leases, notify, F_SETPIPE_SZ
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
        case .F_GETLK, .F_SETLK, .F_SETLKW, .F_OFD_GETLK, .F_OFD_SETLK, .F_OFD_SETLKW:
            return try recordLock(command, file: file, at: UserPointer(address: argument))
        case .F_ADD_SEALS:
            try Memfd.addSeals(FileSeals(rawValue: Int32(truncatingIfNeeded: argument)), to: file)
            return 0
        case .F_GET_SEALS:
            return Int64(try Memfd.seals(of: file).rawValue)
        case .F_GETPIPE_SZ:
            guard file.operations.isStream, file.inode.fileType == FileMode.S_IFIFO else { throw .EBADF }
            return Int64(PipeLimits.defaultCapacity)
        default:
            throw .EINVAL
        }
    }

    /// POSIX record locks (F_GETLK, F_SETLK, F_SETLKW), held by the process
    /// and dropped by any close of the file, and open-file-description locks
    /// (F_OFD_*), held by the open file (Linux: fcntl_getlk, fcntl_setlk).
    /// A read lock needs a file open for reading, a write lock one open for
    /// writing (EBADF); an OFD request must say l_pid 0.
    private static func recordLock(
        _ command: FcntlCommand, file: File,
        at pointer: UserPointer<Flock>
    ) throws(Errno) -> Int64 {
        var lock = try pointer.read()
        let isOFD = [.F_OFD_GETLK, .F_OFD_SETLK, .F_OFD_SETLKW].contains(command)
        let isQuery = command == .F_GETLK || command == .F_OFD_GETLK
        guard !isOFD || lock.l_pid == 0 else { throw .EINVAL }
        switch lock.l_type {
        case Flock.F_RDLCK: if !isQuery && !file.mayRead { throw .EBADF }
        case Flock.F_WRLCK: if !isQuery && !file.mayWrite { throw .EBADF }
        case Flock.F_UNLCK: if isQuery { throw .EINVAL }
        default: throw .EINVAL
        }
        let base: Int64
        switch lock.l_whence {
        case 0: base = 0
        case 1: base = file.position
        case 2: base = VFS.lockedNonThrowing { file.inode.size }
        default: throw .EINVAL
        }
        let range = try FileLock.range(base: base, start: lock.l_start, length: lock.l_len)
        let task = Scheduler.current
        let owner = isOFD ? FileLocks.openFileOwner(file) : FileLocks.processOwner(task.files)
        let request = FileLock(
            owner: owner, pid: isOFD ? -1 : task.group.tgid, isWrite: lock.l_type == Flock.F_WRLCK,
            start: range.lowerBound, end: range.upperBound)
        if isQuery {
            if let holder = FileLocks.conflict(on: file.inode, with: request) {
                let length = holder.end == Int64.max ? 0 : holder.end - holder.start + 1
                lock = Flock(
                    l_type: holder.isWrite ? Flock.F_WRLCK : Flock.F_RDLCK, l_whence: 0, l_start: holder.start,
                    l_len: length, l_pid: holder.pid)
            } else {
                lock.l_type = Flock.F_UNLCK
            }
            try pointer.write(lock)
            return 0
        }
        try FileLocks.setRecordLock(
            on: file.inode, request, unlock: lock.l_type == Flock.F_UNLCK,
            wait: command == .F_SETLKW || command == .F_OFD_SETLKW)
        return 0
    }
}
