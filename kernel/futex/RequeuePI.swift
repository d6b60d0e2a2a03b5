import ABI
import Core
import Lib

/// A FUTEX_WAIT_REQUEUE_PI sleeper: first on a plain futex (a condition
/// variable's), then, after FUTEX_CMP_REQUEUE_PI, either the owner of the
/// PI futex or a waiter on its rt-mutex (Linux: the futex_q with its
/// rt_waiter and requeue_state).
final class RequeuePIWait {
    let queued: FutexWaiter<Task>
    let lockWaiter: RTMutexWaiter<Task>
    /// Where it was moved: the PI futex's state, if it waits on its rt-mutex.
    var state: PIState? = nil
    /// The requeue made it the owner of the PI futex outright.
    var acquired = false
    /// The requeue failed for it (EDEADLK): the wait ends with this error.
    var error: Errno? = nil

    init(queued: FutexWaiter<Task>) {
        self.queued = queued
        lockWaiter = RTMutexWaiter(task: queued.owner)
    }

    /// Nothing more to wait for: the lock, or an error.
    var isFinished: Bool { acquired || lockWaiter.isGranted || error != nil }
}

/// The PI flavour of requeueing (Linux: kernel/futex/requeue.c): a
/// condition variable whose mutex is a PI futex moves its waiters straight
/// onto that mutex, where they lend the owner their priority, instead of
/// waking them to fight for it.
extension Futex {
    /// FUTEX_WAIT_REQUEUE_PI (Linux: futex_wait_requeue_pi): sleeps on
    /// `word` if it holds `expected` (else EAGAIN), and returns owning the
    /// PI futex at `target` once a FUTEX_CMP_REQUEUE_PI moved it there and
    /// the lock came to it. EINVAL if both words are one futex. A timeout
    /// (deadline in ns on CLOCK_MONOTONIC) is ETIMEDOUT; a signal before
    /// the requeue restarts the call, one after it is EAGAIN, as in Linux.
    static func waitRequeuePI(
        space: AddressSpace, word: UserPointer<UInt32>, target: UserPointer<UInt32>, shared: Bool,
        expected: UInt32, deadline: UInt64?
    ) throws(Errno) {
        let task = Scheduler.current
        let from = try key(space, word.address, shared: shared)
        let to = try key(space, target.address, shared: shared)
        guard from != to else { throw .EINVAL }
        let wait = RequeuePIWait(
            queued: FutexWaiter(
                owner: task, key: from, bitset: FutexCommand.FUTEX_BITSET_MATCH_ANY, requeuePITarget: to))
        try waiters.withLock { table throws(Errno) in
            guard try word.read() == expected else { throw .EAGAIN }
            pi.withLock { $0.requeueWaits.append(wait) }
            table.enqueue(wait.queued)
        }
        let outcome = HRTimers.sleepInterruptible(until: deadline) { wait.isFinished }
        try waiters.withLock { table throws(Errno) in
            let stillQueued = table.remove(wait.queued)
            try pi.withLock { pi throws(Errno) in
                pi.requeueWaits.removeAll { $0 === wait }
                if let error = wait.error { throw error }
                if stillQueued {
                    // Woken before any requeue (Linux: handle_early_requeue_pi_wakeup).
                    throw outcome == .timedOut ? .ETIMEDOUT : .ERESTARTNOINTR
                }
                guard let state = wait.state else { return }  // acquired outright
                if !wait.lockWaiter.isGranted {
                    state.mutex.remove(wait.lockWaiter, setPriority: RTMutexes.setPriority)
                    pi.detachIfUnused(state)
                    // Restarting would find the condition's word changed: Linux answers EWOULDBLOCK.
                    throw outcome == .timedOut ? .ETIMEDOUT : .EAGAIN
                }
                tookOver(state, word: target, tid: UInt32(bitPattern: task.pid), in: &pi)
            }
        }
    }

    /// FUTEX_CMP_REQUEUE_PI (Linux: futex_requeue with requeue_pi): if
    /// `source` still holds `expected` (else EAGAIN), the first waiter takes
    /// the PI futex at `target` if it is free and is woken; then up to
    /// `requeueCount` waiters, plus the first if the lock was held, move
    /// onto its rt-mutex (Linux counts the first against nr_wake). Every waiter on `source` must have asked for
    /// `target` (EINVAL). Returns how many were woken or moved.
    static func requeuePI(
        space: AddressSpace, from source: UserPointer<UInt32>, to target: UserPointer<UInt32>, shared: Bool,
        requeueCount: Int, expected: UInt32
    ) throws(Errno) -> Int {
        let from = try key(space, source.address, shared: shared)
        let to = try key(space, target.address, shared: shared)
        guard from != to else { throw .EINVAL }
        var woken: [Task] = []
        let count = try waiters.withLock { table throws(Errno) -> Int in
            guard try source.read() == expected else { throw .EAGAIN }
            return try pi.withLock { pi throws(Errno) -> Int in
                var candidates = try table.requeuePICandidates(from: from, to: to, count: requeueCount + 1)
                guard let first = candidates.first, let top = pi.requeueWaits.first(where: { $0.queued === first })
                else { return 0 }
                var moved = 0
                // Linux: futex_proxy_trylock_atomic, the top waiter takes a free lock.
                let value = try target.read()
                let topTID = UInt32(bitPattern: top.queued.owner.pid)
                guard value & FutexWord.FUTEX_TID_MASK != topTID else { throw .EDEADLK }
                if value & FutexWord.FUTEX_TID_MASK == 0 && pi.state(to) == nil {
                    try target.write(value & FutexWord.FUTEX_OWNER_DIED | FutexWord.FUTEX_WAITERS | topTID)
                    table.remove(first)
                    top.acquired = true
                    woken.append(top.queued.owner)
                    moved = 1
                    candidates.removeFirst()
                }
                guard !candidates.isEmpty else { return moved }
                let state = try attach(to, word: target, value: try target.read(), in: &pi)
                for queued in candidates {
                    guard let wait = pi.requeueWaits.first(where: { $0.queued === queued }) else { continue }
                    table.remove(queued)
                    moved += 1
                    do throws(Errno) {
                        try state.mutex.block(wait.lockWaiter, setPriority: RTMutexes.setPriority)
                        wait.state = state
                        if wait.lockWaiter.isGranted { woken.append(queued.owner) }
                    } catch {
                        wait.error = error
                        woken.append(queued.owner)
                    }
                }
                pi.detachIfUnused(state)
                return moved
            }
        }
        for task in woken { Scheduler.wakeUp(task) }
        return count
    }
}
