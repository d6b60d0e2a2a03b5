import ABI
import Core

// <linux/mutex.h> for C modules (Linux: kernel/locking/mutex.c). A
// `struct mutex` is one word in the module's memory, its owner: 0 when
// unlocked, else the owning task's pid + 1 (Linux keeps the task_struct
// pointer there), so DEFINE_MUTEX needs no call and mutex_is_locked reads
// it inline. Contenders sleep in AddressWaitQueues under the mutex's
// address, exclusively: an unlock wakes one, which retries. As Mutex's own,
// unlocking another task's mutex and locking one's own again are reported.

private var currentOwner: UInt64 { UInt64(UInt32(bitPattern: Scheduler.current.pid)) + 1 }

private func tryAcquire(_ lock: UInt64) -> Bool {
    ModuleCode.compareExchange(at: lock, expected: 0, desired: currentOwner)
}

private func checkNotRecursive(_ lock: UInt64) {
    mightSleep("mutex_lock")
    if ModuleCode.loadAcquiring(at: lock) == currentOwner {
        Mutex.warn("possible recursive locking detected: \(Scheduler.current.comm) already holds this mutex")
    }
}

/// `void __mutex_init(struct mutex *, const char *name, struct lock_class_key *)` (mutex_init).
@c(__mutex_init)
func mutexInit(lock: UInt64, name: UInt64, key: UInt64) { ModuleCode.store(0, at: lock) }

@c(mutex_lock)
func mutexLock(lock: UInt64) {
    checkNotRecursive(lock)
    AddressWaitQueues.withQueue(on: lock) { queue in queue.wait(exclusive: true) { tryAcquire(lock) } }
}

/// 0 once locked, -EINTR if a signal came first.
@c(mutex_lock_interruptible)
func mutexLockInterruptible(lock: UInt64) -> Int32 {
    checkNotRecursive(lock)
    return AddressWaitQueues.waitUnlessSignalled(on: lock) { tryAcquire(lock) } ? 0 : -Errno.EINTR.rawValue
}

/// 0 once locked, -EINTR if a fatal signal came first.
@c(mutex_lock_killable)
func mutexLockKillable(lock: UInt64) -> Int32 {
    checkNotRecursive(lock)
    return AddressWaitQueues.waitUnlessSignalled(on: lock, fatalOnly: true) { tryAcquire(lock) }
        ? 0 : -Errno.EINTR.rawValue
}

/// 1 if the mutex was free and is now the caller's, else 0.
@c(mutex_trylock)
func mutexTrylock(lock: UInt64) -> Int32 { tryAcquire(lock) ? 1 : 0 }

@c(mutex_unlock)
func mutexUnlock(lock: UInt64) {
    guard ModuleCode.compareExchange(at: lock, expected: currentOwner, desired: 0) else {
        Mutex.warn(
            "DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current): \(Scheduler.current.comm) unlocks a mutex it does not hold"
        )
        return
    }
    AddressWaitQueues.wakeUp(lock, exclusiveCount: 1)
}
