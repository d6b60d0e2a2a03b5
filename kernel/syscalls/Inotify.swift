import ABI
import Core
import Lib

/// inotify_init, inotify_init1, inotify_add_watch and inotify_rm_watch
/// (Linux: fs/notify/inotify/inotify_user.c). The instance is
/// fs/notify/inotify/InotifyInstance.swift, the VFS's hooks fs/notify/Fsnotify.swift.
enum InotifySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.inotify_init, syscall(inotifyInit)),
        (.inotify_init1, syscall(inotifyInit1)),
        (.inotify_add_watch, syscall(inotifyAddWatch)),
        (.inotify_rm_watch, syscall(inotifyRemoveWatch)),
    ]

    static func inotifyInit() throws(Errno) -> Int64 {
        try inotifyInit1([])
    }

    /// inotify_init1(flags): IN_NONBLOCK and IN_CLOEXEC; else EINVAL.
    static func inotifyInit1(_ flags: InotifyFlags) throws(Errno) -> Int64 {
        guard flags.subtracting([.IN_NONBLOCK, .IN_CLOEXEC]).isEmpty else { throw .EINVAL }
        let status = OpenFlags(rawValue: flags.rawValue).intersection(.O_NONBLOCK)
        let file = AnonInodes.file(name: "inotify", operations: InotifyInstance(), flags: status.union(.O_RDONLY))
        return Int64(try Scheduler.current.files.install(file, closeOnExec: flags.contains(.IN_CLOEXEC)))
    }

    /// inotify_add_watch(fd, path, mask): EINVAL for a mask without a valid
    /// bit, IN_MASK_ADD with IN_MASK_CREATE, or a descriptor that is no
    /// inotify instance; the path is followed unless IN_DONT_FOLLOW, must be
    /// a directory with IN_ONLYDIR (ENOTDIR) and readable (EACCES).
    static func inotifyAddWatch(_ fd: FileDescriptor, _ name: UserString, _ mask: InotifyMask) throws(Errno) -> Int64 {
        guard !mask.isDisjoint(with: .valid), !mask.isSuperset(of: [.IN_MASK_ADD, .IN_MASK_CREATE]) else {
            throw .EINVAL
        }
        guard let instance = try fd.file().operations as? InotifyInstance else { throw .EINVAL }
        let path = try PathArgument(name)
        let inode = try path.inode(follow: !mask.contains(.IN_DONT_FOLLOW))
        if mask.contains(.IN_ONLYDIR) && !inode.isDirectory { throw .ENOTDIR }
        try inode.checkPermission(.R_OK, as: Scheduler.current.credentials)
        return Int64(try Fsnotify.addWatch(to: inode, for: instance, mask: mask))
    }

    /// inotify_rm_watch(fd, wd): EINVAL for an unknown watch or a
    /// descriptor that is no inotify instance.
    static func inotifyRemoveWatch(_ fd: FileDescriptor, _ descriptor: Int32) throws(Errno) -> Int64 {
        guard let instance = try fd.file().operations as? InotifyInstance else { throw .EINVAL }
        try Fsnotify.removeWatch(descriptor, of: instance)
        return 0
    }
}
