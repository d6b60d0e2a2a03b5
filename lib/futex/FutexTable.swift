import ABI

/// What names a futex: the address space and the address of its 32-bit
/// word (Linux: union futex_key's `private` form, mm and address). Two
/// threads sharing an address space meet at the same key; a fork child's
/// copy of the word is a different futex.
public struct FutexKey: Hashable, Sendable {
    /// The address space (a private futex), or for a futex in shared
    /// memory the mapped object, which every process mapping it has in common.
    public let space: UInt64
    /// The address in the space, or the byte offset in the object.
    public let address: UInt64
    /// Whether `space` names a mapped object rather than an address space.
    public let isShared: Bool

    public init(space: UInt64, address: UInt64, isShared: Bool = false) {
        self.space = space
        self.address = address
        self.isShared = isShared
    }
}

/// One sleeper on a futex (Linux: struct futex_q). The waker dequeues it
/// and marks it woken before waking its task, so the sleeper can tell a
/// wakeup from a timeout or a signal.
public final class FutexWaiter<Owner: AnyObject> {
    public let owner: Owner
    public fileprivate(set) var key: FutexKey
    /// FUTEX_WAIT_BITSET's mask; a wake only reaches waiters whose mask
    /// shares a bit with its own (plain FUTEX_WAIT/WAKE use all ones).
    public let bitset: UInt32
    public fileprivate(set) var isQueued = false
    public fileprivate(set) var isWoken = false
    /// FUTEX_WAIT_REQUEUE_PI's PI futex: such a waiter leaves only through
    /// FUTEX_CMP_REQUEUE_PI to that futex, never by a wake or a plain
    /// requeue (Linux: futex_q.requeue_pi_key).
    public let requeuePITarget: FutexKey?

    public init(owner: Owner, key: FutexKey, bitset: UInt32, requeuePITarget: FutexKey? = nil) {
        self.owner = owner
        self.key = key
        self.bitset = bitset
        self.requeuePITarget = requeuePITarget
    }
}

/// The futex hash table (Linux: kernel/futex/core.c futex_queues): waiters
/// hashed by key into buckets, each bucket a FIFO list. Not locked: the
/// kernel holds one lock around every operation, and the waiter's
/// check-the-word-then-queue step happens under the same lock, which is
/// what makes FUTEX_WAIT atomic with respect to FUTEX_WAKE.
///
/// Linux orders each bucket by priority (a plist) so real-time waiters are
/// woken first; here waiters are woken strictly in arrival order.
public final class FutexTable<Owner: AnyObject> {
    private var buckets: [[FutexWaiter<Owner>]]
    public private(set) var count = 0

    /// `bucketCount` is rounded up to a power of two.
    public init(bucketCount: Int = 256) {
        var size = 1
        while size < bucketCount { size <<= 1 }
        buckets = Array(repeating: [], count: size)
    }

    /// A multiplicative hash of both key parts; the word address's low two
    /// bits are always zero and are dropped.
    func bucketIndex(_ key: FutexKey) -> Int {
        let mixed = (key.address >> 2) &* 0x9E37_79B9_7F4A_7C15 ^ key.space &* 0xC2B2_AE3D_27D4_EB4F
        return Int(truncatingIfNeeded: (mixed >> 32) & UInt64(buckets.count - 1))
    }

    /// Queues a sleeper at the end of its bucket (Linux: futex_queue).
    public func enqueue(_ waiter: FutexWaiter<Owner>) {
        precondition(!waiter.isQueued, "FutexTable: waiter queued twice")
        waiter.isQueued = true
        waiter.isWoken = false
        buckets[bucketIndex(waiter.key)].append(waiter)
        count += 1
    }

    /// Takes a sleeper off its queue after a timeout or signal (Linux:
    /// futex_unqueue). Returns false if a waker already took it: then it
    /// was woken after all.
    @discardableResult
    public func remove(_ waiter: FutexWaiter<Owner>) -> Bool {
        guard waiter.isQueued else { return false }
        let index = bucketIndex(waiter.key)
        // A new array rather than removeAll: an emptied bucket keeps no storage.
        buckets[index] = buckets[index].filter { $0 !== waiter }
        waiter.isQueued = false
        count -= 1
        return true
    }

    /// FUTEX_WAKE / FUTEX_WAKE_BITSET (Linux: futex_wake): dequeues, in
    /// arrival order, the waiters on `key` whose mask meets `bitset`, up to
    /// `count` of them — and, as in Linux, at least one even when `count`
    /// is 0 or negative. Returns them for the caller to wake.
    public func wake(_ key: FutexKey, count limit: Int, bitset: UInt32 = .max) -> [FutexWaiter<Owner>] {
        let index = bucketIndex(key)
        var woken: [FutexWaiter<Owner>] = []
        var kept: [FutexWaiter<Owner>] = []
        for waiter in buckets[index] {
            if waiter.key == key && waiter.requeuePITarget == nil && waiter.bitset & bitset != 0
                && (woken.isEmpty || woken.count < limit)
            {
                markWoken(waiter)
                woken.append(waiter)
            } else {
                kept.append(waiter)
            }
        }
        buckets[index] = kept
        return woken
    }

    /// FUTEX_REQUEUE / FUTEX_CMP_REQUEUE (Linux: futex_requeue): wakes up
    /// to `wakeCount` waiters on `source`, then moves up to `requeueCount`
    /// more to `target` without waking them (a condition variable's
    /// broadcast hands its waiters to the mutex this way, so they do not
    /// all stampede for it). Bitsets are ignored. Returns the woken
    /// waiters and how many were moved.
    public func requeue(
        from source: FutexKey, to target: FutexKey, wakeCount: Int,
        requeueCount: Int
    ) -> (woken: [FutexWaiter<Owner>], requeued: Int) {
        let index = bucketIndex(source)
        var woken: [FutexWaiter<Owner>] = []
        var moved: [FutexWaiter<Owner>] = []
        var kept: [FutexWaiter<Owner>] = []
        for waiter in buckets[index] {
            guard waiter.key == source, waiter.requeuePITarget == nil,
                woken.count + moved.count - wakeCount < requeueCount
            else {
                kept.append(waiter)
                continue
            }
            if woken.count < wakeCount {
                markWoken(waiter)
                woken.append(waiter)
            } else {
                moved.append(waiter)
            }
        }
        buckets[index] = kept
        for waiter in moved {
            waiter.key = target
            buckets[bucketIndex(target)].append(waiter)
        }
        return (woken, moved.count)
    }

    private func markWoken(_ waiter: FutexWaiter<Owner>) {
        waiter.isQueued = false
        waiter.isWoken = true
        count -= 1
    }

    /// Whether a FUTEX_WAIT_REQUEUE_PI waiter sleeps on `key`: a wake or a
    /// plain requeue of it is EINVAL, as in Linux.
    public func hasRequeuePIWaiter(on key: FutexKey) -> Bool {
        buckets[bucketIndex(key)].contains { $0.key == key && $0.requeuePITarget != nil }
    }

    /// The first `count` waiters on `source`, for FUTEX_CMP_REQUEUE_PI to
    /// move to the PI futex `target`, still queued (Linux: the loop of
    /// futex_requeue with requeue_pi). EINVAL if one of them waits for
    /// another futex, or did not ask for a requeue to a PI futex.
    public func requeuePICandidates(from source: FutexKey, to target: FutexKey, count: Int) throws(Errno)
        -> [FutexWaiter<Owner>]
    {
        var found: [FutexWaiter<Owner>] = []
        for waiter in buckets[bucketIndex(source)] where waiter.key == source && found.count < count {
            guard waiter.requeuePITarget == target else { throw .EINVAL }
            found.append(waiter)
        }
        return found
    }

    /// The waiters queued on `key`, in wake order (for tests and debugging).
    public func waiters(on key: FutexKey) -> [FutexWaiter<Owner>] {
        buckets[bucketIndex(key)].filter { $0.key == key }
    }
}
