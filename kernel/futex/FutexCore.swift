import ABI
import Core
import Lib

/// Fast user-space locking (Linux: kernel/futex/). User space takes and
/// releases locks with atomic instructions on a 32-bit word and enters the
/// kernel only to sleep until the word changes (FUTEX_WAIT) or to wake
/// sleepers (FUTEX_WAKE). Sleepers are keyed by (address space, address),
/// or, for a futex that is not FUTEX_PRIVATE in a MAP_SHARED area, by
/// (mapped object, offset), so processes sharing the memory meet.
enum Futex {
    /// One lock for the table; the value check and the queueing of a
    /// waiter happen under it, so a waker that changed the word before
    /// taking the lock either made the waiter see the change or finds it queued.
    static let waiters = IRQSafeLocked(FutexTable<Task>(bucketCount: 0))

    /// Allocates the hash table at boot (Linux: futex_init, 256 buckets per CPU).
    static func initialize() {
        let buckets = FutexTable<Task>(bucketCount: 256)
        waiters.withLock { $0 = buckets }
    }

    /// The key of the word at `address`, which must be 4-byte aligned (EINVAL).
    /// `shared` unless the caller said FUTEX_PRIVATE_FLAG (Linux: get_futex_key).
    static func key(_ space: AddressSpace, _ address: UInt64, shared: Bool) throws(Errno) -> FutexKey {
        guard address % 4 == 0 else { throw .EINVAL }
        if shared, let area = space.areas.vma(containing: address), area.flags.contains(.shared),
            let backing = area.backing
        {
            let offset = area.filePage(at: address) * MemoryLayout64.pageSize + address % MemoryLayout64.pageSize
            return FutexKey(space: backing.objectIdentity, address: offset, isShared: true)
        }
        return FutexKey(space: space.id, address: address)
    }

    /// FUTEX_WAIT and FUTEX_WAIT_BITSET (Linux: futex_wait): sleep if the
    /// word still holds `expected` (else EAGAIN), until a matching wake
    /// (returns), the deadline in ns since boot (ETIMEDOUT) or a
    /// signal (EINTR, or a restart without a deadline). EFAULT if the word cannot be read.
    static func wait(
        space: AddressSpace, word: UserPointer<UInt32>, shared: Bool, expected: UInt32, bitset: UInt32,
        deadline: UInt64?
    ) throws(Errno) {
        let waiter = FutexWaiter(
            owner: Scheduler.current, key: try key(space, word.address, shared: shared), bitset: bitset)
        try waiters.withLock { table throws(Errno) in
            guard try word.read() == expected else { throw .EAGAIN }
            table.enqueue(waiter)
        }
        let outcome = HRTimers.sleepInterruptible(until: deadline) { waiter.isWoken }
        if outcome == .woken { return }
        // Not woken yet: leave the queue — unless a waker took us meanwhile, which counts as woken.
        guard waiters.withLock({ $0.remove(waiter) }) else { return }
        // Without a deadline an interrupted wait restarts as Linux's does (ERESTARTSYS).
        throw outcome == .timedOut ? .ETIMEDOUT : (deadline == nil ? .ERESTARTSYS : .EINTR)
    }

    /// FUTEX_WAKE and FUTEX_WAKE_BITSET (Linux: futex_wake): wakes up to
    /// `count` waiters (at least one) and returns how many it woke.
    @discardableResult
    static func wake(
        space: AddressSpace, address: UInt64, shared: Bool, count: Int,
        bitset: UInt32 = FutexCommand.FUTEX_BITSET_MATCH_ANY
    ) -> Int {
        guard let key = try? key(space, address, shared: shared) else { return 0 }
        let woken = waiters.withLock { $0.wake(key, count: count, bitset: bitset) }
        for waiter in woken { Scheduler.wakeUp(waiter.owner) }
        return woken.count
    }

    /// FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (Linux: futex_requeue): wakes
    /// up to `wakeCount` waiters on the first word and moves up to
    /// `requeueCount` others to the second; with `expected`, only if the
    /// first word still holds it (EAGAIN). Returns woken plus moved.
    static func requeue(
        space: AddressSpace, from source: UserPointer<UInt32>, to target: UserPointer<UInt32>, shared: Bool,
        wakeCount: Int, requeueCount: Int, expected: UInt32?
    ) throws(Errno) -> Int {
        let from = try key(space, source.address, shared: shared)
        let to = try key(space, target.address, shared: shared)
        let result = try waiters.withLock { table throws(Errno) -> (woken: [FutexWaiter<Task>], requeued: Int) in
            if let expected, try source.read() != expected { throw .EAGAIN }
            guard !table.hasRequeuePIWaiter(on: from) else { throw .EINVAL }
            return table.requeue(from: from, to: to, wakeCount: wakeCount, requeueCount: requeueCount)
        }
        for waiter in result.woken { Scheduler.wakeUp(waiter.owner) }
        return result.woken.count + result.requeued
    }

    /// Whether the futex at `key` has waiters that a wake may not reach:
    /// those of a PI futex, which wait for the lock, and FUTEX_WAIT_REQUEUE_PI
    /// sleepers, which wait for a requeue (Linux: futex_wake's EINVAL).
    static func hasPIWaiters(_ key: FutexKey) -> Bool {
        waiters.withLock { $0.hasRequeuePIWaiter(on: key) } || hasPIState(key)
    }

    /// Releases the robust futexes a dying thread still holds (Linux:
    /// exit_robust_list, handle_futex_death): each lock word that names the
    /// thread as owner gets FUTEX_OWNER_DIED, and a waiter is woken, so a
    /// robust mutex's next locker learns its owner died. The list lives in
    /// user memory and may be corrupt: it is followed at most
    /// ROBUST_LIST_LIMIT steps, and any fault ends the walk.
    static func releaseRobustList(of task: Task) {
        let list = task.robustListHead
        task.robustListHead = .null
        let headAddress = list.address
        guard !list.isNull, let space = task.mm, let head = try? list.read() else { return }
        // The low bit of each link marks a priority-inheritance futex.
        let pending = head.list_op_pending & ~1
        var link = head.list.next
        var steps = 0
        while link & ~1 != headAddress && link & ~1 != 0 && steps < FutexWord.ROBUST_LIST_LIMIT {
            let entry = link & ~1
            guard let next = try? UserPointer<UInt64>(address: entry).read() else { return }
            if entry != pending {
                releaseFutexOnDeath(
                    space, entry &+ UInt64(bitPattern: head.futex_offset), owner: task.pid, isPending: false,
                    isPI: link & 1 != 0)
            }
            link = next
            steps += 1
        }
        if pending != 0 {
            releaseFutexOnDeath(
                space, pending &+ UInt64(bitPattern: head.futex_offset), owner: task.pid, isPending: true,
                isPI: head.list_op_pending & 1 != 0)
        }
    }

    /// Marks one robust futex's word (Linux: handle_futex_death). A PI
    /// futex's waiters are not woken here: the rt-mutex passes to one of
    /// them in `releasePIStates`.
    private static func releaseFutexOnDeath(
        _ space: AddressSpace, _ address: UInt64, owner: Int32, isPending: Bool, isPI: Bool
    ) {
        guard address % 4 == 0 else { return }
        let mustWake = waiters.withLock { _ -> Bool in
            let word = UserPointer<UInt32>(address: address)
            guard let value = try? word.read() else { return false }
            let holder = value & FutexWord.FUTEX_TID_MASK
            // An unlock that was cut short: the lock is free but a waiter may not have been woken.
            if isPending && holder == 0 { return !isPI }
            guard holder == UInt32(bitPattern: owner) else { return false }
            // User space cannot run while this CPU holds the lock with interrupts off: the update is atomic.
            try? word.write((value & FutexWord.FUTEX_WAITERS) | FutexWord.FUTEX_OWNER_DIED)
            return !isPI && value & FutexWord.FUTEX_WAITERS != 0
        }
        if mustWake { wake(space: space, address: address, shared: true, count: 1) }
    }
}
