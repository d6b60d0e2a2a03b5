import ABI
import Core
import Lib

/// futex and the thread calls that hand the kernel futex addresses
/// (Linux: kernel/futex/syscalls.c, kernel/fork.c set_tid_address).
enum FutexSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.futex, futex),  // partial: WAIT, WAKE, their BITSET forms, REQUEUE, CMP_REQUEUE; no WAKE_OP or priority inheritance
        (.set_tid_address, setTidAddress),
        (.set_robust_list, setRobustList),
        (.get_robust_list, getRobustList),
    ]

    /// futex(uaddr, op, val, timeout or val2, uaddr2, val3).
    static func futex(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let operation = Int32(truncatingIfNeeded: arguments.a1)
        let command = FutexCommand(rawValue: operation & FutexCommand.FUTEX_CMD_MASK)
        let realtime = operation & FutexCommand.FUTEX_CLOCK_REALTIME != 0
        // FUTEX_CLOCK_REALTIME only goes with the absolute-timeout waits.
        if realtime && command != .FUTEX_WAIT_BITSET && command != .FUTEX_WAIT_REQUEUE_PI && command != .FUTEX_LOCK_PI2 {
            throw .ENOSYS
        }
        guard let space = Scheduler.current.mm else { throw .EFAULT }
        let address = arguments.a0
        let value = UInt32(truncatingIfNeeded: arguments.a2)
        let bitset = UInt32(truncatingIfNeeded: arguments.a5)
        let shared = operation & FutexCommand.FUTEX_PRIVATE_FLAG == 0
        switch command {
        case .FUTEX_WAIT:
            let deadline = try timeout(arguments.a3) { TimeUnits.saturatingSum(Timekeeping.monotonic, $0) }
            try Futex.wait(space: space, address: address, shared: shared, expected: value, bitset: FutexCommand.FUTEX_BITSET_MATCH_ANY,
                           deadline: deadline)
            return 0
        case .FUTEX_WAIT_BITSET:
            guard bitset != 0 else { throw .EINVAL }
            let deadline = try timeout(arguments.a3) { realtime ? Timekeeping.monotonic(fromRealtime: $0) : $0 }
            try Futex.wait(space: space, address: address, shared: shared, expected: value, bitset: bitset, deadline: deadline)
            return 0
        case .FUTEX_WAKE:
            _ = try Futex.key(space, address, shared: shared)
            return Int64(Futex.wake(space: space, address: address, shared: shared, count: Int(Int32(bitPattern: value))))
        case .FUTEX_WAKE_BITSET:
            guard bitset != 0 else { throw .EINVAL }
            _ = try Futex.key(space, address, shared: shared)
            return Int64(Futex.wake(space: space, address: address, shared: shared, count: Int(Int32(bitPattern: value)), bitset: bitset))
        case .FUTEX_REQUEUE, .FUTEX_CMP_REQUEUE:
            // The fourth argument is a count here, not a timeout pointer.
            let wakeCount = Int32(bitPattern: value)
            let requeueCount = Int32(truncatingIfNeeded: arguments.a3)
            guard wakeCount >= 0, requeueCount >= 0 else { throw .EINVAL }
            return Int64(try Futex.requeue(space: space, from: address, to: arguments.a4, shared: shared, wakeCount: Int(wakeCount),
                                           requeueCount: Int(requeueCount),
                                           expected: command == .FUTEX_CMP_REQUEUE ? bitset : nil))
        default:
            throw .ENOSYS
        }
    }

    /// The deadline, ns on CLOCK_MONOTONIC, of a wait whose timespec is at
    /// `pointer` (none if NULL); `deadline` converts the valid timespec's
    /// nanoseconds. Negative deadlines are already past.
    private static func timeout(_ pointer: UInt64, _ deadline: (Int64) -> Int64) throws(Errno) -> UInt64? {
        guard pointer != 0 else { return nil }
        guard let nanoseconds = try UserAccess.copyFromUser(Timespec.self, at: pointer).validNanoseconds else { throw .EINVAL }
        return UInt64(max(deadline(nanoseconds), 0))
    }

    /// set_tid_address(tidptr): the word to clear and futex-wake when this
    /// thread exits (what CLONE_CHILD_CLEARTID sets at clone). Returns the TID.
    static func setTidAddress(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let task = Scheduler.current
        task.clearChildTID = arguments.a0
        return Int64(task.pid)
    }

    /// set_robust_list(head, len): records the list of robust futexes the
    /// thread holds, released at its exit; `len` must be the header's size.
    static func setRobustList(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        guard arguments.a1 == UInt64(RobustListHead.size) else { throw .EINVAL }
        Scheduler.current.robustListHead = arguments.a0
        return 0
    }

    /// get_robust_list(pid, head_ptr, len_ptr): 0 for the caller. Reading
    /// another thread's is allowed as sending it a signal would be (Linux
    /// asks ptrace_may_access, which comes with ptrace).
    static func getRobustList(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let pid = Int32(truncatingIfNeeded: arguments.a0)
        let caller = Scheduler.current
        guard let task = pid == 0 ? caller : PidAllocation.task(pid) else { throw .ESRCH }
        guard task === caller || caller.credentials.maySignal(task.credentials) else { throw .EPERM }
        try UserAccess.putUser(task.robustListHead, at: arguments.a1)
        try UserAccess.putUser(UInt64(RobustListHead.size), at: arguments.a2)
        return 0
    }
}
