import ABI
import Lib

/// A change of an inode's attributes: each field set is applied, the
/// others left alone (Linux: struct iattr, fs/attr.c). chmod, chown and
/// utimensat will build these; the initramfs restores archived ones.
public struct AttributeChange {
    /// Permission bits; the file type is kept.
    public var mode: UInt32? = nil
    public var uid: UInt32? = nil
    public var gid: UInt32? = nil
    public var atime: Int64? = nil
    public var mtime: Int64? = nil
    /// chown's rule for files that are not directories: the set-user-ID
    /// bit goes, and the set-group-ID bit if group execute is set
    /// (Linux: ATTR_KILL_SUID and setattr_should_drop_sgid).
    public var dropsSetID = false

    public init(
        mode: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil, atime: Int64? = nil, mtime: Int64? = nil,
        dropsSetID: Bool = false
    ) {
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.atime = atime
        self.mtime = mtime
        self.dropsSetID = dropsSetID
    }

    /// Applies the change and stamps ctime (Linux: simple_setattr's
    /// setattr_copy).
    func apply(to inode: Inode) {
        if let mode { inode.mode = FileMode.fileType(inode.mode) | (mode & 0o7777) }
        if dropsSetID && !inode.isDirectory {
            inode.mode &= ~FileMode.S_ISUID
            if inode.mode & FileMode.S_IXGRP != 0 { inode.mode &= ~FileMode.S_ISGID }
        }
        if let uid { inode.uid = uid }
        if let gid { inode.gid = gid }
        if let atime { inode.atime = atime }
        if let mtime { inode.mtime = mtime }
        inode.touchChanged()
    }
}

extension VFS {
    /// Changes the attributes of what `path` names, a final symlink itself
    /// unless `follow` (Linux: notify_change, behind chmod, chown, utimes).
    public static func setAttributes(
        _ path: [UInt8], follow: Bool, _ change: AttributeChange, relativeTo start: Path? = nil, root: Path? = nil
    ) throws(Errno) {
        try locked { () throws(Errno) in
            let walker = try walker(root: root)
            let place = try walker.lookup(path, from: start ?? walker.root, options: follow ? .followFinalSymlink : [])
            guard let inode = place.inode else { throw .ENOENT }
            change.apply(to: inode)
        }
    }
}

extension VFS {
    /// Changes the attributes of an open file's inode (fchmod, fchown,
    /// futimens).
    public static func setAttributes(of inode: Inode, _ change: AttributeChange) {
        lockedNonThrowing { change.apply(to: inode) }
    }

    /// truncate(2) and ftruncate(2) (Linux: do_truncate, a notify_change
    /// with ATTR_SIZE): only regular files, EISDIR for a directory and
    /// EINVAL for anything else or a negative length.
    public static func truncate(_ inode: Inode, to length: Int64) throws(Errno) {
        guard length >= 0 else { throw .EINVAL }
        try locked { () throws(Errno) in
            if inode.isDirectory { throw .EISDIR }
            guard inode.fileType == FileMode.S_IFREG else { throw .EINVAL }
            try inode.fileOperations.truncate(inode, to: length)
        }
    }
}
