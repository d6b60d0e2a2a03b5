import ABI
import Core

/// An epoll instance (Linux: fs/eventpoll.c, struct eventpoll): the files
/// a process watches, each with the events it asks about, and the list of
/// those that may be ready. Watching puts a callback on the wait queues a
/// file's ->poll names; a wakeup there puts the watch on the ready list and
/// wakes epoll_wait, which asks the file's ->poll again for the events to
/// report. A level-triggered watch goes back on the list after being
/// reported, so the next epoll_wait asks again; an edge-triggered one waits
/// for the next wakeup; a one-shot one is disabled until EPOLL_CTL_MOD.
///
/// A watch holds its file; the last close of the file's descriptors ends
/// it (`forget`), as Linux's final fput does.
final class Eventpoll: FileOperations {
    /// Linux: EP_MAX_NESTS, how deep epolls may watch epolls.
    private static let maximumNesting = 4
    /// Serialises the checks of epoll-in-epoll chains (Linux: epnested_mutex).
    private static var nesting: Mutex { nestingMutex.value }
    private static let nestingMutex = BootOnce(Mutex())

    /// Serialises epoll_ctl and the delivery of events; the wakeup
    /// callbacks never take it. Linux's ep->mtx is a mutex; this is a
    /// spinlock because a watch can end in a file's final release on the
    /// way out of a fault-killed task, where nothing may sleep, and nothing
    /// under it sleeps: files' poll methods take only spinlocks.
    private let itemsLock = SpinLock()
    /// Under `itemsLock`.
    private var items: [EpollItem] = []
    /// Guards `ready` and each item's `isReady`; taken in wakeup callbacks,
    /// which may run in interrupts (Linux: ep->lock).
    private let lock = SpinLock()
    private var ready: [EpollItem] = []
    /// epoll_wait's sleepers (Linux: ep->wq).
    private let waiters = WaitQueue()
    /// Pollers of this epoll's own file, such as an outer epoll (Linux: ep->poll_wait).
    private let pollers = WaitQueue()

    var isStream: Bool { true }
    var canPoll: Bool { true }

    // MARK: epoll_ctl

    /// EPOLL_CTL_ADD (Linux: ep_insert). EEXIST for a watch of the same
    /// file and descriptor; ELOOP if `file` is an epoll that reaches this
    /// one or nests too deep.
    func add(_ file: File, descriptor: Int32, events: EpollEvents, data: UInt64) throws(Errno) {
        let inner = file.operations as? Eventpoll
        if inner != nil { Self.nesting.lock() }
        defer { if inner != nil { Self.nesting.unlock() } }
        if let inner, inner === self || inner.depth(reaching: self) > Self.maximumNesting - 1 { throw .ELOOP }
        itemsLock.lock()
        defer { itemsLock.unlock() }
        guard item(file, descriptor) == nil else { throw .EEXIST }
        let item = EpollItem(file: file, descriptor: descriptor, events: events, data: data)
        items.append(item)
        file.setWatched(by: self, true)
        let table = PollTable { [self, item] in self.wakeUp(item) }
        item.table = table
        if !EpollEvents(file.operations.poll(file, table)).isDisjoint(with: events) { wakeUp(item) }
    }

    /// EPOLL_CTL_MOD (Linux: ep_modify). ENOENT if not watched; EINVAL for
    /// an EPOLLEXCLUSIVE watch.
    func modify(_ file: File, descriptor: Int32, events: EpollEvents, data: UInt64) throws(Errno) {
        itemsLock.lock()
        defer { itemsLock.unlock() }
        guard let item = item(file, descriptor) else { throw .ENOENT }
        guard !item.events.contains(.EPOLLEXCLUSIVE) else { throw .EINVAL }
        item.events = events
        item.data = data
        if !EpollEvents(file.operations.poll(file, nil)).isDisjoint(with: events) { wakeUp(item) }
    }

    /// EPOLL_CTL_DEL (Linux: ep_remove). ENOENT if not watched.
    func remove(_ file: File, descriptor: Int32) throws(Errno) {
        itemsLock.lock()
        defer { itemsLock.unlock() }
        guard let item = item(file, descriptor) else { throw .ENOENT }
        unwatch(item)
        file.setWatched(by: self, false)
    }

    /// The last descriptor of `file` closed: every watch of it goes
    /// (Linux: eventpoll_release_file).
    func forget(_ file: File) {
        itemsLock.lock()
        for item in items where item.file === file { unwatch(item) }
        itemsLock.unlock()
    }

    /// The epoll's own file is closed: every watch goes (Linux: ep_free).
    func release(_ file: File) {
        itemsLock.lock()
        let watched = items
        for item in watched { unwatch(item) }
        itemsLock.unlock()
        for item in watched { item.file.setWatched(by: self, false) }
    }

    private func item(_ file: File, _ descriptor: Int32) -> EpollItem? {
        items.first { $0.file === file && $0.descriptor == descriptor }
    }

    /// Takes `item` off the file's queues, the ready list and the watches.
    /// Under `itemsLock`.
    private func unwatch(_ item: EpollItem) {
        item.table?.removeAll()
        item.table = nil
        lock.withLockIrqSave {
            if item.isReady, let index = ready.firstIndex(where: { $0 === item }) { ready.remove(at: index) }
            item.isReady = false
        }
        if let index = items.firstIndex(where: { $0 === item }) { items.remove(at: index) }
    }

    /// How many epolls deep the chain from this one to `target` goes:
    /// more than the limit for a cycle (Linux: ep_loop_check).
    private func depth(reaching target: Eventpoll) -> Int {
        itemsLock.lock()
        let inner = items.compactMap { $0.file.operations as? Eventpoll }
        itemsLock.unlock()
        var deepest = 0
        for eventpoll in inner {
            if eventpoll === target { return Self.maximumNesting }
            deepest = max(deepest, 1 + eventpoll.depth(reaching: target))
            if deepest >= Self.maximumNesting { return deepest }
        }
        return deepest
    }

    // MARK: Readiness

    /// A queue the watched file named was woken (Linux: ep_poll_callback).
    /// Runs under that queue's lock, maybe in an interrupt.
    private func wakeUp(_ item: EpollItem) {
        lock.withLockIrqSave {
            if !item.isReady {
                item.isReady = true
                ready.append(item)
            }
        }
        waiters.wakeUpAll()
        pollers.wakeUpAll()
    }

    /// Up to `maximum` events of ready watches (Linux: ep_send_events).
    /// Each ready watch's file is asked again; a watch with nothing to say
    /// leaves the list, a level-triggered one that reported goes back on it.
    func collect(maximum: Int) -> [EpollEvent] {
        itemsLock.lock()
        defer { itemsLock.unlock() }
        let candidates = lock.withLockIrqSave { () -> [EpollItem] in
            let taken = ready
            ready = []
            for item in taken { item.isReady = false }
            return taken
        }
        var events: [EpollEvent] = []
        var requeue: [EpollItem] = []
        for item in candidates {
            guard events.count < maximum else {
                requeue.append(item)
                continue
            }
            let reported = EpollEvents(item.file.operations.poll(item.file, nil)).intersection(item.events)
            guard !reported.isEmpty else { continue }
            events.append(EpollEvent(events: reported.rawValue, data: item.data))
            if item.events.contains(.EPOLLONESHOT) {
                item.events = item.events.intersection(EpollEvents.modes)
            } else if !item.events.contains(.EPOLLET) {
                requeue.append(item)
            }
        }
        let more = lock.withLockIrqSave { () -> Bool in
            for item in requeue where !item.isReady {
                item.isReady = true
                ready.append(item)
            }
            return !ready.isEmpty
        }
        if more { waiters.wakeUpAll() }
        return events
    }

    /// Whether a watch may be ready, the test before epoll_wait sleeps.
    var mayHaveEvents: Bool { lock.withLockIrqSave { !ready.isEmpty } }

    /// Sleeps until a watch may be ready, `timeout` jiffies (nil: forever)
    /// pass or a signal comes (EINTR). Returns the jiffies left.
    func waitForEvents(timeout: UInt64?) throws(Errno) -> UInt64? {
        let entry = WaitQueueEntry()
        waiters.prepareToWait(entry, state: .interruptible)
        defer { waiters.finishWait(entry) }
        if mayHaveEvents { return timeout }
        if Scheduler.current.hasSignalPending { throw .EINTR }
        guard let timeout else {
            Scheduler.schedule()
            return nil
        }
        return Scheduler.sleep(timeout: timeout)
    }

    /// Readable when a watch has an event to report (Linux: ep_eventpoll_poll).
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        table?.wait(on: pollers)
        itemsLock.lock()
        defer { itemsLock.unlock() }
        let candidates = lock.withLockIrqSave { ready }
        let any = candidates.contains { item in
            !EpollEvents(item.file.operations.poll(item.file, nil)).isDisjoint(with: item.events)
        }
        return any ? [.POLLIN, .POLLRDNORM] : []
    }
}

/// One watch: a file through one descriptor, the events asked about and
/// the data to report with them (Linux: struct epitem).
final class EpollItem {
    let file: File
    let descriptor: Int32
    /// Under the epoll's itemsLock. A one-shot watch that fired keeps only its mode bits.
    var events: EpollEvents
    var data: UInt64
    /// On the epoll's ready list; under its spinlock.
    var isReady = false
    /// The callbacks on the file's wait queues.
    var table: PollTable?

    init(file: File, descriptor: Int32, events: EpollEvents, data: UInt64) {
        self.file = file
        self.descriptor = descriptor
        self.events = events
        self.data = data
    }
}
