/// A counting semaphore (Linux: kernel/locking/semaphore.c): `count` tasks
/// may pass down() before the next one sleeps; up() lets one more through.
/// Unlike a mutex it has no owner, so any task (or an interrupt handler,
/// via up()) may release it.
public final class Semaphore {
    private let stateLock = SpinLock()
    private var count: Int
    private let waiters = WaitQueue()

    public init(count: Int) { self.count = count }

    public func down() {
        mightSleep("down")
        waiters.wait(exclusive: true) { tryDown() }
    }

    /// Waits at most `timeout` jiffies (Linux: down_timeout); false when it ran out.
    public func down(timeout: UInt64) -> Bool {
        mightSleep("down_timeout")
        return waiters.wait(exclusive: true, timeout: timeout) { tryDown() }
    }

    /// Linux's down_trylock, with the opposite sense: true when acquired.
    public func tryDown() -> Bool {
        stateLock.withLockIrqSave {
            guard count > 0 else { return false }
            count -= 1
            return true
        }
    }

    public func up() {
        stateLock.withLockIrqSave { count += 1 }
        waiters.wakeUp(exclusiveCount: 1)
    }

    public var available: Int { stateLock.withLockIrqSave { count } }
}
