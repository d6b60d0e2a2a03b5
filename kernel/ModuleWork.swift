import Core

/// <linux/workqueue.h> for C modules (Linux: kernel/workqueue.c). A `struct
/// work_struct` is the module's memory, Linux's layout with `func` at 24;
/// while one is queued the kernel keeps a WorkItem for its address on a
/// Workqueue, whose kernel thread calls the function in process context,
/// where it may sleep. As in Linux the work stops being pending just before
/// its function runs, so the function may queue it again. A `struct
/// delayed_work` adds a timer_list (at 32) whose function,
/// delayed_work_timer_fn, queues the work on the queue kept at 72.
enum ModuleWork {
    static let functionOffset: UInt64 = 24
    static let timerOffset: UInt64 = 32
    static let queueOffset: UInt64 = 72

    private struct State {
        /// Queued work; `token` tells a queuing from a later one of the same
        /// work, so a cancelled queuing's kernel item does nothing when it runs.
        var pending: [(address: UInt64, token: UInt64)] = []
        var running: [UInt64] = []
        var nextToken: UInt64 = 1
        /// alloc_workqueue's queues, by the handle the module holds.
        var queues: [(handle: UInt64, queue: Workqueue)] = []
        var nextHandle: UInt64 = 1
    }

    private static let state = IRQSafeLocked<State>(State())

    /// The queue a `struct workqueue_struct *` names; 0 is the system queue.
    static func workqueue(_ handle: UInt64) -> Workqueue? {
        handle == 0 ? Workqueues.system : state.withLock { state in state.queues.first { $0.handle == handle }?.queue }
    }

    /// queue_work: false if the work is already pending.
    static func queue(_ address: UInt64, on handle: UInt64) -> Bool {
        guard let queue = workqueue(handle) else { return false }
        let token = state.withLock { state -> UInt64? in
            guard !state.pending.contains(where: { $0.address == address }) else { return nil }
            defer { state.nextToken += 1 }
            state.pending.append((address, state.nextToken))
            return state.nextToken
        }
        guard let token else { return false }
        queue.queue(WorkItem { run(address, token: token) })
        return true
    }

    private static func run(_ address: UInt64, token: UInt64) {
        let function = state.withLock { state -> UInt64 in
            guard let index = state.pending.firstIndex(where: { $0.address == address && $0.token == token }) else {
                return 0
            }
            state.pending.remove(at: index)
            state.running.append(address)
            return ModuleCode.load64(at: address + functionOffset)
        }
        guard function != 0 else { return }
        ModuleCode.call(function, with: address)
        state.withLock { state in
            if let index = state.running.firstIndex(of: address) { state.running.remove(at: index) }
        }
        AddressWaitQueues.wakeUp(address)
    }

    static func isPending(_ address: UInt64) -> Bool {
        state.withLock { state in state.pending.contains { $0.address == address } }
    }

    private static func isBusy(_ address: UInt64) -> Bool {
        state.withLock { state in state.pending.contains { $0.address == address } || state.running.contains(address) }
    }

    private static func waitUntilIdle(_ address: UInt64) {
        AddressWaitQueues.withQueue(on: address) { queue in queue.wait { !isBusy(address) } }
    }

    /// flush_work: waits until the work has run; false if it was idle.
    static func flush(_ address: UInt64) -> Bool {
        guard isBusy(address) else { return false }
        mightSleep("flush_work")
        waitUntilIdle(address)
        return true
    }

    /// cancel_work: takes a pending work off its queue; returns whether it was pending.
    static func cancel(_ address: UInt64) -> Bool {
        state.withLock { state in
            guard let index = state.pending.firstIndex(where: { $0.address == address }) else { return false }
            state.pending.remove(at: index)
            return true
        }
    }

    /// cancel_work_sync: cancels it and waits for a run under way.
    static func cancelSync(_ address: UInt64) -> Bool {
        let wasPending = cancel(address)
        waitUntilIdle(address)
        return wasPending
    }

    /// Cancels the work that lies in `range` or whose function does (a
    /// module's, at its unload) and waits for runs under way; returns it.
    static func cancel(in range: Range<UInt64>) -> [UInt64] {
        let doomed = state.withLock { state in
            state.pending.map { $0.address }.filter {
                range.contains($0) || range.contains(ModuleCode.load64(at: $0 + functionOffset))
            }
        }
        for address in doomed { _ = cancel(address) }
        let running = state.withLock { $0.running.filter { range.contains($0) } }
        for address in running { waitUntilIdle(address) }
        return doomed
    }

    /// alloc_workqueue: a queue with its own kernel thread, named `name`.
    static func allocate(name: String) -> UInt64 {
        let queue = Workqueue(name: name, workerName: name)
        return state.withLock { state in
            defer { state.nextHandle += 1 }
            state.queues.append((state.nextHandle, queue))
            return state.nextHandle
        }
    }

    /// destroy_workqueue: runs what is queued, then ends the queue's thread.
    static func destroy(_ handle: UInt64) {
        let queue = state.withLock { state -> Workqueue? in
            guard let index = state.queues.firstIndex(where: { $0.handle == handle }) else { return nil }
            return state.queues.remove(at: index).queue
        }
        queue?.destroy()
    }

    /// queue_delayed_work: queues the work now (no delay) or arms its timer;
    /// false if either is pending already.
    static func queueDelayed(_ address: UInt64, on handle: UInt64, delay: UInt64) -> Bool {
        let timer = address + timerOffset
        guard !isPending(address), !ModuleTimers.isPending(timer) else { return false }
        ModuleCode.store(handle, at: address + queueOffset)
        guard delay > 0 else { return queue(address, on: handle) }
        _ = ModuleTimers.modify(timer, expires: Jiffies.value &+ delay)
        return true
    }
}

/// `bool queue_work_on(int cpu, struct workqueue_struct *, struct work_struct *)` (queue_work).
@c(queue_work_on)
func queueWorkOn(cpu: Int32, queue: UInt64, work: UInt64) -> Bool { queue != 0 && ModuleWork.queue(work, on: queue) }

/// `bool schedule_work(struct work_struct *)`: on the system workqueue.
@c(schedule_work)
func scheduleWork(_ work: UInt64) -> Bool { ModuleWork.queue(work, on: 0) }

@c(flush_work)
func flushWork(_ work: UInt64) -> Bool { ModuleWork.flush(work) }

@c(cancel_work)
func cancelWork(_ work: UInt64) -> Bool { ModuleWork.cancel(work) }

@c(cancel_work_sync)
func cancelWorkSync(_ work: UInt64) -> Bool { ModuleWork.cancelSync(work) }

/// `bool queue_delayed_work_on(int cpu, struct workqueue_struct *, struct
/// delayed_work *, unsigned long delay)` (queue_delayed_work), `delay` in jiffies.
@c(queue_delayed_work_on)
func queueDelayedWorkOn(cpu: Int32, queue: UInt64, work: UInt64, delay: UInt64) -> Bool {
    queue != 0 && ModuleWork.queueDelayed(work, on: queue, delay: delay)
}

@c(schedule_delayed_work)
func scheduleDelayedWork(_ work: UInt64, delay: UInt64) -> Bool { ModuleWork.queueDelayed(work, on: 0, delay: delay) }

/// The timer function of every delayed_work (INIT_DELAYED_WORK sets it).
@c(delayed_work_timer_fn)
func delayedWorkTimerFunction(_ timer: UInt64) {
    let work = timer &- ModuleWork.timerOffset
    _ = ModuleWork.queue(work, on: ModuleCode.load64(at: work + ModuleWork.queueOffset))
}

@c(cancel_delayed_work)
func cancelDelayedWork(_ work: UInt64) -> Bool {
    ModuleTimers.delete(work + ModuleWork.timerOffset) || ModuleWork.cancel(work)
}

@c(cancel_delayed_work_sync)
func cancelDelayedWorkSync(_ work: UInt64) -> Bool {
    let timerWasPending = ModuleTimers.deleteSync(work + ModuleWork.timerOffset)
    return ModuleWork.cancelSync(work) || timerWasPending
}

/// flush_delayed_work: a pending timer queues the work at once, then it is flushed.
@c(flush_delayed_work)
func flushDelayedWork(_ work: UInt64) -> Bool {
    if ModuleTimers.delete(work + ModuleWork.timerOffset) {
        _ = ModuleWork.queue(work, on: ModuleCode.load64(at: work + ModuleWork.queueOffset))
    }
    return ModuleWork.flush(work)
}

/// `struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int
/// flags, int max_active, ...)`: one kernel thread, which runs the work in
/// order (every Apus workqueue is ordered). `fmt` is taken as the name: its
/// arguments are not formatted. NULL if memory is short.
@c(alloc_workqueue)
func allocWorkqueue(name: UInt64, flags: UInt32, maxActive: Int32) -> UInt64 {
    ModuleWork.allocate(name: String(decoding: ModuleCode.string(at: name, limit: 23), as: UTF8.self))
}

@c(destroy_workqueue)
func destroyWorkqueue(_ queue: UInt64) { ModuleWork.destroy(queue) }
