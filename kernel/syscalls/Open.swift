import ABI
import Core
import Lib

/// open, openat, creat and close (Linux: fs/open.c).
enum OpenSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.open, syscall(open)),  // partial: sockets, block devices: ENXIO
        (.openat, syscall(openat)),  // partial: as open
        (.creat, syscall(creat)),
        (.close, syscall(close)),
    ]

    static func open(_ path: UserString, _ flags: OpenFlags, _ mode: UInt32) throws(Errno) -> Int64 {
        try open(PathArgument(path), flags: flags, mode: mode)
    }

    static func openat(
        _ dirfd: FileDescriptor, _ path: UserString, _ flags: OpenFlags,
        _ mode: UInt32
    ) throws(Errno) -> Int64 {
        try open(PathArgument(path, dirfd: dirfd), flags: flags, mode: mode)
    }

    /// creat(path, mode) is open(path, O_CREAT | O_WRONLY | O_TRUNC, mode).
    static func creat(_ path: UserString, _ mode: UInt32) throws(Errno) -> Int64 {
        try open(PathArgument(path), flags: [.O_CREAT, .O_WRONLY, .O_TRUNC], mode: mode)
    }

    /// O_TMPFILE less O_DIRECTORY (Linux: __O_TMPFILE).
    private static let tmpfileBit = OpenFlags.O_TMPFILE.rawValue & ~OpenFlags.O_DIRECTORY.rawValue

    static func close(_ fd: FileDescriptor) throws(Errno) -> Int64 {
        try Scheduler.current.files.close(fd.rawValue)
        return 0
    }

    /// Linux: do_sys_open with build_open_flags. Unknown flag bits are
    /// ignored; every file is large on x86-64 (O_LARGEFILE, as F_GETFL
    /// shows); a created file's mode loses the umask's bits. O_TMPFILE
    /// (which includes O_DIRECTORY's bit) needs write access and excludes
    /// O_CREAT (EINVAL).
    private static func open(_ target: PathArgument, flags requested: OpenFlags, mode: UInt32) throws(Errno) -> Int64 {
        var flags = requested
        flags.insert(.O_LARGEFILE)
        let task = Scheduler.current
        let permissions = mode & 0o7777 & ~task.fs.umask
        let file: File
        if flags.rawValue & tmpfileBit != 0 {
            guard flags.contains(.O_TMPFILE), !flags.contains(.O_CREAT),
                flags.accessMode == .O_WRONLY || flags.accessMode == .O_RDWR
            else { throw .EINVAL }
            file = try VFS.openTmpfile(
                target.path, flags: flags, mode: permissions, relativeTo: target.start, root: target.root)
        } else {
            file = try VFS.open(
                target.path, flags: flags, mode: permissions, relativeTo: target.start, root: target.root)
        }
        return Int64(try task.files.install(file, closeOnExec: flags.contains(.O_CLOEXEC)))
    }
}
