import ABI
import Core

/// The calls on a process's fs context: getcwd, chdir, fchdir, chroot and
/// umask (Linux: fs/d_path.c, fs/open.c, kernel/sys.c).
enum WorkingDirectorySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getcwd, getcwd),
        (.chdir, chdir),
        (.fchdir, fchdir),
        (.chroot, chroot),
        (.umask, umask),
    ]

    /// getcwd(buf, size): the working directory's name with its NUL;
    /// returns the length including the NUL. ERANGE if it does not fit,
    /// ENOENT if the directory was removed.
    static func getcwd(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let fs = Scheduler.current.fs
        guard let directory = fs.workingDirectory ?? VFS.rootPath else { throw .ENOENT }
        let name = try VFS.pathName(of: directory, root: fs.root) + [0]
        guard UInt64(name.count) <= arguments.a1 else { throw .ERANGE }
        try UserAccess.copyToUser(arguments.a0, name)
        return Int64(name.count)
    }

    static func chdir(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        Scheduler.current.fs.setWorkingDirectory(try directory(PathArgument(arguments.a0).lookup(follow: true)))
        return 0
    }

    /// fchdir works on O_PATH descriptors too (Linux: fdget_raw).
    static func fchdir(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0, allowingPathOnly: true)
        guard file.inode.isDirectory else { throw .ENOTDIR }
        Scheduler.current.fs.setWorkingDirectory(file.path)
        return 0
    }

    /// chroot(path): absolute paths and ".." now stop there; the working
    /// directory stays, as in Linux.
    static func chroot(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        Scheduler.current.fs.setRoot(try directory(PathArgument(arguments.a0).lookup(follow: true)))
        return 0
    }

    /// umask(mask): sets the mask and returns the previous one.
    static func umask(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        Int64(Scheduler.current.fs.exchangeUmask(UInt32(truncatingIfNeeded: arguments.a0)))
    }

    /// ENOTDIR unless `place` is a directory.
    private static func directory(_ place: Path) throws(Errno) -> Path {
        guard place.inode?.isDirectory ?? false else { throw .ENOTDIR }
        return place
    }
}
