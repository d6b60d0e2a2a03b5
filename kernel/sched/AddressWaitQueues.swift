import ABI
import Core

/// Wait queues found by the address of what is waited on (Linux:
/// kernel/sched/wait_bit.c, whose wait_var_event hashes an address to a
/// queue). A C module's struct mutex, wait_queue_head, timer_list or
/// work_struct is the module's memory — static, kmalloc'd or on its stack —
/// and the module frees it without telling the kernel, so the kernel keeps
/// no object for it: a queue exists only while tasks wait on that address,
/// made by the first waiter and dropped by the last, and a wakeup with
/// nobody waiting finds nothing.
enum AddressWaitQueues {
    private final class Waiters {
        let queue = WaitQueue()
        /// Tasks between acquire and release.
        var users = 0
        /// The kernel entry of each C `struct wait_queue_entry` between
        /// prepare_to_wait_event and finish_wait, by its address.
        var entries: [(address: UInt64, entry: WaitQueueEntry)] = []
    }

    private static let queues = IRQSafeLocked<[(address: UInt64, waiters: Waiters)]>([])

    private static func acquire(_ address: UInt64) -> Waiters {
        queues.withLock { queues in
            if let found = queues.first(where: { $0.address == address })?.waiters {
                found.users += 1
                return found
            }
            let waiters = Waiters()
            waiters.users = 1
            queues.append((address, waiters))
            return waiters
        }
    }

    private static func release(_ address: UInt64) {
        queues.withLock { queues in
            guard let index = queues.firstIndex(where: { $0.address == address }) else { return }
            queues[index].waiters.users -= 1
            if queues[index].waiters.users == 0 { queues.remove(at: index) }
        }
    }

    /// Runs `body` with the queue of `address`, which exists until it returns:
    /// `body` sleeps on it (WaitQueue.wait and its kin).
    @discardableResult
    static func withQueue<R, E: Error>(on address: UInt64, _ body: (WaitQueue) throws(E) -> R) throws(E) -> R {
        let waiters = acquire(address)
        defer { release(address) }
        return try body(waiters.queue)
    }

    /// Sleeps exclusively on `address`'s queue until `condition` holds (true)
    /// or a signal is pending (false), only a fatal one if `fatalOnly` (Linux's
    /// TASK_INTERRUPTIBLE and TASK_KILLABLE waits, whose C callers return an errno).
    static func waitUnlessSignalled(on address: UInt64, fatalOnly: Bool = false, until condition: () -> Bool) -> Bool {
        withQueue(on: address) { queue in
            do throws(Errno) {
                if fatalOnly {
                    try queue.waitKillable(exclusive: true, until: condition)
                } else {
                    try queue.waitInterruptible(exclusive: true, until: condition)
                }
                return true
            } catch {
                return false
            }
        }
    }

    /// `address`'s queue for a poll table (Linux: poll_wait on a module's
    /// wait_queue_head), held until the returned release runs.
    static func pollQueue(_ address: UInt64) -> (queue: WaitQueue, release: () -> Void) {
        (acquire(address).queue, { release(address) })
    }

    /// Wakes the waiters on `address`: every non-exclusive one and up to
    /// `exclusiveCount` exclusive ones (Linux: __wake_up).
    static func wakeUp(_ address: UInt64, exclusiveCount: Int = Int.max, states: TaskState = .normal) {
        let waiters = queues.withLock { queues in queues.first { $0.address == address }?.waiters }
        waiters?.queue.wakeUp(exclusiveCount: exclusiveCount, states: states)
    }

    /// prepare_to_wait_event's queuing: the C entry at `entry` joins the
    /// queue of `head` (once, until finish_wait) and the task takes `state`.
    static func prepare(head: UInt64, entry: UInt64, state: TaskState, exclusive: Bool) {
        let (waiters, kernelEntry) =
            lookup(head: head, entry: entry, remove: false) ?? register(head: head, entry: entry)
        waiters.queue.prepareToWait(kernelEntry, state: state, exclusive: exclusive)
    }

    /// finish_wait: the task runs again and the C entry leaves the queue.
    static func finish(head: UInt64, entry: UInt64) {
        guard let (waiters, kernelEntry) = lookup(head: head, entry: entry, remove: true) else {
            Scheduler.setCurrentState(.running)
            return
        }
        waiters.queue.finishWait(kernelEntry)
        release(head)
    }

    private static func register(head: UInt64, entry: UInt64) -> (Waiters, WaitQueueEntry) {
        let waiters = acquire(head)
        let kernelEntry = WaitQueueEntry()
        queues.withLock { _ in waiters.entries.append((entry, kernelEntry)) }
        return (waiters, kernelEntry)
    }

    private static func lookup(head: UInt64, entry: UInt64, remove: Bool) -> (Waiters, WaitQueueEntry)? {
        queues.withLock { queues in
            guard let waiters = queues.first(where: { $0.address == head })?.waiters,
                let index = waiters.entries.firstIndex(where: { $0.address == entry })
            else { return nil }
            let kernelEntry = waiters.entries[index].entry
            if remove { waiters.entries.remove(at: index) }
            return (waiters, kernelEntry)
        }
    }
}
