import ABI
import Core
import Lib

/// User and group IDs (Linux: kernel/sys.c, kernel/groups.c). The rules
/// live in lib/cred/Credentials.swift and are the same for both kinds of
/// ID, so each call is made for users and for groups by one function. IDs
/// are 32-bit: the upper half of the register is ignored, so -1 is 0xffffffff.
enum CredentialsSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.getuid, { _ throws(Errno) in Int64(Scheduler.current.credentials.uid.real) }),
        (.geteuid, { _ throws(Errno) in Int64(Scheduler.current.credentials.uid.effective) }),
        (.getgid, { _ throws(Errno) in Int64(Scheduler.current.credentials.gid.real) }),
        (.getegid, { _ throws(Errno) in Int64(Scheduler.current.credentials.gid.effective) }),
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
        (.getgroups, getgroups),
        (.setgroups, setgroups),
    ]

    enum Kind { case user, group }

    private static func id(_ argument: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: argument) }

    /// Applies `rule` to a copy of the caller's IDs of `kind` and installs
    /// the copy only if the rule allowed it (Linux: prepare_creds,
    /// commit_creds). Privilege is judged on the old credentials, as in Linux.
    private static func update(_ kind: Kind, _ rule: (inout IDSet, Bool) throws(Errno) -> Int64) throws(Errno) -> Int64 {
        let task = Scheduler.current
        var ids = kind == .user ? task.credentials.uid : task.credentials.gid
        let result = try rule(&ids, task.credentials.isPrivileged)
        if kind == .user { task.credentials.uid = ids } else { task.credentials.gid = ids }
        return result
    }

    /// setuid/setgid.
    private static func setID(_ kind: Kind) -> SyscallHandler {
        { arguments throws(Errno) in
            try update(kind) { (ids, privileged) throws(Errno) in
                try ids.set(id(arguments.a0), privileged: privileged)
                return 0
            }
        }
    }

    /// setreuid/setregid.
    private static func setRealEffective(_ kind: Kind) -> SyscallHandler {
        { arguments throws(Errno) in
            try update(kind) { (ids, privileged) throws(Errno) in
                try ids.setRealEffective(id(arguments.a0), id(arguments.a1), privileged: privileged)
                return 0
            }
        }
    }

    /// setresuid/setresgid.
    private static func setRealEffectiveSaved(_ kind: Kind) -> SyscallHandler {
        { arguments throws(Errno) in
            try update(kind) { (ids, privileged) throws(Errno) in
                try ids.setRealEffectiveSaved(id(arguments.a0), id(arguments.a1), id(arguments.a2), privileged: privileged)
                return 0
            }
        }
    }

    /// setfsuid/setfsgid: returns the previous filesystem ID, never fails.
    private static func setFilesystemID(_ kind: Kind) -> SyscallHandler {
        { arguments throws(Errno) in
            try update(kind) { (ids, privileged) throws(Errno) in
                Int64(ids.setFilesystem(id(arguments.a0), privileged: privileged))
            }
        }
    }

    /// getresuid/getresgid: real, effective and saved, each to its own pointer.
    private static func getRealEffectiveSaved(_ kind: Kind) -> SyscallHandler {
        { arguments throws(Errno) in
            try update(kind) { (ids, _) throws(Errno) in
                try UserAccess.putUser(ids.real, at: arguments.a0)
                try UserAccess.putUser(ids.effective, at: arguments.a1)
                try UserAccess.putUser(ids.saved, at: arguments.a2)
                return 0
            }
        }
    }

    /// getgroups(size, list): with size 0 only the count; EINVAL if the list is too small.
    static func getgroups(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let size = Int32(truncatingIfNeeded: arguments.a0)
        let groups = Scheduler.current.credentials.groups
        guard size >= 0 else { throw .EINVAL }
        if size == 0 { return Int64(groups.count) }
        guard Int(size) >= groups.count else { throw .EINVAL }
        var bytes = [UInt8](repeating: 0, count: groups.count * 4)
        for (index, group) in groups.enumerated() { bytes.storeLittleEndian(group, at: index * 4) }
        try UserAccess.copyToUser(arguments.a1, bytes)
        return Int64(groups.count)
    }

    /// setgroups(size, list): privileged only (EPERM), at most NGROUPS_MAX (EINVAL).
    static func setgroups(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let task = Scheduler.current
        let size = Int32(truncatingIfNeeded: arguments.a0)
        guard task.credentials.isPrivileged else { throw .EPERM }
        guard size >= 0, Int(size) <= Credentials.maximumGroups else { throw .EINVAL }
        let bytes = try UserAccess.copyFromUser(arguments.a1, count: Int(size) * 4)
        try task.credentials.setGroups((0..<Int(size)).map { bytes.loadLittleEndian(UInt32.self, at: $0 * 4) })
        return 0
    }
}
