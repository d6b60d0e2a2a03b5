import ABI
import Core
import Lib

/// User and group IDs (Linux: kernel/sys.c, kernel/groups.c). The rules
/// live in lib/cred/Credentials.swift and are the same for both kinds of
/// ID, so each call is made for users and for groups by one function. IDs
/// are 32-bit: the upper half of the register is ignored, so -1 is 0xffffffff.
enum CredentialsSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getuid, syscall { () throws(Errno) in Int64(Scheduler.current.credentials.uid.real) }),
        (.geteuid, syscall { () throws(Errno) in Int64(Scheduler.current.credentials.uid.effective) }),
        (.getgid, syscall { () throws(Errno) in Int64(Scheduler.current.credentials.gid.real) }),
        (.getegid, syscall { () throws(Errno) in Int64(Scheduler.current.credentials.gid.effective) }),
        (.getresuid, getRealEffectiveSaved(.user)),
        (.getresgid, getRealEffectiveSaved(.group)),
        (.setuid, setID(.user)),
        (.setgid, setID(.group)),
        (.setreuid, setRealEffective(.user)),
        (.setregid, setRealEffective(.group)),
        (.setresuid, setRealEffectiveSaved(.user)),
        (.setresgid, setRealEffectiveSaved(.group)),
        (.setfsuid, setFilesystemID(.user)),
        (.setfsgid, setFilesystemID(.group)),
        (.getgroups, syscall(getgroups)),
        (.setgroups, syscall(setgroups)),
    ]

    enum Kind { case user, group }

    /// Applies `rule` to a copy of the caller's IDs of `kind` and installs
    /// the copy only if the rule allowed it (Linux: prepare_creds,
    /// commit_creds). Privilege is judged on the old credentials, as in Linux.
    private static func update(_ kind: Kind, _ rule: (inout IDSet, Bool) throws(Errno) -> Int64) throws(Errno) -> Int64
    {
        let task = Scheduler.current
        var ids = kind == .user ? task.credentials.uid : task.credentials.gid
        let result = try rule(&ids, task.credentials.isPrivileged)
        if kind == .user { task.credentials.uid = ids } else { task.credentials.gid = ids }
        return result
    }

    /// setuid/setgid.
    private static func setID(_ kind: Kind) -> SyscallHandler {
        syscall { (id: UInt32) throws(Errno) in
            try update(kind) { (ids, privileged) throws(Errno) in
                try ids.set(id, privileged: privileged)
                return 0
            }
        }
    }

    /// setreuid/setregid.
    private static func setRealEffective(_ kind: Kind) -> SyscallHandler {
        syscall { (real: UInt32, effective: UInt32) throws(Errno) in
            try update(kind) { (ids, privileged) throws(Errno) in
                try ids.setRealEffective(real, effective, privileged: privileged)
                return 0
            }
        }
    }

    /// setresuid/setresgid.
    private static func setRealEffectiveSaved(_ kind: Kind) -> SyscallHandler {
        syscall { (real: UInt32, effective: UInt32, saved: UInt32) throws(Errno) in
            try update(kind) { (ids, privileged) throws(Errno) in
                try ids.setRealEffectiveSaved(real, effective, saved, privileged: privileged)
                return 0
            }
        }
    }

    /// setfsuid/setfsgid: returns the previous filesystem ID, never fails.
    private static func setFilesystemID(_ kind: Kind) -> SyscallHandler {
        syscall { (id: UInt32) throws(Errno) in
            try update(kind) { (ids, privileged) throws(Errno) in
                Int64(ids.setFilesystem(id, privileged: privileged))
            }
        }
    }

    /// getresuid/getresgid: real, effective and saved, each to its own pointer.
    private static func getRealEffectiveSaved(_ kind: Kind) -> SyscallHandler {
        syscall {
            (real: UserPointer<UInt32>, effective: UserPointer<UInt32>, saved: UserPointer<UInt32>) throws(Errno) in
            try update(kind) { (ids, _) throws(Errno) in
                try real.write(ids.real)
                try effective.write(ids.effective)
                try saved.write(ids.saved)
                return 0
            }
        }
    }

    /// getgroups(size, list): with size 0 only the count; EINVAL if the list is too small.
    static func getgroups(_ size: Int32, _ list: UserPointer<UInt32>) throws(Errno) -> Int64 {
        let groups = Scheduler.current.credentials.groups
        guard size >= 0 else { throw .EINVAL }
        if size == 0 { return Int64(groups.count) }
        guard Int(size) >= groups.count else { throw .EINVAL }
        try list.write(groups)
        return Int64(groups.count)
    }

    /// setgroups(size, list): privileged only (EPERM), at most NGROUPS_MAX (EINVAL).
    static func setgroups(_ size: Int32, _ list: UserPointer<UInt32>) throws(Errno) -> Int64 {
        let task = Scheduler.current
        guard task.credentials.isPrivileged else { throw .EPERM }
        guard size >= 0, Int(size) <= Credentials.maximumGroups else { throw .EINVAL }
        try task.credentials.setGroups(try list.read(count: Int(size)))
        return 0
    }
}
