import ABI

/// The wait queues one poll/select call sleeps on (Linux: struct
/// poll_wqueues and poll_table in fs/select.c, include/linux/poll.h). A
/// file's ->poll reports what is ready now and, given a table, queues the
/// caller on whatever will change that; a wakeup on any of them takes the
/// entry off its queue, which is how the caller knows to look again.
/// epoll's table instead puts a callback on each queue, which stays there
/// until the watch goes (Linux: ep_ptable_queue_proc).
public final class PollTable {
    private var waits: [(queue: WaitQueue, entry: WaitQueueEntry, release: (() -> Void)?)] = []
    private let callback: (() -> Void)?

    public init() { callback = nil }

    public init(callback: @escaping () -> Void) { self.callback = callback }

    /// Linux: poll_wait. Queues the caller on `queue` (once per call);
    /// `release`, if given, runs when the table lets go of the queue (a
    /// module's wait queue, which exists while someone holds it), or at
    /// once if the table holds the queue already.
    public func wait(on queue: WaitQueue, release: (() -> Void)? = nil) {
        if let existing = waits.first(where: { $0.queue === queue }) {
            queue.add(existing.entry)  // again, if a wakeup took it off
            release?()
            return
        }
        let entry = callback.map { WaitQueueEntry(callback: $0) } ?? WaitQueueEntry()
        queue.add(entry)
        waits.append((queue, entry, release))
    }

    /// Some queue was woken since the entries were (re)queued.
    public var wasWoken: Bool { waits.contains { !$0.entry.isQueued } }

    /// Linux: poll_freewait.
    public func removeAll() {
        for wait in waits {
            wait.queue.remove(waiting: wait.entry)
            wait.release?()
        }
        waits = []
    }
}
