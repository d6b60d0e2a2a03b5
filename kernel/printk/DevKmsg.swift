import ABI
import Core
import Lib
import Synchronization

/// /dev/kmsg (1,11): the kernel log one record per read, and a way for user
/// space to add to it (Linux: kmsg_fops in kernel/printk/printk.c,
/// Documentation/ABI/testing/dev-kmsg). Each reader has its own place in
/// the log, a sequence number; a write-only open has none.
final class DevKmsg: FileOperations {
    static let minor: UInt32 = 11

    /// The next record each reader will get, by open file (Linux: struct
    /// devkmsg_user in file->private_data).
    private var readers: [(file: ObjectIdentifier, sequence: UInt64)] = []
    private let lock = SpinLock()

    private func place(of file: File) throws(Errno) -> UInt64 {
        let key = ObjectIdentifier(file)
        guard let sequence = lock.withLockIrqSave({ readers.first { $0.file == key }?.sequence }) else { throw .EBADF }
        return sequence
    }

    private func setPlace(of file: File, to sequence: UInt64) {
        let key = ObjectIdentifier(file)
        lock.withLockIrqSave {
            if let index = readers.firstIndex(where: { $0.file == key }) {
                readers[index].sequence = sequence
            } else {
                readers.append((key, sequence))
            }
        }
    }

    /// A reader starts at the oldest record and needs syslog's READ_ALL
    /// permission, so dmesg_restrict keeps it from other users.
    func open(_ file: File, flags: OpenFlags) throws(Errno) {
        guard flags.accessMode != .O_WRONLY else { return }
        try Syslog.checkPermission(.SYSLOG_ACTION_READ_ALL)
        setPlace(of: file, to: Printk.withLog { $0.records.firstSequence } ?? 0)
    }

    func release(_ file: File) {
        let key = ObjectIdentifier(file)
        lock.withLockIrqSave { readers.removeAll { $0.file == key } }
    }

    /// One record, `prio,seq,usec,-;text\n`. EPIPE once when records were
    /// overwritten since the last read (the next read goes on from the
    /// oldest one left); EINVAL when the record does not fit in `count`,
    /// which is then skipped, as in Linux.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        var sequence = try place(of: file)
        var record = Printk.withLog { $0.records.read(from: sequence) } ?? nil
        if record == nil {
            guard !file.isNonBlocking else { throw .EAGAIN }
            try Printk.readers.waitInterruptible {
                record = Printk.withLog { $0.records.read(from: sequence) } ?? nil
                return record != nil
            }
        }
        guard let record else { throw .EAGAIN }
        if record.sequence != sequence {
            setPlace(of: file, to: record.sequence)
            throw .EPIPE
        }
        sequence += 1
        setPlace(of: file, to: sequence)
        let text = record.kmsgText
        guard text.count <= count else { throw .EINVAL }
        return text
    }

    /// Logs one record; a leading `<N>` gives its level and facility.
    /// Longer than a record may be is EINVAL (Linux: devkmsg_write).
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        guard bytes.count <= PrintkLog.maxTextLength else { throw .EINVAL }
        let defaultLevel = LogLevel(
            rawValue: UInt8(clamping: Printk.defaultMessageLogLevel.load(ordering: .relaxed) & 7))!
        let message = KmsgMessage(bytes, defaultLevel: defaultLevel)
        var text = message.text
        if text.last == UInt8(ascii: "\n") { text = text.dropLast() }
        Printk.emit(message.level, facility: message.facility, text)
        return bytes.count
    }

    /// Only offset 0, from the oldest record (SEEK_SET), from where syslog
    /// last cleared (SEEK_DATA) or from the next record (SEEK_END); the
    /// file position itself does not move (Linux: devkmsg_llseek).
    func llseek(_ file: File, to offset: Int64, from whence: SeekWhence, position: inout Int64) throws(Errno) -> Int64 {
        _ = try place(of: file)
        guard offset == 0 else { throw .ESPIPE }
        let target: UInt64? =
            switch whence {
            case .SEEK_SET: Printk.withLog { $0.records.firstSequence }
            case .SEEK_DATA: Printk.withLog { $0.clearSequence }
            case .SEEK_END: Printk.withLog { $0.records.nextSequence }
            default: throw .EINVAL
            }
        setPlace(of: file, to: target ?? 0)
        return 0
    }

    var canPoll: Bool { true }

    /// Readable when a record waits; with POLLERR and POLLPRI too when the
    /// reader's next record was overwritten (Linux: devkmsg_poll).
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        if let table { table.wait(on: Printk.readers) }
        guard let sequence = try? place(of: file),
            let found = Printk.withLog({ $0.records.read(from: sequence)?.sequence }) ?? nil
        else { return [] }
        return found == sequence ? [.POLLIN, .POLLRDNORM] : [.POLLIN, .POLLRDNORM, .POLLERR, .POLLPRI]
    }
}
