import ABI

/// A change of an inode's attributes: each field set is applied, the
/// others left alone (Linux: struct iattr, fs/attr.c). chmod, chown,
/// utimensat and truncate build these; the initramfs restores archived ones.
public struct AttributeChange: Equatable, Sendable {
    /// Permission, set-ID and sticky bits; the file type is kept.
    public var mode: UInt32? = nil
    public var uid: UInt32? = nil
    public var gid: UInt32? = nil
    public var atime: Int64? = nil
    public var mtime: Int64? = nil
    /// The times are "now" (utimensat with no times or both UTIME_NOW;
    /// Linux: ATTR_TOUCH), which write permission allows; explicit times
    /// are for the owner only (ATTR_TIMES_SET).
    public var setsTimesToNow = false
    /// chown's rule for files that are not directories: the set-user-ID
    /// bit goes, and the set-group-ID bit as `shouldDropSetGroupID` says
    /// (Linux: ATTR_KILL_SUID and ATTR_KILL_SGID from chown_common).
    public var dropsSetID = false

    public init(
        mode: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil, atime: Int64? = nil, mtime: Int64? = nil,
        setsTimesToNow: Bool = false, dropsSetID: Bool = false
    ) {
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.atime = atime
        self.mtime = mtime
        self.setsTimesToNow = setsTimesToNow
        self.dropsSetID = dropsSetID
    }

    /// Checks the change against `credentials` and returns it as it is to
    /// be applied to `file` (Linux: notify_change's checks and its turning
    /// of the kill flags into a mode change, then setattr_prepare):
    /// - times set to now: the owner, CAP_FOWNER or write permission (EACCES);
    /// - explicit times: the owner or CAP_FOWNER (EPERM);
    /// - a new owner: CAP_CHOWN, or the owner "changing" it to itself (EPERM);
    /// - a new group: CAP_CHOWN, or the owner choosing one of its groups (EPERM);
    /// - a new mode: the owner or CAP_FOWNER (EPERM); the set-group-ID bit
    ///   is cleared unless the task is in the (new) group or holds CAP_FSETID.
    public func prepared(for file: FileOwnership, by credentials: Credentials) throws(Errno) -> AttributeChange {
        var change = self
        let changesTimes = atime != nil || mtime != nil
        if changesTimes && setsTimesToNow && !credentials.ownsOrCapable(file) {
            guard credentials.mayAccess(file, .W_OK) else { throw .EACCES }
        }
        if dropsSetID && !file.isDirectory {
            var killed = file.mode & FileMode.S_ISUID
            if credentials.shouldDropSetGroupID(file) { killed |= FileMode.S_ISGID }
            if killed != 0 { change.mode = (mode ?? file.mode & 0o7777) & ~killed }
        }
        let isOwner = file.uid == credentials.uid.filesystem
        if let uid, !(isOwner && uid == file.uid) && !credentials.capable(.CAP_CHOWN) { throw .EPERM }
        if let gid, !(isOwner && (gid == file.gid || credentials.isInGroup(gid))) && !credentials.capable(.CAP_CHOWN) {
            throw .EPERM
        }
        if let newMode = change.mode {
            guard credentials.ownsOrCapable(file) else { throw .EPERM }
            if !credentials.mayKeepSetGroupID(for: gid ?? file.gid) { change.mode = newMode & ~FileMode.S_ISGID }
        }
        if changesTimes && !setsTimesToNow && !credentials.ownsOrCapable(file) { throw .EPERM }
        change.dropsSetID = false
        return change
    }
}
