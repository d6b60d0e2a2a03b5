import ABI

/// One kind of identity, user or group IDs, in its four roles (Linux: the
/// uid/euid/suid/fsuid and gid/egid/sgid/fsgid fields of struct cred,
/// include/linux/cred.h). The set*id rules of kernel/sys.c are the same for
/// users and groups, so they are written once, here.
///
/// - real: who owns the process;
/// - effective: whose permissions it acts with;
/// - saved: an effective ID it may return to after dropping privileges;
/// - filesystem: the ID file-access checks use, normally the effective one.
public struct IDSet: Equatable, Sendable {
    public var real: UInt32
    public var effective: UInt32
    public var saved: UInt32
    public var filesystem: UInt32

    /// `(uid_t)-1`: "leave unchanged" in the set*id calls, and never a valid
    /// ID (Linux: INVALID_UID, so setuid(-1) is EINVAL).
    public static let unchanged: UInt32 = .max

    public init(real: UInt32, effective: UInt32, saved: UInt32, filesystem: UInt32) {
        self.real = real
        self.effective = effective
        self.saved = saved
        self.filesystem = filesystem
    }

    /// All four roles the same ID.
    public init(all id: UInt32) { self.init(real: id, effective: id, saved: id, filesystem: id) }

    private func isOneOfRealEffectiveSaved(_ id: UInt32) -> Bool { id == real || id == effective || id == saved }

    /// setuid/setgid (SysV with saved IDs): a privileged caller sets all
    /// four; anyone else may only set the effective (and filesystem) ID to
    /// the real or saved one.
    public mutating func set(_ id: UInt32, privileged: Bool) throws(Errno) {
        guard id != Self.unchanged else { throw .EINVAL }
        if privileged {
            real = id
            saved = id
        } else if id != real && id != saved {
            throw .EPERM
        }
        effective = id
        filesystem = id
    }

    /// setreuid/setregid (BSD): the real ID may become the old real or
    /// effective one, the effective ID any of real, effective or saved. If
    /// the real ID is set, or the effective one becomes something other than
    /// the old real ID, the saved ID follows the new effective one.
    public mutating func setRealEffective(_ newReal: UInt32, _ newEffective: UInt32, privileged: Bool) throws(Errno) {
        var updated = self
        if newReal != Self.unchanged {
            guard privileged || newReal == real || newReal == effective else { throw .EPERM }
            updated.real = newReal
        }
        if newEffective != Self.unchanged {
            guard privileged || isOneOfRealEffectiveSaved(newEffective) else { throw .EPERM }
            updated.effective = newEffective
        }
        if newReal != Self.unchanged || (newEffective != Self.unchanged && newEffective != real) {
            updated.saved = updated.effective
        }
        updated.filesystem = updated.effective
        self = updated
    }

    /// setresuid/setresgid: each given ID (not `unchanged`) must be one of
    /// the old real, effective or saved IDs unless the caller is privileged.
    /// A call that changes nothing leaves even the filesystem ID alone.
    public mutating func setRealEffectiveSaved(
        _ newReal: UInt32, _ newEffective: UInt32, _ newSaved: UInt32,
        privileged: Bool
    ) throws(Errno) {
        let isNoOp =
            (newReal == Self.unchanged || newReal == real)
            && (newEffective == Self.unchanged || (newEffective == effective && newEffective == filesystem))
            && (newSaved == Self.unchanged || newSaved == saved)
        if isNoOp { return }
        for id in [newReal, newEffective, newSaved] where id != Self.unchanged && !isOneOfRealEffectiveSaved(id) {
            guard privileged else { throw .EPERM }
        }
        if newReal != Self.unchanged { real = newReal }
        if newEffective != Self.unchanged { effective = newEffective }
        if newSaved != Self.unchanged { saved = newSaved }
        filesystem = effective
    }

    /// setfsuid/setfsgid: to any of the four current IDs, or anything when
    /// privileged. Never fails; returns the previous filesystem ID, which is
    /// how a caller learns whether the change happened.
    public mutating func setFilesystem(_ id: UInt32, privileged: Bool) -> UInt32 {
        let previous = filesystem
        if id != Self.unchanged && (privileged || isOneOfRealEffectiveSaved(id) || id == filesystem) {
            filesystem = id
        }
        return previous
    }
}

/// A task's credentials (Linux: struct cred, kernel/cred.c): its user and
/// group IDs and supplementary groups. Linux keeps them per thread; a
/// C library makes set*id process-wide by running the call in every thread.
///
/// Capability sets are not kept: which capabilities a task holds follows
/// from its user IDs (see `capable`).
public struct Credentials: Equatable, Sendable {
    public var uid: IDSet
    public var gid: IDSet
    /// Supplementary group IDs, sorted (Linux sorts them in set_groups).
    public private(set) var groups: [UInt32]

    /// NGROUPS_MAX (include/uapi/linux/limits.h).
    public static let maximumGroups = 65536

    public init(uid: IDSet, gid: IDSet, groups: [UInt32] = []) {
        self.uid = uid
        self.gid = gid
        self.groups = groups.sorted()
    }

    /// Everything 0: what the kernel's own tasks and init start with (Linux: init_cred).
    public static let root = Credentials(uid: IDSet(all: 0), gid: IDSet(all: 0))

    /// Linux's capable(CAP_*) for the capabilities these calls need
    /// (CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_SYS_RESOURCE, CAP_SYS_NICE,
    /// CAP_SYS_ADMIN, CAP_SYS_BOOT, CAP_SYS_TIME).
    public var isPrivileged: Bool { uid.effective == 0 }

    /// Linux's capable(): a task holds every capability while its effective
    /// user ID is 0, and the filesystem ones while its filesystem user ID
    /// is 0. That is what Linux's capability sets amount to for a task that
    /// never called capset and runs no file with capabilities: set*id
    /// empties the effective set when the effective ID leaves 0 and fills it
    /// when it returns, and setfsuid drops and raises the filesystem
    /// capabilities with the filesystem ID (cap_emulate_setxuid,
    /// cap_task_fix_setuid).
    public func capable(_ capability: Capability) -> Bool {
        capability.isFilesystemCapability ? uid.filesystem == 0 : isPrivileged
    }

    /// Whether `group` is the filesystem group ID or a supplementary group
    /// (Linux: in_group_p), which file-access checks use.
    public func isInGroup(_ group: UInt32) -> Bool {
        group == gid.filesystem || groups.contains(group)
    }

    /// setgroups(2): privileged only; at most NGROUPS_MAX entries.
    public mutating func setGroups(_ list: [UInt32]) throws(Errno) {
        guard isPrivileged else { throw .EPERM }
        guard list.count <= Self.maximumGroups else { throw .EINVAL }
        groups = list.sorted()
    }

    /// Whether this task may send a signal to one with `target`'s
    /// credentials (Linux: kill_ok_by_cred in kernel/signal.c): a real or
    /// effective user ID of the sender matches the target's real or saved
    /// one, or the sender is privileged.
    public func maySignal(_ target: Credentials) -> Bool {
        isPrivileged || [uid.effective, uid.real].contains { $0 == target.uid.saved || $0 == target.uid.real }
    }

    /// Whether this task may read or change `target`'s resource limits with
    /// prlimit (Linux: check_prlimit_permission): the target's user and group
    /// IDs all equal the caller's real ones, or the caller is privileged.
    public func mayChangeLimits(of target: Credentials) -> Bool {
        isPrivileged
            || ([target.uid.real, target.uid.effective, target.uid.saved].allSatisfy { $0 == uid.real }
                && [target.gid.real, target.gid.effective, target.gid.saved].allSatisfy { $0 == gid.real })
    }

    /// Whether this task may look into another's memory and descriptors
    /// through /proc (Linux: __ptrace_may_access with
    /// PTRACE_MODE_READ_FSCREDS): the target's user and group IDs all equal
    /// the caller's filesystem ones, or the caller holds CAP_SYS_PTRACE.
    public func mayInspect(_ target: Credentials) -> Bool {
        isPrivileged
            || ([target.uid.real, target.uid.effective, target.uid.saved].allSatisfy { $0 == uid.filesystem }
                && [target.gid.real, target.gid.effective, target.gid.saved].allSatisfy { $0 == gid.filesystem })
    }

    /// Whether this task may change `target`'s nice value (Linux:
    /// set_one_prio_perm): its effective user ID is the target's real or
    /// effective one, or it is privileged.
    public func mayRenice(_ target: Credentials) -> Bool {
        isPrivileged || uid.effective == target.uid.real || uid.effective == target.uid.effective
    }
}
