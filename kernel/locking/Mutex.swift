import Core
import Synchronization

/// A sleeping lock with an owner (Linux: kernel/locking/mutex.c). Only the
/// task that locked it may unlock it, and it is not recursive: both mistakes
/// are reported (Linux's CONFIG_DEBUG_MUTEXES checks), because either one
/// means the code's idea of who holds what is wrong. May not be used from
/// interrupt context; waiters sleep instead of spinning.
public final class Mutex {
    private let stateLock = SpinLock()
    public private(set) var owner: Task? = nil
    private let waiters = WaitQueue()
    /// Tasks in `lock` that found it taken, under stateLock: an unlock with
    /// none leaves the wait queue alone (Linux: MUTEX_FLAG_WAITERS).
    private var waiting = 0
    /// Misuses detected (tests read it).
    public static let debugWarnings = Atomic<Int>(0)

    public init() {}

    public func lock() {
        mightSleep("mutex_lock")
        if owner === Scheduler.current {
            Mutex.warn("possible recursive locking detected: \(Scheduler.current.comm) already holds this mutex")
        }
        if tryLock() { return }
        // Counted before it queues and retries, so an unlock either sees the
        // waiter or leaves the mutex free for that retry.
        stateLock.withLockIrqSave { waiting += 1 }
        // Exclusive waiters: an unlock wakes one, which retries the acquisition.
        waiters.wait(exclusive: true) { tryLock() }
        stateLock.withLockIrqSave { waiting -= 1 }
    }

    public func tryLock() -> Bool {
        stateLock.withLockIrqSave {
            guard owner == nil else { return false }
            owner = Scheduler.current
            return true
        }
    }

    public func unlock() {
        let (released, contended) = stateLock.withLockIrqSave { () -> (Bool, Bool) in
            guard owner === Scheduler.current else { return (false, false) }
            owner = nil
            return (true, waiting > 0)
        }
        guard released else {
            Mutex.warn(
                "DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current): \(Scheduler.current.comm) unlocks a mutex held by \(owner?.comm ?? "nobody")"
            )
            return
        }
        if contended { waiters.wakeUp(exclusiveCount: 1) }
    }

    public var isLocked: Bool { stateLock.withLockIrqSave { owner != nil } }

    /// Runs `body` with the mutex held.
    public func withLock<T>(_ body: () -> T) -> T {
        lock()
        defer { unlock() }
        return body()
    }

    static func warn(_ message: String) {
        debugWarnings.add(1, ordering: .relaxed)
        pr_warn("WARNING: \(message)")
        Backtrace.dump(framePointer: CPU.framePointer)
    }
}
