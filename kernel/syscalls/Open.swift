import ABI

/// open, openat, creat and close (Linux: fs/open.c).
enum OpenSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.open, open),  // partial: O_TMPFILE is EOPNOTSUPP; FIFOs, sockets and block devices do not open (ENXIO)
        (.openat, openat),  // partial: as open
        (.creat, creat),
        (.close, close),
    ]

    static func open(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try open(PathArgument(arguments.a0), flags: openFlags(arguments.a1), mode: UInt32(truncatingIfNeeded: arguments.a2))
    }

    static func openat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try open(PathArgument(arguments.a1, dirfd: FileArguments.descriptor(arguments.a0)),
                 flags: openFlags(arguments.a2), mode: UInt32(truncatingIfNeeded: arguments.a3))
    }

    /// creat(path, mode) is open(path, O_CREAT | O_WRONLY | O_TRUNC, mode).
    static func creat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try open(PathArgument(arguments.a0), flags: [.O_CREAT, .O_WRONLY, .O_TRUNC], mode: UInt32(truncatingIfNeeded: arguments.a1))
    }

    static func close(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try Scheduler.current.files.close(FileArguments.descriptor(arguments.a0))
        return 0
    }

    /// Linux: do_sys_open with build_open_flags. Unknown flag bits are
    /// ignored; every file is large on x86-64 (O_LARGEFILE, as F_GETFL
    /// shows); a created file's mode loses the umask's bits.
    private static func open(_ target: PathArgument, flags requested: OpenFlags, mode: UInt32) throws(Errno) -> Int64 {
        var flags = requested
        guard !flags.isSuperset(of: .O_TMPFILE) else { throw .EOPNOTSUPP }
        flags.insert(.O_LARGEFILE)
        let task = Scheduler.current
        let permissions = mode & 0o7777 & ~task.fs.umask
        let file = try VFS.open(target.path, flags: flags, mode: permissions, relativeTo: target.start, root: target.root)
        return Int64(try task.files.install(file, closeOnExec: flags.contains(.O_CLOEXEC)))
    }

    /// open's `int flags`.
    private static func openFlags(_ register: UInt64) -> OpenFlags { OpenFlags(rawValue: Int32(truncatingIfNeeded: register)) }
}
