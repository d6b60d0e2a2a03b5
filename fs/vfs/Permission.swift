import ABI
import Lib

/// The VFS's permission checks (Linux: fs/namei.c's inode_permission,
/// may_create, may_delete and may_open). The rules themselves are pure and
/// live in lib/fs/FilePermission.swift; these apply them to inodes. Each
/// VFS call reads the calling task's credentials once, at its start, as
/// Linux reads current_cred().
extension Inode {
    /// The mode, owner and group the permission checks read.
    public var ownership: FileOwnership { FileOwnership(mode: mode, uid: uid, gid: gid) }

    /// Whether `credentials` may access the inode as `mask` asks (Linux:
    /// inode_permission, which for ramfs is generic_permission: no ACLs or
    /// immutable files; the VFS checks read-only mounts itself, EROFS).
    public func permits(_ mask: AccessMode, as credentials: Credentials) -> Bool {
        credentials.mayAccess(ownership, mask)
    }

    /// The same, failing with EACCES.
    func checkPermission(_ mask: AccessMode, as credentials: Credentials) throws(Errno) {
        guard permits(mask, as: credentials) else { throw .EACCES }
    }

    /// Gives a new inode its owner and group, and its mode the set-group-ID
    /// bit a set-group-ID `directory` passes on (Linux: inode_init_owner).
    /// `directory` is nil for a filesystem's root or an unnamed file.
    public func initOwner(in directory: Inode?, as credentials: Credentials) {
        let owner = credentials.newFileOwnership(mode: mode, in: directory?.ownership)
        mode = owner.mode
        uid = owner.uid
        gid = owner.gid
    }
}

extension VFS {
    /// The credentials of the task making the call (Linux: current_cred()).
    static var callerCredentials: Credentials { Scheduler.current.credentials }

    /// Whether a name may be made in `directory` (Linux: may_create): not
    /// in a removed directory (ENOENT), and only with write and search
    /// permission on it (EACCES). The caller has found the name free.
    static func checkMayCreate(in directory: Inode, as credentials: Credentials) throws(Errno) {
        guard directory.nlink > 0 else { throw .ENOENT }
        try directory.checkPermission([.W_OK, .X_OK], as: credentials)
    }

    /// Whether `victim`'s name may be removed from `directory` by unlink,
    /// rmdir or rename (Linux: may_delete): write and search permission on
    /// the directory (EACCES), the sticky-bit rule (EPERM), then the type
    /// the call expects (ENOTDIR for a directory call, EISDIR otherwise).
    static func checkMayDelete(
        _ victim: Inode, from directory: Inode, isDirectory: Bool, as credentials: Credentials
    ) throws(Errno) {
        try directory.checkPermission([.W_OK, .X_OK], as: credentials)
        guard credentials.mayRemove(victim.ownership, fromSticky: directory.ownership) else { throw .EPERM }
        if isDirectory {
            guard victim.isDirectory else { throw .ENOTDIR }
        } else if victim.isDirectory {
            throw .EISDIR
        }
    }

    /// A directory moving to another parent has its ".." rewritten, so it
    /// must be writable (Linux: vfs_rename's inode_permission(source, MAY_WRITE)).
    static func checkMayMoveDirectory(
        _ inode: Inode, from oldDirectory: Inode, to newDirectory: Inode, as credentials: Credentials
    ) throws(Errno) {
        guard inode.isDirectory, oldDirectory !== newDirectory else { return }
        try inode.checkPermission(.W_OK, as: credentials)
    }

    /// Whether an existing inode may be opened with `flags` (Linux:
    /// may_open): a symlink is ELOOP (only met with O_NOFOLLOW), a
    /// directory EISDIR for writing; then read and write permission as the
    /// access mode asks, write also for O_TRUNC (EACCES); O_NOATIME only
    /// for the owner or CAP_FOWNER (EPERM).
    static func checkMayOpen(_ inode: Inode, flags: OpenFlags, as credentials: Credentials) throws(Errno) {
        var mask: AccessMode = []
        switch flags.accessMode {
        case .O_RDONLY: mask = .R_OK
        case .O_WRONLY: mask = .W_OK
        default: mask = [.R_OK, .W_OK]
        }
        if flags.contains(.O_TRUNC) { mask.insert(.W_OK) }
        switch inode.fileType {
        case FileMode.S_IFLNK: throw .ELOOP
        case FileMode.S_IFDIR: if mask.contains(.W_OK) { throw .EISDIR }
        default: break
        }
        try inode.checkPermission(mask, as: credentials)
        if flags.contains(.O_NOATIME) && !credentials.ownsOrCapable(inode.ownership) { throw .EPERM }
    }

    /// chdir, fchdir and chroot's check of their new directory (Linux:
    /// LOOKUP_DIRECTORY, then path_permission with MAY_EXEC | MAY_CHDIR):
    /// a directory (ENOTDIR) the caller may search (EACCES).
    public static func checkDirectoryChange(to inode: Inode?) throws(Errno) {
        guard let inode, inode.isDirectory else { throw .ENOTDIR }
        let credentials = callerCredentials
        try locked { () throws(Errno) in try inode.checkPermission(.X_OK, as: credentials) }
    }

    /// chroot(2) also needs CAP_SYS_CHROOT (EPERM), checked after the directory.
    public static func checkRootChange(to inode: Inode?) throws(Errno) {
        try checkDirectoryChange(to: inode)
        guard callerCredentials.capable(.CAP_SYS_CHROOT) else { throw .EPERM }
    }
}
