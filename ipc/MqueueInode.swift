import ABI
import Core
import Lib

/// One POSIX message queue (Linux: struct mqueue_inode_info, ipc/mqueue.c).
/// It is the file operations of its inode in the mqueue file system, so
/// every open of it — mq_open's or open(2)'s of /dev/mqueue/NAME — reaches
/// the same queue: a read shows its status line, poll says whether a
/// message waits (POLLIN) and whether there is room (POLLOUT), and the
/// mq_* calls send, receive and register for notification through it.
final class MessageQueue: FileOperations {
    /// Its size, fixed at creation (mq_maxmsg, mq_msgsize).
    let maximumMessages: Int
    let maximumSize: Int
    private let lock = SpinLock()
    private var messages = MqueueMessages()
    private var registration: Registration? = nil
    /// Senders wait here for room; pollers too.
    private let senders = WaitQueue()
    /// Receivers wait here for a message; pollers too.
    private let receivers = WaitQueue()
    /// Who was charged for it against RLIMIT_MSGQUEUE, and how much;
    /// given back when the queue goes (Linux: mqueue_evict_inode).
    private let charge: MqueueFS.Charge

    /// The process mq_notify registered and what it asked for (Linux:
    /// notify_owner and notify).
    private struct Registration {
        let owner: ThreadGroup
        let how: Int32
        let signal: Int32
        let value: UInt64
    }

    init(maximumMessages: Int, maximumSize: Int, charge: MqueueFS.Charge) {
        self.maximumMessages = maximumMessages
        self.maximumSize = maximumSize
        self.charge = charge
    }

    deinit { MqueueFS.release(charge) }

    var canPoll: Bool { true }

    /// mq_getsetattr's view; mq_flags is the file's.
    func attributes(of file: File) -> MqAttr {
        var attributes = MqAttr()
        attributes.mq_flags = file.isNonBlocking ? Int64(OpenFlags.O_NONBLOCK.rawValue) : 0
        attributes.mq_maxmsg = Int64(maximumMessages)
        attributes.mq_msgsize = Int64(maximumSize)
        attributes.mq_curmsgs = Int64(lock.withLockIrqSave { messages.count })
        return attributes
    }

    /// Linux: do_mq_timedsend after its checks. Waits for room unless
    /// O_NONBLOCK (EAGAIN), up to `timeout` jiffies (ETIMEDOUT); a signal
    /// ends the wait with ERESTARTSYS. A message that finds the queue empty
    /// and no receiver waiting fulfils the registration (Linux: __do_notify).
    func send(_ text: [UInt8], priority: UInt32, file: File, timeout: UInt64?) throws(Errno) {
        var wouldBlock = false
        var fulfilled: Registration? = nil
        let sent = try senders.waitInterruptible(timeout: timeout) { () -> Bool in
            lock.lock()
            defer { lock.unlock() }
            guard messages.count < maximumMessages else {
                wouldBlock = file.isNonBlocking
                return wouldBlock
            }
            messages.insert(text, priority: priority)
            if messages.count == 1 && receivers.isEmpty {
                fulfilled = registration
                registration = nil
            }
            return true
        }
        if wouldBlock { throw .EAGAIN }
        guard sent else { throw .ETIMEDOUT }
        receivers.wakeUpAll()
        if let fulfilled { notify(fulfilled) }
    }

    /// Linux: do_mq_timedreceive after its checks: the oldest message of
    /// the highest priority, waiting as `send` does for room.
    func receive(file: File, timeout: UInt64?) throws(Errno) -> (priority: UInt32, text: [UInt8]) {
        var wouldBlock = false
        var message: (priority: UInt32, text: [UInt8])? = nil
        _ = try receivers.waitInterruptible(timeout: timeout) { () -> Bool in
            lock.lock()
            defer { lock.unlock() }
            message = messages.removeFirst()
            wouldBlock = message == nil && file.isNonBlocking
            return message != nil || wouldBlock
        }
        if wouldBlock { throw .EAGAIN }
        guard let message else { throw .ETIMEDOUT }
        senders.wakeUpAll()
        return message
    }

    /// mq_notify with a request: EBUSY if a process is registered already.
    func register(how: Int32, signal: Int32, value: UInt64, owner: ThreadGroup) throws(Errno) {
        try lock.withLockIrqSave { () throws(Errno) in
            guard registration == nil else { throw .EBUSY }
            registration = Registration(owner: owner, how: how, signal: signal, value: value)
        }
    }

    /// mq_notify(NULL): the caller's registration ends; anyone else's stays.
    func unregister(_ owner: ThreadGroup) {
        lock.withLockIrqSave {
            if registration?.owner === owner { registration = nil }
        }
    }

    /// SIGEV_SIGNAL's signal with SI_MESGQ, the registered value and the
    /// sender's pid and real uid, sent without kill's permission check,
    /// as Linux's __do_notify does; SIGEV_NONE and signal 0 send nothing.
    private func notify(_ registration: Registration) {
        guard registration.how == Sigevent.SIGEV_SIGNAL, let signal = Signal(rawValue: registration.signal)
        else { return }
        let sender = Scheduler.current
        var info = Siginfo(signal: signal, code: SignalCode.SI_MESGQ)
        info.si_pid = sender.tgid
        info.si_uid = sender.credentials.uid.real
        info.si_value = registration.value
        try? Signals.send(info: info, toProcess: registration.owner)
    }

    /// The status line a read of /dev/mqueue/NAME shows (Linux:
    /// mqueue_read_file, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d"):
    /// the bytes queued, the registration's kind, signal and process.
    private var status: String {
        let (bytes, registration) = lock.withLockIrqSave { () -> (Int, Registration?) in
            (messages.bytes, self.registration)
        }
        let how = registration?.how ?? 0
        let signal = how == Sigevent.SIGEV_SIGNAL ? registration?.signal ?? 0 : 0
        let pid = registration?.owner.tgid ?? 0
        return "QSIZE:" + ProcPidFiles.padded("\(bytes)", 10) + " NOTIFY:" + ProcPidFiles.padded("\(how)", 5)
            + " SIGNO:" + ProcPidFiles.padded("\(signal)", 5) + " NOTIFY_PID:" + ProcPidFiles.padded("\(pid)", 6) + "\n"
    }

    /// The status line from `offset` on (Linux: simple_read_from_buffer).
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        let text = Array(status.utf8)
        guard offset >= 0, offset < Int64(text.count) else { return [] }
        let start = Int(offset)
        let bytes = Array(text[start..<min(text.count, start + count)])
        offset += Int64(bytes.count)
        return bytes
    }

    /// Linux: mqueue_poll_file.
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        table?.wait(on: receivers)
        table?.wait(on: senders)
        let count = lock.withLockIrqSave { messages.count }
        var events: PollEvents = []
        if count > 0 { events.formUnion([.POLLIN, .POLLRDNORM]) }
        if count < maximumMessages { events.formUnion([.POLLOUT, .POLLWRNORM]) }
        return events
    }
}
