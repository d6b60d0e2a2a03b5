import ABI
import Core
import Lib

/// A signalfd (Linux: fs/signalfd.c, struct signalfd_ctx): a descriptor
/// that takes signals as records to read instead of running handlers. It
/// holds only a set of signals; each read or poll looks at the signals
/// pending for the thread doing it, so after fork a child's signalfd
/// reads the child's signals. The signals must be blocked for a read to
/// see them; an unblocked one is delivered as usual first.
final class Signalfd: FileOperations {
    private let lock = SpinLock()
    private var wanted: SignalSet

    init(mask: SignalSet) { wanted = mask }

    var isStream: Bool { true }
    var canPoll: Bool { true }

    /// signalfd4 on an existing descriptor replaces the set.
    var mask: SignalSet {
        get { lock.withLockIrqSave { wanted } }
        set { lock.withLockIrqSave { wanted = newValue } }
    }

    /// Everything outside the set, as `Signals.dequeue` wants it.
    private var others: SignalSet { SignalSet(rawValue: ~mask.rawValue) }

    /// Linux: signalfd_read. As many whole records as fit (EINVAL if not
    /// one does); waits for the first unless O_NONBLOCK (EAGAIN), never
    /// for the rest.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        let size = MemoryLayout<SignalfdSiginfo>.size
        guard count >= size else { throw .EINVAL }
        let task = Scheduler.current
        var bytes: [UInt8] = []
        var wouldBlock = false
        try task.sighand.signalfdWait.waitInterruptible { () -> Bool in
            if let info = Signals.dequeue(task, notIn: others) {
                bytes = SignalfdSiginfo(info).bytes
                return true
            }
            wouldBlock = file.isNonBlocking
            return wouldBlock
        }
        if wouldBlock { throw .EAGAIN }
        while bytes.count + size <= count, let info = Signals.dequeue(task, notIn: others) {
            bytes += SignalfdSiginfo(info).bytes
        }
        return bytes
    }

    /// Linux: signalfd_poll. Readable while a signal of the set is pending
    /// for the polling thread or its process.
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        let task = Scheduler.current
        table?.wait(on: task.sighand.signalfdWait)
        let pending = TaskList.lock.withLockIrqSave { task.pending.signals.union(task.group.sharedPending.signals) }
        return pending.intersection(mask).isEmpty ? [] : [.POLLIN, .POLLRDNORM]
    }
}
