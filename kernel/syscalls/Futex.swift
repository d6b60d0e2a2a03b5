import ABI
import Core
import Lib

/// futex and the thread calls that hand the kernel futex addresses
/// (Linux: kernel/futex/syscalls.c, kernel/fork.c set_tid_address).
enum FutexSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.futex, syscall(futex)),  // partial: no FUTEX_WAKE_OP
        (.set_tid_address, syscall(setTidAddress)),
        (.set_robust_list, syscall(setRobustList)),
        (.get_robust_list, syscall(getRobustList)),
    ]

    /// futex(uaddr, op, val, timeout or val2, uaddr2, val3).
    static func futex(
        _ word: UserPointer<UInt32>, _ operation: Int32, _ value: UInt32, _ timeoutOrCount: UInt64,
        _ word2: UserPointer<UInt32>, _ bitset: UInt32
    ) throws(Errno) -> Int64 {
        let command = FutexCommand(rawValue: operation & FutexCommand.FUTEX_CMD_MASK)
        let realtime = operation & FutexCommand.FUTEX_CLOCK_REALTIME != 0
        // FUTEX_CLOCK_REALTIME only goes with the absolute-timeout waits.
        if realtime && command != .FUTEX_WAIT_BITSET && command != .FUTEX_WAIT_REQUEUE_PI && command != .FUTEX_LOCK_PI2
        {
            throw .ENOSYS
        }
        guard let space = Scheduler.current.mm else { throw .EFAULT }
        let address = word.address
        let timeout = UserPointer<Timespec>(address: timeoutOrCount)
        let shared = operation & FutexCommand.FUTEX_PRIVATE_FLAG == 0
        switch command {
        case .FUTEX_WAIT:
            let deadline = try deadline(timeout) { TimeUnits.saturatingSum(Timekeeping.monotonic, $0) }
            try Futex.wait(
                space: space, word: word, shared: shared, expected: value,
                bitset: FutexCommand.FUTEX_BITSET_MATCH_ANY, deadline: deadline)
            return 0
        case .FUTEX_WAIT_BITSET:
            guard bitset != 0 else { throw .EINVAL }
            let deadline = try deadline(timeout) { realtime ? Timekeeping.monotonic(fromRealtime: $0) : $0 }
            try Futex.wait(
                space: space, word: word, shared: shared, expected: value, bitset: bitset, deadline: deadline)
            return 0
        case .FUTEX_WAKE:
            guard !Futex.hasPIWaiters(try Futex.key(space, address, shared: shared)) else { throw .EINVAL }
            return Int64(
                Futex.wake(space: space, address: address, shared: shared, count: Int(Int32(bitPattern: value))))
        case .FUTEX_WAKE_BITSET:
            guard bitset != 0 else { throw .EINVAL }
            guard !Futex.hasPIWaiters(try Futex.key(space, address, shared: shared)) else { throw .EINVAL }
            return Int64(
                Futex.wake(
                    space: space, address: address, shared: shared, count: Int(Int32(bitPattern: value)), bitset: bitset
                ))
        case .FUTEX_REQUEUE, .FUTEX_CMP_REQUEUE:
            // The fourth argument is a count here, not a timeout pointer.
            let wakeCount = Int32(bitPattern: value)
            let requeueCount = Int32(truncatingIfNeeded: timeoutOrCount)
            guard wakeCount >= 0, requeueCount >= 0 else { throw .EINVAL }
            return Int64(
                try Futex.requeue(
                    space: space, from: word, to: word2, shared: shared, wakeCount: Int(wakeCount),
                    requeueCount: Int(requeueCount),
                    expected: command == .FUTEX_CMP_REQUEUE ? bitset : nil))
        case .FUTEX_LOCK_PI, .FUTEX_LOCK_PI2:
            // An absolute timeout: FUTEX_LOCK_PI's on CLOCK_REALTIME, LOCK_PI2's on CLOCK_MONOTONIC unless told.
            let onRealtime = realtime || command == .FUTEX_LOCK_PI
            let deadline = try deadline(timeout) { onRealtime ? Timekeeping.monotonic(fromRealtime: $0) : $0 }
            try Futex.lockPI(space: space, word: word, shared: shared, deadline: deadline, tryLock: false)
            return 0
        case .FUTEX_TRYLOCK_PI:
            try Futex.lockPI(space: space, word: word, shared: shared, deadline: nil, tryLock: true)
            return 0
        case .FUTEX_UNLOCK_PI:
            try Futex.unlockPI(space: space, word: word, shared: shared)
            return 0
        case .FUTEX_WAIT_REQUEUE_PI:
            let deadline = try deadline(timeout) { realtime ? Timekeeping.monotonic(fromRealtime: $0) : $0 }
            try Futex.waitRequeuePI(
                space: space, word: word, target: word2, shared: shared, expected: value, deadline: deadline)
            return 0
        case .FUTEX_CMP_REQUEUE_PI:
            // Exactly one waiter may be woken: the one that takes the lock (Linux: nr_wake != 1 is EINVAL).
            let requeueCount = Int32(truncatingIfNeeded: timeoutOrCount)
            guard value == 1, requeueCount >= 0 else { throw .EINVAL }
            return Int64(
                try Futex.requeuePI(
                    space: space, from: word, to: word2, shared: shared, requeueCount: Int(requeueCount),
                    expected: bitset))
        default:
            throw .ENOSYS
        }
    }

    /// The deadline, ns on CLOCK_MONOTONIC, of a wait whose timespec is at
    /// `timeout` (none if NULL); `deadline` converts the valid timespec's
    /// nanoseconds. Negative deadlines are already past.
    private static func deadline(_ timeout: UserPointer<Timespec>, _ deadline: (Int64) -> Int64) throws(Errno)
        -> UInt64?
    {
        guard !timeout.isNull else { return nil }
        guard let nanoseconds = try timeout.read().validNanoseconds else { throw .EINVAL }
        return UInt64(max(deadline(nanoseconds), 0))
    }

    /// set_tid_address(tidptr): the word to clear and futex-wake when this
    /// thread exits (what CLONE_CHILD_CLEARTID sets at clone). Returns the TID.
    static func setTidAddress(_ tid: UserPointer<Int32>) throws(Errno) -> Int64 {
        let task = Scheduler.current
        task.clearChildTID = tid
        return Int64(task.pid)
    }

    /// set_robust_list(head, len): records the list of robust futexes the
    /// thread holds, released at its exit; `len` must be the header's size.
    static func setRobustList(_ head: UserPointer<RobustListHead>, _ length: UInt64) throws(Errno) -> Int64 {
        guard length == UInt64(MemoryLayout<RobustListHead>.size) else { throw .EINVAL }
        Scheduler.current.robustListHead = head
        return 0
    }

    /// get_robust_list(pid, head_ptr, len_ptr): 0 for the caller. Reading
    /// another thread's is allowed as sending it a signal would be (Linux
    /// asks ptrace_may_access, which comes with ptrace).
    static func getRobustList(
        _ pid: Int32, _ head: UserPointer<UInt64>,
        _ length: UserPointer<UInt64>
    ) throws(Errno) -> Int64 {
        let caller = Scheduler.current
        guard let task = pid == 0 ? caller : PidAllocation.task(pid) else { throw .ESRCH }
        guard task === caller || caller.credentials.maySignal(task.credentials) else { throw .EPERM }
        try head.write(task.robustListHead.address)
        try length.write(UInt64(MemoryLayout<RobustListHead>.size))
        return 0
    }
}
