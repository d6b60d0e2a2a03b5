import ABI
import Core
import Lib

/// mlock, mlock2, munlock, mlockall, munlockall (Linux: mm/mlock.c): locked
/// areas carry VM_LOCKED, their pages are faulted in at once (nothing is
/// ever swapped out here), and RLIMIT_MEMLOCK bounds how much a process
/// without CAP_IPC_LOCK may lock.
enum MlockSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.mlock, syscall(mlock)),
        (.mlock2, syscall(mlock2)),
        (.munlock, syscall(munlock)),
        (.mlockall, syscall(mlockall)),
        (.munlockall, syscall(munlockall)),
    ]

    static let MLOCK_ONFAULT: UInt32 = 1
    static let MCL_CURRENT: Int32 = 1
    static let MCL_FUTURE: Int32 = 2
    static let MCL_ONFAULT: Int32 = 4

    static func mlock(_ address: UInt64, _ length: UInt64) throws(Errno) -> Int64 {
        try lock(address, length, populating: true)
    }

    static func mlock2(_ address: UInt64, _ length: UInt64, _ flags: UInt32) throws(Errno) -> Int64 {
        guard flags & ~MLOCK_ONFAULT == 0 else { throw .EINVAL }
        return try lock(address, length, populating: flags & MLOCK_ONFAULT == 0)
    }

    static func munlock(_ address: UInt64, _ length: UInt64) throws(Errno) -> Int64 {
        guard let range = try range(address, length) else { return 0 }
        try MemorySyscalls.space().areas.setLocked(range, false)
        return 0
    }

    /// MCL_CURRENT locks every area now, MCL_FUTURE every later one; the
    /// areas of a call without MCL_CURRENT are unlocked, as in Linux
    /// (apply_mlockall_flags). ENOMEM when all that is mapped exceeds the limit.
    static func mlockall(_ flags: Int32) throws(Errno) -> Int64 {
        guard flags != 0, flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0, flags != MCL_ONFAULT else {
            throw .EINVAL
        }
        let limit = try lockLimit()
        let space = try MemorySyscalls.space()
        if flags & MCL_CURRENT != 0, let limit, space.areas.mappedBytes > limit { throw .ENOMEM }
        space.lockFuture = flags & MCL_FUTURE != 0
        let all = space.areas.map { $0.start..<$0.end }
        for area in all { try? space.areas.setLocked(area, flags & MCL_CURRENT != 0) }
        if flags & MCL_CURRENT != 0 && flags & MCL_ONFAULT == 0 {
            for area in all { space.populate(area) }
        }
        return 0
    }

    static func munlockall() throws(Errno) -> Int64 {
        let space = try MemorySyscalls.space()
        space.lockFuture = false
        for area in space.areas.map({ $0.start..<$0.end }) { try? space.areas.setLocked(area, false) }
        return 0
    }

    /// Locks the pages `address..<address+length` touch: EPERM when
    /// RLIMIT_MEMLOCK is 0 for an unprivileged caller, ENOMEM when the
    /// locked total would exceed it (pages locked already count once) or
    /// part of the range is not mapped (Linux: do_mlock).
    private static func lock(_ address: UInt64, _ length: UInt64, populating: Bool) throws(Errno) -> Int64 {
        let limit = try lockLimit()
        guard let range = try range(address, length) else { return 0 }
        let space = try MemorySyscalls.space()
        if let limit {
            let total = space.areas.lockedBytes()
            let already = space.areas.lockedBytes(in: range)
            guard total - already + UInt64(range.count) <= limit else { throw .ENOMEM }
        }
        try space.areas.setLocked(range, true)
        if populating { space.populate(range) }
        return 0
    }

    /// The caller's RLIMIT_MEMLOCK in bytes, nil when it may lock without
    /// limit (CAP_IPC_LOCK, or RLIM_INFINITY); EPERM when it may lock
    /// nothing (Linux: can_do_mlock).
    private static func lockLimit() throws(Errno) -> UInt64? {
        let task = Scheduler.current
        if task.credentials.isPrivileged { return nil }
        let limit = task.group.limits.current(.RLIMIT_MEMLOCK)
        guard limit != 0 else { throw .EPERM }
        return limit == Rlimit.RLIM_INFINITY ? nil : limit & ~(MemoryLayout64.pageSize - 1)
    }

    /// The whole pages of a range, the start rounded down (Linux: mlock
    /// does not ask for alignment); nil for an empty one.
    private static func range(_ address: UInt64, _ length: UInt64) throws(Errno) -> Range<UInt64>? {
        let start = address & ~(MemoryLayout64.pageSize - 1)
        let (total, overflow) = length.addingReportingOverflow(address - start)
        guard !overflow else { throw .EINVAL }
        let pages = try MemorySyscalls.pages(start, total, wrapping: .EINVAL, beyondUser: .ENOMEM)
        return pages.isEmpty ? nil : pages.range
    }
}
