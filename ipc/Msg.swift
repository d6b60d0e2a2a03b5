import ABI
import Core
import Lib

/// One System V message queue (Linux: struct msg_queue in ipc/msg.c): typed
/// messages, oldest first, up to `maxBytes` bytes of text (and as many
/// messages). Its fields change under `MsgSyscalls.ids`'s lock.
final class MsgQueue: IPCObject {
    var permission: IPCPermission
    var messages: [(type: Int64, text: [UInt8])] = []
    var bytes: UInt64 = 0
    /// msg_qbytes: msgmnb when made, IPC_SET may change it.
    var maxBytes: UInt64
    var sendTime: Int64 = 0
    var receiveTime: Int64 = 0
    var changeTime: Int64
    var lastSender: Int32 = 0
    var lastReceiver: Int32 = 0
    /// Set by IPC_RMID: waiting senders and receivers leave with EIDRM.
    var isRemoved = false
    /// Senders wait here for room, receivers for a message.
    let senders = WaitQueue()
    let receivers = WaitQueue()

    init(_ permission: IPCPermission, maxBytes: UInt64) {
        self.permission = permission
        self.maxBytes = maxBytes
        changeTime = IPC.now
    }

    /// Whether `size` more bytes fit (Linux: msg_fits): the queue holds at
    /// most msg_qbytes bytes and msg_qbytes messages.
    func fits(_ size: UInt64) -> Bool {
        size <= maxBytes && bytes <= maxBytes - size && UInt64(messages.count) + 1 <= maxBytes
    }

    var status: MsqidDs {
        var status = MsqidDs()
        status.msg_perm = permission.userView
        status.msg_stime = sendTime
        status.msg_rtime = receiveTime
        status.msg_ctime = changeTime
        status.msg_cbytes = bytes
        status.msg_qnum = UInt64(messages.count)
        status.msg_qbytes = maxBytes
        status.msg_lspid = lastSender
        status.msg_lrpid = lastReceiver
        return status
    }
}

/// msgget, msgsnd, msgrcv and msgctl (Linux: ipc/msg.c).
enum MsgSyscalls {
    static let ids = SpinLocked(IPCIds<MsgQueue>())

    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.msgget, syscall(msgget)),
        (.msgsnd, syscall(msgsnd)),
        (.msgrcv, syscall(msgrcv)),
        (.msgctl, syscall(msgctl)),
    ]

    /// msgget(key, msgflg): the queue of `key`, or a new one (Linux:
    /// ksys_msgget, newque). ENOSPC beyond msgmni queues.
    static func msgget(_ key: Int32, _ flags: IPCFlags) throws(Errno) -> Int64 {
        let credentials = IPC.credentials
        let limits = IPC.currentLimits
        return Int64(
            try ids.withLock { ids throws(Errno) -> Int32 in
                if let id = try ids.resolve(key: key, flags: flags, credentials: credentials) { return id }
                let permission = IPCPermission(key: key, mode: flags.permissions, credentials: credentials)
                let queue = MsgQueue(permission, maxBytes: UInt64(limits.msgmnb))
                return try ids.add(queue, limit: Int(limits.msgmni))
            })
    }

    /// The queue `id` names, if the caller may do what `access` (rwx bits) asks.
    private static func queue(_ id: Int32, access: UInt32) throws(Errno) -> MsgQueue {
        let credentials = IPC.credentials
        return try ids.withLock { ids throws(Errno) -> MsgQueue in
            let queue = try ids.lookup(id)
            guard queue.permission.allows(access, credentials) else { throw .EACCES }
            return queue
        }
    }

    /// msgsnd(msqid, msgp, msgsz, msgflg) (Linux: do_msgsnd): the message
    /// is a long type, at least 1, and msgsz bytes of text, at most msgmax.
    /// Waits for room unless IPC_NOWAIT (EAGAIN); EIDRM if the queue goes.
    static func msgsnd(_ id: Int32, _ message: UserPointer<Int64>, _ size: Int64, _ flags: IPCFlags) throws(Errno)
        -> Int64
    {
        // Linux: ksys_msgsnd reads mtype before do_msgsnd checks anything.
        let type = try message.read()
        guard id >= 0, size >= 0, size <= IPC.currentLimits.msgmax, type >= 1 else { throw .EINVAL }
        let text = try UserPointer<UInt8>(address: message.address &+ 8).read(count: Int(size))
        let queue = try queue(id, access: 0o222)
        var failure: Errno? = nil
        do {
            try queue.senders.waitInterruptible { () -> Bool in
                ids.withLock { _ in
                    if queue.isRemoved {
                        failure = .EIDRM
                    } else if queue.fits(UInt64(size)) {
                        queue.messages.append((type, text))
                        queue.bytes += UInt64(size)
                        queue.lastSender = IPC.callerPid
                        queue.sendTime = IPC.now
                    } else if flags.contains(.IPC_NOWAIT) {
                        failure = .EAGAIN
                    } else {
                        return false
                    }
                    return true
                }
            }
        } catch {
            throw IPC.interruptedMessageCall(error)
        }
        if let failure { throw failure }
        queue.receivers.wakeUpAll()
        return 0
    }

    /// msgrcv(msqid, msgp, msgsz, msgtyp, msgflg) (Linux: do_msgrcv): takes
    /// the message MessageSearch picks and copies its type and at most msgsz
    /// bytes of text out, returning the text's length. E2BIG for a longer
    /// message unless MSG_NOERROR cuts it; with none, ENOMSG for IPC_NOWAIT,
    /// else a wait. MSG_COPY copies message number msgtyp and leaves it.
    static func msgrcv(
        _ id: Int32, _ buffer: UserPointer<Int64>, _ size: Int64, _ type: Int64, _ flags: IPCFlags
    ) throws(Errno) -> Int64 {
        guard id >= 0, size >= 0 else { throw .EINVAL }
        let copying = flags.contains(.MSG_COPY)
        if copying && (!flags.contains(.IPC_NOWAIT) || flags.contains(.MSG_EXCEPT)) { throw .EINVAL }
        let search = MessageSearch(type: type, flags: flags)
        let queue = try queue(id, access: 0o444)
        var failure: Errno? = nil
        var received: (type: Int64, text: [UInt8])? = nil
        do {
            try queue.receivers.waitInterruptible { () -> Bool in
                ids.withLock { _ in
                    if queue.isRemoved {
                        failure = .EIDRM
                        return true
                    }
                    let position =
                        copying
                        ? (type >= 0 && type < Int64(queue.messages.count) ? Int(type) : nil)
                        : search.select(queue.messages.lazy.map { $0.type })
                    guard let position else {
                        if flags.contains(.IPC_NOWAIT) { failure = .ENOMSG }
                        return failure != nil
                    }
                    let message = queue.messages[position]
                    if message.text.count > size && !flags.contains(.MSG_NOERROR) {
                        failure = .E2BIG
                    } else if copying {
                        received = message
                    } else {
                        received = queue.messages.remove(at: position)
                        queue.bytes -= UInt64(message.text.count)
                        queue.lastReceiver = IPC.callerPid
                        queue.receiveTime = IPC.now
                    }
                    return true
                }
            }
        } catch {
            throw IPC.interruptedMessageCall(error)
        }
        if let failure { throw failure }
        guard let received else { return 0 }
        if !copying { queue.senders.wakeUpAll() }
        let text = Array(received.text.prefix(Int(size)))
        try buffer.write(received.type)
        try UserPointer<UInt8>(address: buffer.address &+ 8).write(text)
        return Int64(text.count)
    }

    /// msgctl(msqid, cmd, buf) (Linux: ksys_msgctl).
    static func msgctl(_ id: Int32, _ command: Int32, _ buffer: UInt64) throws(Errno) -> Int64 {
        guard id >= 0, command >= 0 else { throw .EINVAL }
        let credentials = IPC.credentials
        switch command {
        case IPCCommand.IPC_INFO.rawValue, IPCCommand.MSG_INFO:
            let (info, result) = information(usage: command == IPCCommand.MSG_INFO)
            try UserPointer<Msginfo>(address: buffer).write(info)
            return result
        case IPCCommand.IPC_STAT.rawValue, IPCCommand.MSG_STAT, IPCCommand.MSG_STAT_ANY:
            let byIndex = command != IPCCommand.IPC_STAT.rawValue
            let (status, foundId) = try ids.withLock { ids throws(Errno) -> (MsqidDs, Int32) in
                let queue = try ids.lookup(
                    forStatus: id, byIndex: byIndex, anyone: command == IPCCommand.MSG_STAT_ANY,
                    credentials: credentials)
                return (queue.status, queue.permission.id)
            }
            try UserPointer<MsqidDs>(address: buffer).write(status)
            return byIndex ? Int64(foundId) : 0
        case IPCCommand.IPC_SET.rawValue:
            let wanted = try UserPointer<MsqidDs>(address: buffer).read()
            let limit = UInt64(IPC.currentLimits.msgmnb)
            let queue = try ids.withLock { ids throws(Errno) -> MsgQueue in
                let queue = try ids.lookup(id, changedBy: credentials)
                // Linux: raising msg_qbytes past msgmnb takes CAP_SYS_RESOURCE.
                if wanted.msg_qbytes > limit && !credentials.capable(.CAP_SYS_RESOURCE) { throw .EPERM }
                queue.permission.update(from: wanted.msg_perm)
                queue.maxBytes = wanted.msg_qbytes
                queue.changeTime = IPC.now
                return queue
            }
            queue.senders.wakeUpAll()
            return 0
        case IPCCommand.IPC_RMID.rawValue:
            let queue = try ids.withLock { ids throws(Errno) -> MsgQueue in
                let queue = try ids.lookup(id, changedBy: credentials)
                ids.remove(queue)
                queue.isRemoved = true
                return queue
            }
            queue.senders.wakeUpAll()
            queue.receivers.wakeUpAll()
            return 0
        default:
            throw .EINVAL
        }
    }

    /// IPC_INFO's limits, or MSG_INFO's usage: queues in msgpool, messages
    /// in msgmap and bytes in msgtql (Linux: msgctl_info).
    private static func information(usage: Bool) -> (Msginfo, Int64) {
        let limits = IPC.currentLimits
        var info = Msginfo()
        info.msgmni = Int32(limits.msgmni)
        info.msgmax = Int32(limits.msgmax)
        info.msgmnb = Int32(limits.msgmnb)
        info.msgssz = IPCDefaults.MSGSSZ
        info.msgseg = IPCDefaults.MSGSEG
        // Linux: MSGPOOL, MSGMAP and MSGTQL, fixed numbers.
        info.msgpool = Int32(IPCDefaults.MSGMNI * IPCDefaults.MSGMNB / 1024)
        info.msgmap = Int32(IPCDefaults.MSGMNB)
        info.msgtql = Int32(IPCDefaults.MSGMNB)
        return ids.withLock { ids in
            if usage {
                info.msgpool = Int32(ids.count)
                info.msgmap = Int32(clamping: ids.objects.reduce(0) { $0 + $1.messages.count })
                info.msgtql = Int32(clamping: ids.objects.reduce(UInt64(0)) { $0 + $1.bytes })
            }
            return (info, ids.infoResult)
        }
    }

    /// /proc/sysvipc/msg (Linux: sysvipc_msg_proc_show).
    static func procText() -> String {
        let rows = ids.withLock { ids in ids.objects.map { ($0.status, $0.permission.id) } }
        return rows.reduce(SysvipcProc.messageHeader) { $0 + SysvipcProc.messageLine($1.0, id: $1.1) }
    }
}
