import ABI
import Lib

extension AttributeChange {
    /// Applies a change `prepared` has checked, and stamps ctime (Linux:
    /// simple_setattr's setattr_copy).
    func apply(to inode: Inode) {
        if let mode { inode.mode = FileMode.fileType(inode.mode) | (mode & 0o7777) }
        if let uid { inode.uid = uid }
        if let gid { inode.gid = gid }
        if let atime { inode.atime = atime }
        if let mtime { inode.mtime = mtime }
        inode.touchChanged()
    }
}

extension Inode {
    /// Writing or truncating a program takes its set-ID bits off, unless
    /// the writer holds CAP_FSETID (Linux: file_remove_privs). Called with
    /// VFS.lock held.
    func removeSetIDBits(as credentials: Credentials) {
        let removed = credentials.setIDBitsRemovedByWriting(ownership)
        guard removed != 0 else { return }
        mode &= ~removed
        touchChanged()
    }
}

extension VFS {
    /// Changes the attributes of what `path` names, a final symlink itself
    /// unless `follow` (Linux: notify_change, behind chmod, chown, utimes),
    /// if the caller may (`AttributeChange.prepared`: EPERM, EACCES).
    public static func setAttributes(
        _ path: [UInt8], follow: Bool, _ change: AttributeChange, relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            let walker = try walker(root: root, as: credentials)
            let place = try walker.lookup(path, from: start ?? walker.root, options: follow ? .followFinalSymlink : [])
            guard let inode = place.inode else { throw .ENOENT }
            try place.checkWritable()
            try change.prepared(for: inode.ownership, by: credentials).apply(to: inode)
            Fsnotify.changed(inode, at: place.dentry)
        }
    }

    /// Changes the attributes of an inode already found: an open file's
    /// (fchmod, fchown, futimens) or a path's, found at `dentry` (for
    /// watchers of its directory). EROFS on a read-only filesystem (a
    /// read-only bind mount of a writable one is not seen from the inode).
    public static func setAttributes(of inode: Inode, _ change: AttributeChange, at dentry: Dentry? = nil) throws(Errno)
    {
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            if inode.superBlock.isReadOnly { throw .EROFS }
            try change.prepared(for: inode.ownership, by: credentials).apply(to: inode)
            Fsnotify.changed(inode, at: dentry)
        }
    }

    /// truncate(2) (Linux: vfs_truncate): only regular files, EISDIR for a
    /// directory and EINVAL for anything else or a negative length; then
    /// write permission (EACCES).
    public static func truncate(_ inode: Inode, to length: Int64) throws(Errno) {
        try truncate(inode, to: length, checkingPermission: true)
    }

    /// ftruncate(2) needs no permission check: the descriptor was opened
    /// for writing (Linux: do_sys_ftruncate).
    static func truncate(
        _ inode: Inode, to length: Int64, checkingPermission: Bool, at dentry: Dentry? = nil
    ) throws(Errno) {
        guard length >= 0 else { throw .EINVAL }
        let credentials = callerCredentials
        try locked { () throws(Errno) in
            if inode.isDirectory { throw .EISDIR }
            guard inode.fileType == FileMode.S_IFREG else { throw .EINVAL }
            if checkingPermission { try inode.checkPermission(.W_OK, as: credentials) }
            if inode.superBlock.isReadOnly { throw .EROFS }
            if checkingPermission { try InodeWriteAccess.checkNotRunning(inode) }
            try doTruncate(inode, to: length, as: credentials, at: dentry)
        }
    }

    /// Sets a regular file's size, taking a program's set-ID bits off
    /// (Linux: do_truncate, a notify_change with ATTR_SIZE and the kill
    /// flags); EFBIG (and SIGXFSZ) beyond the file size limits. Called
    /// with the lock held. Watchers hear IN_MODIFY, through the directory
    /// too if the caller knows the `dentry`.
    static func doTruncate(
        _ inode: Inode, to length: Int64, as credentials: Credentials, at dentry: Dentry? = nil
    ) throws(Errno) {
        try checkNewSize(inode, length)
        inode.removeSetIDBits(as: credentials)
        try inode.fileOperations.truncate(inode, to: length)
        Fsnotify.changed(inode, at: dentry, sizeChanged: true)
    }
}
