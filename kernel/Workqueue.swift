import Core

/// A function to run later in process context, where it may sleep (Linux:
/// struct work_struct). Queuing a pending item again does nothing.
public final class WorkItem {
    let function: () -> Void
    fileprivate var isPending = false
    fileprivate var isRunning = false
    public fileprivate(set) var runCount = 0

    public init(_ function: @escaping () -> Void) { self.function = function }
}

/// Work items served by kernel worker threads (Linux: kernel/workqueue.c).
/// Interrupt handlers and code holding spinlocks hand work that may sleep
/// to a workqueue; its `kworker` thread runs the items in order.
public final class Workqueue {
    public let name: String
    private let lock = SpinLock()
    private var pending: [WorkItem] = []
    private let more = WaitQueue()
    private let idle = WaitQueue()
    public private(set) var worker: Task? = nil

    /// Creates the queue and its worker (Linux: alloc_workqueue).
    public init(name: String, workerName: String) {
        self.name = name
        // The worker keeps its queue alive until destroy() stops it.
        worker = KThreads.run(name: workerName) {
            self.serve()
            return 0
        }
    }

    /// Linux's queue_work; false if the item was already pending.
    @discardableResult
    public func queue(_ item: WorkItem) -> Bool {
        let queued = lock.withLockIrqSave { () -> Bool in
            guard !item.isPending else { return false }
            item.isPending = true
            pending.append(item)
            return true
        }
        if queued { more.wakeUp() }
        return queued
    }

    /// Waits until `item` is neither pending nor running (Linux: flush_work).
    public func flush(_ item: WorkItem) {
        idle.wait { self.lock.withLockIrqSave { !item.isPending && !item.isRunning } }
    }

    /// Runs what is queued, then ends the worker (Linux: destroy_workqueue,
    /// which drains the queue first). Nothing may be queued afterwards.
    public func destroy() {
        guard let worker else { return }
        KThreads.stop(worker)
        self.worker = nil
    }

    private func serve() {
        while !KThreads.shouldStop {
            more.wait(state: .interruptible) {
                self.lock.withLockIrqSave { !self.pending.isEmpty } || KThreads.shouldStop
            }
            while let item = takeNext() {
                item.function()
                lock.withLockIrqSave {
                    item.isRunning = false
                    item.runCount += 1
                }
                idle.wakeUpAll()
            }
        }
    }

    private func takeNext() -> WorkItem? {
        lock.withLockIrqSave {
            guard !pending.isEmpty else { return nil }
            let item = pending.removeFirst()
            item.isPending = false
            item.isRunning = true
            return item
        }
    }
}

/// The shared queues every subsystem uses (Linux: system_wq).
public enum Workqueues {
    private static let events = BootOnce<Workqueue>()
    public static var system: Workqueue? { events.valueIfSet }
    static func initialize() { events.set(Workqueue(name: "events", workerName: "kworker/0:1")) }
}
