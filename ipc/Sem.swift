import ABI
import Core
import Lib

/// One System V semaphore set (Linux: struct sem_array in ipc/sem.c). Its
/// fields change under `SemSyscalls.ids`'s lock.
final class SemaphoreSet: IPCObject {
    var permission: IPCPermission
    var values: [Int32]
    /// sempid: who operated on each semaphore last.
    var pids: [Int32]
    var operationTime: Int64 = 0
    var changeTime: Int64
    /// Set by IPC_RMID: sleepers leave with EIDRM, undo records are dropped.
    var isRemoved = false
    /// Sleeping semops, for GETNCNT and GETZCNT (Linux: the pending lists).
    var sleepers: [SemaphoreSleeper] = []
    /// The undo records of processes that used SEM_UNDO on this set, which
    /// SETVAL and SETALL reset (Linux: sem_array's list_id).
    var undoRecords: [SemaphoreUndo] = []
    /// Every sleeper waits here and tries again after any change.
    let waiters = WaitQueue()

    init(_ permission: IPCPermission, count: Int) {
        self.permission = permission
        values = Array(repeating: 0, count: count)
        pids = Array(repeating: 0, count: count)
        changeTime = IPC.now
    }

    var status: SemidDs {
        var status = SemidDs()
        status.sem_perm = permission.userView
        status.sem_otime = operationTime
        status.sem_ctime = changeTime
        status.sem_nsems = UInt64(values.count)
        return status
    }

    /// GETNCNT and GETZCNT: sleepers whose blocking operation waits on
    /// `semaphore` to grow, or to be zero (Linux: count_semcnt).
    func sleeperCount(_ semaphore: Int, forZero: Bool) -> Int {
        sleepers.count { $0.semaphore == semaphore && $0.forZero == forZero }
    }
}

/// A semop asleep on a set, and the operation it waits for.
final class SemaphoreSleeper {
    var semaphore = 0
    var forZero = false
}

/// semget, semop, semtimedop and semctl (Linux: ipc/sem.c). SEM_UNDO's
/// records are SemUndo.swift.
enum SemSyscalls {
    static let ids = SpinLocked(IPCIds<SemaphoreSet>())

    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.semget, syscall(semget)),
        (.semop, syscall(semop)),
        (.semtimedop, syscall(semtimedop)),
        (.semctl, syscall(semctl)),
    ]

    /// semget(key, nsems, semflg) (Linux: ksys_semget, newary): EINVAL for
    /// nsems beyond SEMMSL, for 0 when a set is made, or above an existing
    /// set's size; ENOSPC past SEMMNI sets or SEMMNS semaphores.
    static func semget(_ key: Int32, _ count: Int32, _ flags: IPCFlags) throws(Errno) -> Int64 {
        let limits = IPC.currentLimits
        guard count >= 0, Int64(count) <= limits.semmsl else { throw .EINVAL }
        let credentials = IPC.credentials
        return Int64(
            try ids.withLock { ids throws(Errno) -> Int32 in
                let existing = try ids.resolve(key: key, flags: flags, credentials: credentials) {
                    (set: SemaphoreSet) throws(Errno) in
                    if Int(count) > set.values.count { throw .EINVAL }
                }
                if let existing { return existing }
                guard count > 0 else { throw .EINVAL }
                let used = ids.objects.reduce(0) { $0 + $1.values.count }
                guard Int64(used) + Int64(count) <= limits.semmns else { throw .ENOSPC }
                let permission = IPCPermission(key: key, mode: flags.permissions, credentials: credentials)
                return try ids.add(SemaphoreSet(permission, count: Int(count)), limit: Int(limits.semmni))
            })
    }

    static func semop(_ id: Int32, _ operations: UserPointer<Sembuf>, _ count: UInt32) throws(Errno) -> Int64 {
        try semtimedop(id, operations, count, UserPointer(address: 0))
    }

    /// semtimedop(semid, sops, nsops, timeout) (Linux: do_semtimedop): all
    /// the operations at once or none; EFBIG for a semaphore past the set,
    /// EAGAIN for IPC_NOWAIT or when the timeout runs out, EINTR for a
    /// signal (never restarted), EIDRM if the set goes meanwhile.
    static func semtimedop(
        _ id: Int32, _ operationsPointer: UserPointer<Sembuf>, _ count: UInt32, _ timeoutPointer: UserPointer<Timespec>
    ) throws(Errno) -> Int64 {
        guard id >= 0, count >= 1 else { throw .EINVAL }
        guard Int64(count) <= IPC.currentLimits.semopm else { throw .E2BIG }
        let operations = try operationsPointer.read(count: Int(count))
        let timeout = timeoutPointer.isNull ? nil : try PollSyscalls.jiffies(try timeoutPointer.read())
        let alters = operations.contains { $0.sem_op != 0 }
        let highest = operations.map { Int($0.sem_num) }.max() ?? 0
        let credentials = IPC.credentials
        let set = try ids.withLock { ids throws(Errno) -> SemaphoreSet in
            let set = try ids.lookup(id)
            guard highest < set.values.count else { throw .EFBIG }
            guard set.permission.allows(alters ? 0o222 : 0o444, credentials) else { throw .EACCES }
            return set
        }
        let undo =
            operations.contains { $0.sem_flg & SemFlags.SEM_UNDO != 0 }
            ? try SemaphoreUndo.record(for: set, of: Scheduler.current) : nil
        let sleeper = SemaphoreSleeper()
        var failure: Errno? = nil
        var done = false
        let satisfied: Bool
        do {
            satisfied = try set.waiters.waitInterruptible(timeout: timeout) { () -> Bool in
                ids.withLock { _ in
                    if set.isRemoved {
                        failure = .EIDRM
                        return true
                    }
                    var adjustments = undo?.adjustments ?? []
                    switch SemaphoreOperations.perform(operations, on: &set.values, adjustments: &adjustments) {
                    case .done:
                        undo?.adjustments = adjustments
                        let pid = IPC.callerPid
                        for operation in operations { set.pids[Int(operation.sem_num)] = pid }
                        set.operationTime = IPC.now
                        done = true
                    case .failed(let error):
                        failure = error
                    case .wait(let semaphore, let forZero):
                        sleeper.semaphore = semaphore
                        sleeper.forZero = forZero
                        if !set.sleepers.contains(where: { $0 === sleeper }) { set.sleepers.append(sleeper) }
                        return false
                    }
                    return true
                }
            }
        } catch {
            leave(set, sleeper)
            throw .EINTR
        }
        leave(set, sleeper)
        if !satisfied { throw .EAGAIN }
        if let failure { throw failure }
        if done && alters { set.waiters.wakeUpAll() }
        return 0
    }

    private static func leave(_ set: SemaphoreSet, _ sleeper: SemaphoreSleeper) {
        ids.withLock { _ in set.sleepers.removeAll { $0 === sleeper } }
    }

    /// semctl(semid, semnum, cmd, arg) (Linux: ksys_semctl). `argument` is
    /// union semun, passed by value: an int for SETVAL, else a pointer.
    static func semctl(_ id: Int32, _ number: Int32, _ command: Int32, _ argument: UInt64) throws(Errno) -> Int64 {
        guard id >= 0 else { throw .EINVAL }
        guard let command = IPCCommand(rawValue: command) else { throw .EINVAL }
        let credentials = IPC.credentials
        switch command {
        case .IPC_INFO, .SEM_INFO:
            let (info, result) = information(usage: command == .SEM_INFO)
            try UserPointer<Seminfo>(address: argument).write(info)
            return result
        case .IPC_STAT, .SEM_STAT, .SEM_STAT_ANY:
            let byIndex = command != .IPC_STAT
            let (status, foundId) = try ids.withLock { ids throws(Errno) -> (SemidDs, Int32) in
                let set = try ids.lookup(
                    forStatus: id, byIndex: byIndex, anyone: command == .SEM_STAT_ANY, credentials: credentials)
                return (set.status, set.permission.id)
            }
            try UserPointer<SemidDs>(address: argument).write(status)
            return byIndex ? Int64(foundId) : 0
        case .GETVAL, .GETPID, .GETNCNT, .GETZCNT:
            return try ids.withLock { ids throws(Errno) -> Int64 in
                let set = try readable(ids, id, credentials)
                guard number >= 0, Int(number) < set.values.count else { throw .EINVAL }
                let index = Int(number)
                return switch command {
                case .GETVAL: Int64(set.values[index])
                case .GETPID: Int64(set.pids[index])
                case .GETNCNT: Int64(set.sleeperCount(index, forZero: false))
                default: Int64(set.sleeperCount(index, forZero: true))
                }
            }
        case .GETALL:
            let values = try ids.withLock { ids throws(Errno) in try readable(ids, id, credentials).values }
            try UserPointer<UInt16>(address: argument).write(values.map { UInt16(truncatingIfNeeded: $0) })
            return 0
        case .SETVAL:
            let value = Int32(truncatingIfNeeded: argument)
            guard value >= 0, value <= IPCDefaults.SEMVMX else { throw .ERANGE }
            try set(id, credentials) { set throws(Errno) in
                guard number >= 0, Int(number) < set.values.count else { throw .EINVAL }
                set.values[Int(number)] = value
                set.pids[Int(number)] = IPC.callerPid
                for record in set.undoRecords { record.adjustments[Int(number)] = 0 }
            }
            return 0
        case .SETALL:
            let count = try ids.withLock { ids throws(Errno) in try ids.lookup(id).values.count }
            let values = try UserPointer<UInt16>(address: argument).read(count: count).map { Int32($0) }
            guard values.allSatisfy({ $0 <= IPCDefaults.SEMVMX }) else { throw .ERANGE }
            try set(id, credentials) { set throws(Errno) in
                // Linux: ipc_valid_object after the copy: the set may have gone and another come.
                guard set.values.count == values.count else { throw .EIDRM }
                set.values = values
                set.pids = Array(repeating: IPC.callerPid, count: values.count)
                for record in set.undoRecords { record.adjustments = Array(repeating: 0, count: values.count) }
            }
            return 0
        case .IPC_SET:
            let wanted = try UserPointer<SemidDs>(address: argument).read()
            try ids.withLock { ids throws(Errno) in
                let set = try ids.lookup(id, changedBy: credentials)
                set.permission.update(from: wanted.sem_perm)
                set.changeTime = IPC.now
            }
            return 0
        case .IPC_RMID:
            let set = try ids.withLock { ids throws(Errno) -> SemaphoreSet in
                let set = try ids.lookup(id, changedBy: credentials)
                ids.remove(set)
                set.isRemoved = true
                set.undoRecords.removeAll()
                return set
            }
            set.waiters.wakeUpAll()
            return 0
        }
    }

    private static func readable(_ ids: IPCIds<SemaphoreSet>, _ id: Int32, _ credentials: Credentials) throws(Errno)
        -> SemaphoreSet
    {
        let set = try ids.lookup(id)
        guard set.permission.allows(0o444, credentials) else { throw .EACCES }
        return set
    }

    /// SETVAL and SETALL: `change` on a set the caller may write, then the
    /// sleepers try again.
    private static func set(
        _ id: Int32, _ credentials: Credentials, _ change: (SemaphoreSet) throws(Errno) -> Void
    ) throws(Errno) {
        let set = try ids.withLock { ids throws(Errno) -> SemaphoreSet in
            let set = try ids.lookup(id)
            guard set.permission.allows(0o222, credentials) else { throw .EACCES }
            try change(set)
            set.changeTime = IPC.now
            return set
        }
        set.waiters.wakeUpAll()
    }

    /// IPC_INFO's limits, or SEM_INFO's usage: sets in semusz, semaphores
    /// in semaem (Linux: semctl_info).
    private static func information(usage: Bool) -> (Seminfo, Int64) {
        let limits = IPC.currentLimits
        var info = Seminfo()
        info.semmni = Int32(limits.semmni)
        info.semmns = Int32(clamping: limits.semmns)
        info.semmsl = Int32(limits.semmsl)
        info.semopm = Int32(limits.semopm)
        info.semvmx = IPCDefaults.SEMVMX
        // Linux: SEMMNU, SEMMAP and SEMUME, fixed numbers.
        info.semmnu = Int32(clamping: IPCDefaults.SEMMNS)
        info.semmap = Int32(clamping: IPCDefaults.SEMMNS)
        info.semume = Int32(IPCDefaults.SEMOPM)
        info.semusz = IPCDefaults.SEMUSZ
        info.semaem = IPCDefaults.SEMAEM
        return ids.withLock { ids in
            if usage {
                info.semusz = Int32(ids.count)
                info.semaem = Int32(clamping: ids.objects.reduce(0) { $0 + $1.values.count })
            }
            return (info, ids.infoResult)
        }
    }

    /// /proc/sysvipc/sem (Linux: sysvipc_sem_proc_show).
    static func procText() -> String {
        let rows = ids.withLock { ids in ids.objects.map { ($0.status, $0.permission.id) } }
        return rows.reduce(SysvipcProc.semaphoreHeader) { $0 + SysvipcProc.semaphoreLine($1.0, id: $1.1) }
    }
}
