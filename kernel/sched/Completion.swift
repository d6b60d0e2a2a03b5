import ABI
import Core

/// "This has happened" for other tasks to wait on (Linux:
/// kernel/sched/completion.c): a count of completions and a wait queue.
/// Unlike a bare wait queue a completion remembers: complete() before
/// wait() is not lost.
public final class Completion {
    private var done: UInt32 = 0
    private let waiters = WaitQueue()
    private let lock = SpinLock()

    public init() {}

    /// Wakes one waiter, or lets the next wait() pass.
    public func complete() {
        lock.withLockIrqSave { if done != .max { done += 1 } }
        waiters.wakeUp(exclusiveCount: 1)
    }

    /// Lets every present and future waiter pass (Linux: complete_all).
    public func completeAll() {
        lock.withLockIrqSave { done = .max }
        waiters.wakeUpAll()
    }

    /// Sleeps until completed, then consumes one completion. `timeout` in
    /// jiffies; returns false if it expired first.
    @discardableResult
    public func wait(timeout: UInt64? = nil) -> Bool {
        waiters.wait(exclusive: true, timeout: timeout) { self.tryConsume() }
    }

    /// Sleeps until completed or a fatal signal is pending (Linux:
    /// wait_for_completion_killable); throws EINTR for the signal.
    public func waitKillable() throws(Errno) {
        try waiters.waitKillable(exclusive: true) { self.tryConsume() }
    }

    public var isDone: Bool { lock.withLockIrqSave { done > 0 } }

    private func tryConsume() -> Bool {
        lock.withLockIrqSave {
            guard done > 0 else { return false }
            if done != .max { done -= 1 }
            return true
        }
    }
}
