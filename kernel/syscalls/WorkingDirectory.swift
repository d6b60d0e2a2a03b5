import ABI
import Core
import Lib

/// The calls on a process's fs context: getcwd, chdir, fchdir, chroot and
/// umask (Linux: fs/d_path.c, fs/open.c, kernel/sys.c).
enum WorkingDirectorySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getcwd, syscall(getcwd)),
        (.chdir, syscall(chdir)),
        (.fchdir, syscall(fchdir)),
        (.chroot, syscall(chroot)),
        (.umask, syscall(umask)),
    ]

    /// getcwd(buf, size): the working directory's name with its NUL;
    /// returns the length including the NUL. ERANGE if it does not fit,
    /// ENOENT if the directory was removed.
    static func getcwd(_ buffer: UserPointer<UInt8>, _ size: UInt64) throws(Errno) -> Int64 {
        let fs = Scheduler.current.fs
        guard let directory = fs.workingDirectory ?? VFS.rootPath else { throw .ENOENT }
        let name = try VFS.pathName(of: directory, root: fs.root) + [0]
        guard UInt64(name.count) <= size else { throw .ERANGE }
        try buffer.write(name)
        return Int64(name.count)
    }

    static func chdir(_ path: UserString) throws(Errno) -> Int64 {
        let place = try PathArgument(path).lookup(follow: true)
        try VFS.checkDirectoryChange(to: place.inode)
        Scheduler.current.fs.setWorkingDirectory(place)
        return 0
    }

    /// fchdir works on O_PATH descriptors too (Linux: fdget_raw).
    static func fchdir(_ fd: FileDescriptor) throws(Errno) -> Int64 {
        let file = try fd.file(allowingPathOnly: true)
        try VFS.checkDirectoryChange(to: file.inode)
        Scheduler.current.fs.setWorkingDirectory(file.path)
        return 0
    }

    /// chroot(path): absolute paths and ".." now stop there; the working
    /// directory stays, as in Linux. Only for root (EPERM).
    static func chroot(_ path: UserString) throws(Errno) -> Int64 {
        let place = try PathArgument(path).lookup(follow: true)
        try VFS.checkRootChange(to: place.inode)
        Scheduler.current.fs.setRoot(place)
        return 0
    }

    /// umask(mask): sets the mask and returns the previous one.
    static func umask(_ mask: UInt32) throws(Errno) -> Int64 {
        Int64(Scheduler.current.fs.exchangeUmask(mask))
    }
}
