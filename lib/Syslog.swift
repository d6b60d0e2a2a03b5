/// The readers syslog(2) offers over the kernel log (Linux:
/// kernel/printk/printk.c, syslog_print and syslog_print_all).

/// The one consuming reader of syslog's READ action: where it stopped, down
/// to a byte inside a record that did not fit the last buffer (Linux:
/// syslog_seq and syslog_partial).
public struct SyslogReader: Sendable {
    /// The next record to read.
    public private(set) var sequence: UInt64 = 0
    /// Bytes of that record's syslog text already returned.
    public private(set) var partial = 0

    public init() {}

    /// Whether a record at or after the reader's place exists, which READ
    /// sleeps for.
    public func hasUnread(in log: PrintkLog) -> Bool { sequence < log.nextSequence }

    /// Takes up to `size` bytes of syslog text: whole records while they
    /// fit; a record bigger than the whole buffer is returned in pieces.
    /// Records overwritten before they were read are skipped.
    public mutating func read(from log: PrintkLog, size: Int) -> [UInt8] {
        var output: [UInt8] = []
        while output.count < size, let record = log.read(from: sequence) {
            if record.sequence != sequence {
                sequence = record.sequence
                partial = 0
            }
            let text = Array(record.syslogText.utf8)
            let remaining = text.count - partial
            let room = size - output.count
            if remaining <= room {
                output += text[partial...]
                sequence += 1
                partial = 0
            } else if output.isEmpty {
                output += text[partial..<(partial + room)]
                partial += room
            } else {
                break
            }
        }
        return output
    }

    /// Bytes READ would return now (SIZE_UNREAD), after skipping to the
    /// oldest record if the reader's place was overwritten.
    public mutating func unreadSize(in log: PrintkLog) -> Int {
        if sequence < log.firstSequence {
            sequence = log.firstSequence
            partial = 0
        }
        return syslogSize(of: log, from: sequence) - partial
    }
}

/// Bytes of syslog text of the records from `sequence` on.
func syslogSize(of log: PrintkLog, from sequence: UInt64) -> Int {
    var total = 0
    var next = sequence
    while let record = log.read(from: next) {
        total += record.syslogText.utf8.count
        next = record.sequence + 1
    }
    return total
}

extension PrintkLog {
    /// READ_ALL's text: the newest records from `sequence` on whose syslog
    /// text fits in `size` bytes together, oldest first (Linux:
    /// syslog_print_all drops records from the front until the rest fit).
    public func syslogText(from sequence: UInt64, fitting size: Int) -> [UInt8] {
        var total = syslogSize(of: self, from: sequence)
        var next = max(sequence, firstSequence)
        while total > size, let record = read(from: next) {
            total -= record.syslogText.utf8.count
            next = record.sequence + 1
        }
        var output: [UInt8] = []
        while let record = read(from: next) {
            let text = record.syslogText.utf8
            guard output.count + text.count <= size else { break }
            output += text
            next = record.sequence + 1
        }
        return output
    }
}
