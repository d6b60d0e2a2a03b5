import ABI
import Core
import Lib

/// A process's open files by descriptor number (Linux: struct files_struct
/// and fs/file.c). Tasks that share one see each other's opens and closes
/// (threads, with CLONE_FILES; every kernel thread shares `kernel`); a
/// forked process gets a `copy()`, whose descriptors refer to the same
/// open files. A table lives as long as a task refers to it: the task's
/// exit drops its reference, and the last one going closes every file.
///
/// The spinlock guards the numbers only. A file that a close or dup2
/// displaces is let go after the lock is dropped, since its release may
/// wake sleepers (the other end of a pipe), and so is told that one of its
/// descriptors closed, which may end epoll's watches of it.
public final class FileTable {
    /// The kernel threads' table (Linux: init_files).
    public static var kernel: FileTable { kernelTable.value }
    private static let kernelTable = BootOnce(FileTable())

    private var descriptors: DescriptorTable<File>
    private let lock = SpinLock()

    public init() {
        descriptors = DescriptorTable()
    }

    private init(copying descriptors: DescriptorTable<File>) {
        self.descriptors = descriptors
        for file in files { file.descriptorOpened() }
    }

    /// The last task using the table is gone: its files are closed, and
    /// with that the process's record locks go (Linux: close_files).
    deinit {
        for file in files { closed(file) }
    }

    /// The file of every open descriptor, once per descriptor.
    private var files: [File] { descriptors.openDescriptors.compactMap { descriptors.entry($0) } }

    /// A descriptor of `file` was closed: the process's record locks on it
    /// go, and with the file's last descriptor its epoll watches.
    private func closed(_ file: File) {
        FileLocks.closed(file, by: self)
        file.descriptorClosed()
    }

    /// The open file `descriptor` refers to (Linux: fget). EBADF if it is
    /// not open, or is an O_PATH descriptor and `allowingPathOnly` is false:
    /// only the calls Linux serves with fget_raw (fstat, fchdir, *at
    /// directories, dup, fcntl's descriptor commands) accept those.
    public func file(_ descriptor: Int32, allowingPathOnly: Bool = false) throws(Errno) -> File {
        lock.lock()
        let found = descriptors.entry(descriptor)
        lock.unlock()
        guard let found, allowingPathOnly || !found.isPathOnly else { throw .EBADF }
        return found
    }

    /// The open files of `wanted`, in order, under one taking of the lock
    /// (poll and select look up every descriptor at each scan): nil for a
    /// descriptor that is not open or is O_PATH, as `file` throws EBADF.
    public func files(_ wanted: [Int32]) -> [File?] {
        lock.lock()
        defer { lock.unlock() }
        return wanted.map { descriptor in descriptors.entry(descriptor).flatMap { $0.isPathOnly ? nil : $0 } }
    }

    /// Gives `file` the lowest free descriptor not below `minimum` (Linux:
    /// get_unused_fd_flags + fd_install). EMFILE past RLIMIT_NOFILE.
    public func install(_ file: File, closeOnExec: Bool = false, minimum: Int32 = 0) throws(Errno) -> Int32 {
        try locked { () throws(Errno) -> Int32 in
            let descriptor = try descriptors.install(file, closeOnExec: closeOnExec, minimum: minimum)
            file.descriptorOpened()
            return descriptor
        }
    }

    /// close(2) (Linux: close_fd). EBADF if the descriptor was not open.
    public func close(_ descriptor: Int32) throws(Errno) {
        guard let closed = locked({ descriptors.remove(descriptor) }) else { throw .EBADF }
        self.closed(closed)
    }

    /// dup(2) and fcntl(F_DUPFD[_CLOEXEC]): a new descriptor, the lowest
    /// free one not below `minimum`, for the same open file.
    public func duplicate(_ descriptor: Int32, minimum: Int32 = 0, closeOnExec: Bool = false) throws(Errno) -> Int32 {
        try locked { () throws(Errno) -> Int32 in
            guard let file = descriptors.entry(descriptor) else { throw .EBADF }
            let duplicate = try descriptors.install(file, closeOnExec: closeOnExec, minimum: minimum)
            file.descriptorOpened()
            return duplicate
        }
    }

    /// dup2(2)/dup3(2) (Linux: do_dup2): `target` refers to the open file
    /// of `descriptor`, whatever it referred to before being closed.
    /// EBADF if `descriptor` is not open or `target` is out of range.
    public func duplicate(_ descriptor: Int32, onto target: Int32, closeOnExec: Bool) throws(Errno) {
        // The displaced file leaves the locked section as its result, so
        // it is let go after the unlock.
        let displaced = try locked { () throws(Errno) -> File? in
            guard let file = descriptors.entry(descriptor) else { throw .EBADF }
            let displaced = try descriptors.replace(target, with: file, closeOnExec: closeOnExec)
            file.descriptorOpened()
            return displaced
        }
        if let displaced { closed(displaced) }
    }

    /// FD_CLOEXEC of an open descriptor (fcntl F_GETFD).
    public func isCloseOnExec(_ descriptor: Int32) throws(Errno) -> Bool {
        guard let flag = locked({ descriptors.isCloseOnExec(descriptor) }) else { throw .EBADF }
        return flag
    }

    /// fcntl(F_SETFD), ioctl(FIOCLEX/FIONCLEX).
    public func setCloseOnExec(_ descriptor: Int32, _ closeOnExec: Bool) throws(Errno) {
        try locked { () throws(Errno) in try descriptors.setCloseOnExec(descriptor, closeOnExec) }
    }

    /// A table for a forked process: the same descriptors, flags and open
    /// files (Linux: dup_fd).
    public func copy() -> FileTable {
        FileTable(copying: locked { descriptors })
    }

    /// Closes the close-on-exec descriptors, as execve does once the new
    /// program is certain to run (Linux: do_close_on_exec).
    public func closeOnExec() {
        for file in locked({ descriptors.removeCloseOnExec() }) { closed(file) }
    }

    /// The open descriptors, lowest first (/proc/PID/fd, tests).
    public var openDescriptors: [Int32] { locked { descriptors.openDescriptors } }

    /// Runs `body` on the descriptors under the lock, with the limit of the
    /// calling process (Linux: rlimit(RLIMIT_NOFILE) read at each allocation).
    private func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let limit =
            Scheduler.isRunning
            ? Scheduler.current.group.limits.current(.RLIMIT_NOFILE) : UInt64(DescriptorTable<File>.defaultLimit)
        lock.lock()
        defer { lock.unlock() }
        descriptors.limit = Int(clamping: min(limit, ResourceLimits.maximumOpenFiles))
        return try body()
    }
}
