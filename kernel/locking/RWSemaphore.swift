import Core

/// A sleeping reader-writer lock (Linux: kernel/locking/rwsem.c): many
/// readers or one writer, and waiters sleep. Readers do not jump ahead of a
/// waiting writer, so writers are not starved — the policy Linux's rwsem
/// follows for its wait queue.
public final class RWSemaphore {
    private let stateLock = SpinLock()
    private var readers = 0
    private var writer: Task? = nil
    private var writersWaiting = 0
    private let waiters = WaitQueue()

    public init() {}

    public func downRead() {
        mightSleep("down_read")
        waiters.wait { tryDownRead() }
    }

    public func tryDownRead() -> Bool {
        stateLock.withLockIrqSave {
            guard writer == nil && writersWaiting == 0 else { return false }
            readers += 1
            return true
        }
    }

    public func upRead() {
        let last = stateLock.withLockIrqSave { () -> Bool in
            readers -= 1
            return readers == 0
        }
        if last { waiters.wakeUpAll() }
    }

    public func downWrite() {
        mightSleep("down_write")
        if tryDownWrite() { return }
        stateLock.withLockIrqSave { writersWaiting += 1 }
        waiters.wait(exclusive: true) { claimWrite(asWaiter: true) }
    }

    public func tryDownWrite() -> Bool { claimWrite(asWaiter: false) }

    private func claimWrite(asWaiter: Bool) -> Bool {
        stateLock.withLockIrqSave {
            guard writer == nil && readers == 0 else { return false }
            // A newcomer may not overtake writers already waiting.
            if !asWaiter && writersWaiting > 0 { return false }
            if asWaiter { writersWaiting -= 1 }
            writer = Scheduler.current
            return true
        }
    }

    public func upWrite() {
        stateLock.withLockIrqSave { writer = nil }
        waiters.wakeUpAll()
    }

    public var isWriteLocked: Bool { stateLock.withLockIrqSave { writer != nil } }
    public var readerCount: Int { stateLock.withLockIrqSave { readers } }
}
