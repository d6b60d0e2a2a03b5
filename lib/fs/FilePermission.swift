import ABI

/// What the permission checks read of a file: its type and mode bits, its
/// owner and its group (Linux: i_mode, i_uid and i_gid of struct inode).
public struct FileOwnership: Equatable, Sendable {
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32

    public init(mode: UInt32, uid: UInt32, gid: UInt32) {
        self.mode = mode
        self.uid = uid
        self.gid = gid
    }

    public var isDirectory: Bool { FileMode.fileType(mode) == FileMode.S_IFDIR }
    var isRegular: Bool { FileMode.fileType(mode) == FileMode.S_IFREG }
}

/// The discretionary access rules of Linux's VFS (fs/namei.c, fs/inode.c,
/// fs/attr.c) as questions to a task's credentials. Every check uses the
/// filesystem IDs and the groups; root's overrides are the capabilities
/// `capable` grants.
extension Credentials {
    /// Whether the mode bits, or a capability, allow `mask` (R_OK, W_OK,
    /// X_OK; none asks only for existence). The owner is judged by the
    /// owner bits alone, a member of the file's group by the group bits,
    /// anyone else by the other bits. CAP_DAC_READ_SEARCH reads anything
    /// and searches any directory; CAP_DAC_OVERRIDE also writes, and
    /// executes a file only if some execute bit is set (Linux:
    /// generic_permission with acl_permission_check).
    public func mayAccess(_ file: FileOwnership, _ mask: AccessMode) -> Bool {
        let wanted = UInt32(truncatingIfNeeded: mask.rawValue) & 0o7
        let granted: UInt32
        if file.uid == uid.filesystem {
            granted = file.mode >> 6
        } else if isInGroup(file.gid) {
            granted = file.mode >> 3
        } else {
            granted = file.mode
        }
        if wanted & ~granted == 0 { return true }
        if file.isDirectory {
            if !mask.contains(.W_OK) && capable(.CAP_DAC_READ_SEARCH) { return true }
            return capable(.CAP_DAC_OVERRIDE)
        }
        if wanted == UInt32(AccessMode.R_OK.rawValue) && capable(.CAP_DAC_READ_SEARCH) { return true }
        let executable = file.mode & (FileMode.S_IXUSR | FileMode.S_IXGRP | FileMode.S_IXOTH) != 0
        return (!mask.contains(.X_OK) || executable) && capable(.CAP_DAC_OVERRIDE)
    }

    /// The credentials access(2) checks with: the real user and group IDs
    /// in place of the filesystem ones, so that a set-user-ID program can
    /// ask what its user may do (Linux: access_override_creds; faccessat2's
    /// AT_EACCESS keeps the filesystem IDs).
    public var withRealIDsForAccess: Credentials {
        var credentials = self
        credentials.uid.filesystem = uid.real
        credentials.gid.filesystem = gid.real
        return credentials
    }

    /// The owner, or a holder of CAP_FOWNER (Linux: inode_owner_or_capable):
    /// who may chmod a file, set its times or open it with O_NOATIME.
    public func ownsOrCapable(_ file: FileOwnership) -> Bool {
        file.uid == uid.filesystem || capable(.CAP_FOWNER)
    }

    /// Whether a name for `file` may leave `directory` as far as the sticky
    /// bit goes: in a sticky directory only the file's owner, the
    /// directory's owner or a holder of CAP_FOWNER may remove or rename it
    /// (Linux: check_sticky; the answer to a refusal is EPERM).
    public func mayRemove(_ file: FileOwnership, fromSticky directory: FileOwnership) -> Bool {
        directory.mode & FileMode.S_ISVTX == 0 || file.uid == uid.filesystem || directory.uid == uid.filesystem
            || capable(.CAP_FOWNER)
    }

    /// Linux's in_group_or_capable: whether this task may keep a file's
    /// set-group-ID bit for `group`.
    func mayKeepSetGroupID(for group: UInt32) -> Bool {
        isInGroup(group) || capable(.CAP_FSETID)
    }

    /// Whether a change of `file` must take its set-group-ID bit (Linux:
    /// setattr_should_drop_sgid): always with group execute, which makes it
    /// a set-group-ID program, and without (a mandatory-locking mark) unless
    /// the task may keep it.
    func shouldDropSetGroupID(_ file: FileOwnership) -> Bool {
        guard file.mode & FileMode.S_ISGID != 0 else { return false }
        return file.mode & FileMode.S_IXGRP != 0 || !mayKeepSetGroupID(for: file.gid)
    }

    /// The set-ID bits that writing or truncating `file` removes: both, as
    /// far as they make it a set-ID program, unless the writer holds
    /// CAP_FSETID; only regular files lose them (Linux:
    /// setattr_should_drop_suidgid, behind file_remove_privs and do_truncate).
    public func setIDBitsRemovedByWriting(_ file: FileOwnership) -> UInt32 {
        guard file.isRegular, !capable(.CAP_FSETID) else { return 0 }
        return (file.mode & FileMode.S_ISUID) | (shouldDropSetGroupID(file) ? FileMode.S_ISGID : 0)
    }

    /// The mode a new file or node is made with in `directory`: a
    /// set-group-ID bit with group execute is dropped in a set-group-ID
    /// directory whose group the task is not in and may not claim (Linux:
    /// mode_strip_sgid in vfs_prepare_mode). Directories keep theirs.
    public func newFileMode(_ mode: UInt32, in directory: FileOwnership) -> UInt32 {
        let setGroupProgram = FileMode.S_ISGID | FileMode.S_IXGRP
        guard mode & setGroupProgram == setGroupProgram, FileMode.fileType(mode) != FileMode.S_IFDIR,
            directory.mode & FileMode.S_ISGID != 0, !mayKeepSetGroupID(for: directory.gid)
        else { return mode }
        return mode & ~FileMode.S_ISGID
    }

    /// The owner, group and mode of a new inode: the task's filesystem IDs,
    /// except that a set-group-ID directory gives its own group, and its
    /// set-group-ID bit to new subdirectories (Linux: inode_init_owner).
    /// `directory` is nil for a filesystem's root or an unnamed file.
    public func newFileOwnership(mode: UInt32, in directory: FileOwnership?) -> FileOwnership {
        guard let directory, directory.mode & FileMode.S_ISGID != 0 else {
            return FileOwnership(mode: mode, uid: uid.filesystem, gid: gid.filesystem)
        }
        let inherited = FileMode.fileType(mode) == FileMode.S_IFDIR ? mode | FileMode.S_ISGID : mode
        return FileOwnership(mode: inherited, uid: uid.filesystem, gid: directory.gid)
    }
}
