import ABI
import Core
import Lib

/// The kernel's side of a contended priority-inheritance futex (Linux:
/// struct futex_pi_state): the rt-mutex its waiters sleep on, owned by the
/// task whose TID the word holds, attached to the futex's key while anyone
/// waits.
final class PIState {
    let key: FutexKey
    let mutex: RTMutex<Task>
    /// The mutex passed to a waiter when its owner died: the word still
    /// names the dead owner (or none) until the new owner, woken, writes
    /// its own TID (Linux: fixup_pi_state_owner).
    var ownerNeedsFixup = false

    init(key: FutexKey, owner: Task) {
        self.key = key
        mutex = RTMutex(owner: owner)
    }
}

/// PI futexes (Linux: kernel/futex/pi.c). User space locks by a
/// compare-and-swap of 0 to its TID and unlocks by one back to 0; only
/// under contention does it call FUTEX_LOCK_PI, which sets FUTEX_WAITERS in
/// the word (so the owner's unlock comes to the kernel too) and sleeps on
/// the rt-mutex of the futex's `PIState`, lending the owner its priority.
/// FUTEX_UNLOCK_PI hands the lock straight to the strongest waiter, writing
/// its TID into the word. A dying owner's locks go to their waiters the
/// same way, after its robust list marked their words FUTEX_OWNER_DIED.
/// Everything PI futexes keep, under one lock (Linux spreads it over the
/// hash buckets, each rt-mutex's wait_lock and each task's pi_lock).
struct PIFutexes {
    /// The PI states of contended futexes, few at a time: a list.
    var states: [PIState] = []
    /// The FUTEX_WAIT_REQUEUE_PI sleepers (kernel/futex/RequeuePI.swift).
    var requeueWaits: [RequeuePIWait] = []

    func state(_ key: FutexKey) -> PIState? { states.first { $0.key == key } }

    /// Drops the state of a futex nobody waits for any more (Linux: put_pi_state).
    mutating func detachIfUnused(_ state: PIState) {
        guard state.mutex.topWaiter == nil else { return }
        state.mutex.abandon(setPriority: RTMutexes.setPriority)
        states.removeAll { $0 === state }
    }
}

extension Futex {
    /// Under this lock the PI words are read and written (user space cannot
    /// run meanwhile on this CPU) and every rt-mutex operation happens. It
    /// nests inside the lock of the futex table.
    static let pi = IRQSafeLocked(PIFutexes())

    /// FUTEX_LOCK_PI, FUTEX_LOCK_PI2 and FUTEX_TRYLOCK_PI (Linux:
    /// futex_lock_pi): takes the lock at `word` for the caller, sleeping
    /// until the deadline (ns on CLOCK_MONOTONIC) if it is held. EDEADLK if
    /// the caller owns it or would close a cycle of waiters, ESRCH if the
    /// owner TID names no live thread, EPERM if it names a kernel thread,
    /// EINVAL if the word disagrees with the waiters the kernel has, EAGAIN
    /// for a held lock with `tryLock`, ETIMEDOUT; a signal restarts the call.
    static func lockPI(
        space: AddressSpace, word: UserPointer<UInt32>, shared: Bool, deadline: UInt64?, tryLock: Bool
    ) throws(Errno) {
        let task = Scheduler.current
        let key = try key(space, word.address, shared: shared)
        let tid = UInt32(bitPattern: task.pid)
        let waiter = RTMutexWaiter(task: task)
        let state = try pi.withLock { pi throws(Errno) -> PIState? in
            let value = try word.read()
            guard value & FutexWord.FUTEX_TID_MASK != tid else { throw .EDEADLK }
            if value & FutexWord.FUTEX_TID_MASK == 0 && pi.state(key) == nil {
                // Free, perhaps after its owner died: taken, FUTEX_OWNER_DIED kept for glibc to see.
                try word.write(value & FutexWord.FUTEX_OWNER_DIED | tid)
                return nil
            }
            let state = try attach(key, word: word, value: value, in: &pi)
            do throws(Errno) {
                if tryLock { throw .EAGAIN }
                try state.mutex.block(waiter, setPriority: RTMutexes.setPriority)
            } catch {
                pi.detachIfUnused(state)
                throw error
            }
            return state
        }
        guard let state else { return }
        let outcome = HRTimers.sleepInterruptible(until: deadline) { waiter.isGranted }
        try pi.withLock { pi throws(Errno) in
            if !waiter.isGranted {
                state.mutex.remove(waiter, setPriority: RTMutexes.setPriority)
                pi.detachIfUnused(state)
                // Linux turns EINTR into ERESTARTNOINTR: a PI lock is always retried after a handler.
                throw outcome == .timedOut ? .ETIMEDOUT : .ERESTARTNOINTR
            }
            tookOver(state, word: word, tid: tid, in: &pi)
        }
    }

    /// The PI state of the held futex at `word`, which holds `value`, made
    /// if it has none; FUTEX_WAITERS is set so that the owner's unlock comes
    /// to the kernel (Linux: attach_to_pi_state, attach_to_pi_owner).
    static func attach(_ key: FutexKey, word: UserPointer<UInt32>, value: UInt32, in pi: inout PIFutexes)
        throws(Errno) -> PIState
    {
        let owner = value & FutexWord.FUTEX_TID_MASK
        let state: PIState
        if let existing = pi.state(key) {
            // A word of no owner is a dead owner's, passing on.
            if owner != 0 && !existing.ownerNeedsFixup && existing.mutex.owner?.pid != Int32(bitPattern: owner) {
                throw .EINVAL
            }
            state = existing
        } else {
            guard let holder = PidAllocation.task(Int32(bitPattern: owner)), !holder.futexDead else {
                throw .ESRCH
            }
            guard holder.mm != nil else { throw .EPERM }
            state = PIState(key: key, owner: holder)
            pi.states.append(state)
        }
        if value & FutexWord.FUTEX_WAITERS == 0 { try word.write(value | FutexWord.FUTEX_WAITERS) }
        return state
    }

    /// The rt-mutex came to the caller: if its owner died, the word gets
    /// the caller's TID; with nobody behind it, the word alone says who
    /// owns the lock (Linux: fixup_pi_owner).
    static func tookOver(_ state: PIState, word: UserPointer<UInt32>, tid: UInt32, in pi: inout PIFutexes) {
        if state.ownerNeedsFixup {
            state.ownerNeedsFixup = false
            let value = (try? word.read()) ?? 0
            try? word.write(value & FutexWord.FUTEX_OWNER_DIED | FutexWord.FUTEX_WAITERS | tid)
        }
        pi.detachIfUnused(state)
    }

    /// FUTEX_UNLOCK_PI (Linux: futex_unlock_pi): the caller, whose TID the
    /// word must hold (else EPERM), gives the lock to the strongest waiter,
    /// or frees the word if nobody waits. EINVAL if the kernel's waiters
    /// wait for another owner.
    static func unlockPI(space: AddressSpace, word: UserPointer<UInt32>, shared: Bool) throws(Errno) {
        let task = Scheduler.current
        let key = try key(space, word.address, shared: shared)
        // Unlocking ends the caller's priority loan before the waiter that
        // lent it is woken: a task between the two priorities must not get
        // the CPU in that gap (Linux: rt_mutex_postunlock's preempt_disable).
        preemptDisable()
        defer { preemptEnable() }
        let next = try pi.withLock { pi throws(Errno) -> Task? in
            let value = try word.read()
            guard value & FutexWord.FUTEX_TID_MASK == UInt32(bitPattern: task.pid) else { throw .EPERM }
            guard let state = pi.state(key), let top = state.mutex.topWaiter else {
                try word.write(0)
                return nil
            }
            // Linux: wake_futex_pi. The word names the new owner before anyone can look.
            guard state.mutex.owner === task else { throw .EINVAL }
            try word.write(FutexWord.FUTEX_WAITERS | UInt32(bitPattern: top.task.pid))
            return state.mutex.unlock(setPriority: RTMutexes.setPriority)?.task
        }
        if let next { Scheduler.wakeUp(next) }
    }

    /// Passes the PI futexes a task owns to their waiters as it exits or
    /// execs (Linux: exit_pi_state_list), after `releaseRobustList` marked
    /// robust ones FUTEX_OWNER_DIED; each new owner fixes the word when it
    /// wakes. An exiting task can own none afterwards.
    static func releasePIStates(of task: Task, exiting: Bool) {
        preemptDisable()  // as in unlockPI: no gap between deboost and wakeup
        defer { preemptEnable() }
        let woken = pi.withLock { pi -> [Task] in
            if exiting { task.futexDead = true }
            var woken: [Task] = []
            for state in pi.states where state.mutex.owner === task {
                state.ownerNeedsFixup = true
                if let next = state.mutex.unlock(setPriority: RTMutexes.setPriority) { woken.append(next.task) }
            }
            pi.states.removeAll { $0.mutex.owner == nil }
            return woken
        }
        for next in woken { Scheduler.wakeUp(next) }
    }

    /// A task's own priority changed: its place among waiters and what it
    /// lends along the chain follow (Linux: rt_mutex_adjust_pi).
    static func adjustPIChain(of task: Task) {
        pi.withLock { _ in RTMutex.adjustPriority(of: task, setPriority: RTMutexes.setPriority) }
    }

    /// Whether waiters sleep on the PI futex at `key`: FUTEX_WAKE may not wake them.
    static func hasPIState(_ key: FutexKey) -> Bool {
        pi.withLock { $0.state(key) != nil }
    }
}
