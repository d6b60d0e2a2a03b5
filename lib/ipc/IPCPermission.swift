import ABI

/// The owner and permissions of one System V IPC object (Linux: struct
/// kern_ipc_perm and ipcperms in ipc/util.c): who made it, who owns it, its
/// nine rwx bits (and, for shared memory, SHM_DEST and SHM_LOCKED above
/// them), the key it was made with and its id.
public struct IPCPermission: Sendable {
    public private(set) var key: Int32
    public var uid: UInt32
    public var gid: UInt32
    public let cuid: UInt32
    public let cgid: UInt32
    public var mode: UInt32
    /// The slot's sequence number when the object was made; the id is
    /// seq * IPCMNI + slot.
    public internal(set) var seq: UInt16 = 0
    public internal(set) var id: Int32 = -1
    public internal(set) var index: Int = -1

    /// Owned and made by the caller, with the permission bits of `flags`
    /// (Linux: the *get calls' newque, newary, newseg).
    public init(key: Int32, mode: UInt32, credentials: Credentials) {
        self.key = key
        uid = credentials.uid.effective
        cuid = uid
        gid = credentials.gid.effective
        cgid = gid
        self.mode = mode & 0o777
    }

    /// Whether `credentials` may do what the rwx bits `requested` (as in
    /// 0o400, 0o200 or 0o600: any of the three triples) ask (Linux:
    /// ipcperms): the owner's or creator's triple for them, the group's for
    /// a member of either group, the others' triple for anyone else;
    /// CAP_IPC_OWNER passes every check.
    public func allows(_ requested: UInt32, _ credentials: Credentials) -> Bool {
        let wanted = (requested >> 6 | requested >> 3 | requested) & 0o7
        var granted = mode
        let euid = credentials.uid.effective
        if euid == cuid || euid == uid {
            granted >>= 6
        } else if credentials.isInGroup(cgid) || credentials.isInGroup(gid) {
            granted >>= 3
        }
        return wanted & ~granted & 0o7 == 0 || credentials.capable(.CAP_IPC_OWNER)
    }

    /// Whether `credentials` may remove the object or change its owner and
    /// mode (Linux: ipcctl_obtain_check): its owner, its creator or
    /// CAP_SYS_ADMIN.
    public func mayChange(_ credentials: Credentials) -> Bool {
        let euid = credentials.uid.effective
        return euid == cuid || euid == uid || credentials.capable(.CAP_SYS_ADMIN)
    }

    /// IPC_SET: the new owner and the nine permission bits from `set`
    /// (Linux: ipc_update_perm); the bits above them stay.
    public mutating func update(from set: IPC64Perm) {
        uid = set.uid
        gid = set.gid
        mode = (mode & ~0o777) | (set.mode & 0o777)
    }

    /// shmctl's IPC_RMID of a segment still attached (Linux: do_shm_rmid):
    /// SHM_DEST in the mode, and the key no longer finds it.
    public mutating func markDestroyed() {
        mode |= ShmMode.SHM_DEST
        key = IPCKey.IPC_PRIVATE
    }

    /// As IPC_STAT reports it (Linux: kernel_to_ipc64_perm).
    public var userView: IPC64Perm {
        var view = IPC64Perm()
        view.key = key
        view.uid = uid
        view.gid = gid
        view.cuid = cuid
        view.cgid = cgid
        view.mode = mode
        view.seq = seq
        return view
    }
}
