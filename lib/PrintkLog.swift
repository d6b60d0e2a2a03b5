/// The kernel log: message levels, the record ring buffer behind `dmesg`, and
/// the console line format (Linux: kernel/printk/printk.c,
/// kernel/printk/printk_ringbuffer.c).

/// How urgent a kernel message is; lower is more urgent (Linux: KERN_EMERG
/// ... KERN_DEBUG in include/linux/kern_levels.h).
public enum LogLevel: UInt8, Sendable {
    case emerg = 0, alert, crit, err, warning, notice, info, debug

    /// The level of a message that names none (MESSAGE_LOGLEVEL_DEFAULT).
    public static let messageDefault = LogLevel.warning

    /// KERN_SOH, the byte that starts a level marker.
    public static let startOfHeader: UInt8 = 0x01

    /// The marker that selects this level at the start of a message, as
    /// Linux spells it: `LogLevel.err.marker == "\u{01}3"` (KERN_ERR).
    public var marker: String {
        String(decoding: [Self.startOfHeader, UInt8(ascii: "0") + rawValue], as: UTF8.self)
    }

    /// Reads the markers at the start of a message (Linux:
    /// printk_parse_prefix). The first level marker wins; a KERN_CONT marker
    /// (`"\u{01}c"`) is skipped, since records are never merged here.
    /// Returns the level, if any, and how many bytes the markers take.
    public static func parsePrefix(of message: some Collection<UInt8>) -> (level: LogLevel?, length: Int) {
        var level: LogLevel?
        var length = 0
        var bytes = message[...]
        while bytes.count >= 2, bytes.first == startOfHeader {
            let code = bytes[bytes.index(after: bytes.startIndex)]
            if code >= UInt8(ascii: "0") && code <= UInt8(ascii: "7") {
                level = level ?? LogLevel(rawValue: code - UInt8(ascii: "0"))
            } else if code != UInt8(ascii: "c") {
                break
            }
            bytes = bytes.dropFirst(2)
            length += 2
        }
        return (level, length)
    }

    /// Whether a message of this level goes to the console: only levels
    /// more urgent than the console log level do (Linux:
    /// suppress_message_printing). The log keeps every message regardless.
    public func isPrinted(onConsoleAt consoleLogLevel: Int) -> Bool {
        Int(rawValue) < consoleLogLevel
    }
}

/// Values of the console log level, which is a plain integer: `loglevel=`
/// accepts any number (Linux: console_loglevel, include/linux/printk.h).
public enum ConsoleLogLevel {
    /// CONSOLE_LOGLEVEL_DEFAULT: everything but debug messages.
    public static let `default` = 7
    /// CONSOLE_LOGLEVEL_QUIET, set by `quiet`: errors and worse only.
    public static let quiet = 4
    /// CONSOLE_LOGLEVEL_DEBUG, set by `debug`: everything.
    public static let debug = 10
}

/// One message as read back from the log (Linux: struct printk_info plus
/// its text).
public struct PrintkRecord: Sendable {
    /// Position in the stream of all messages since boot; a gap between
    /// the sequence asked for and the one returned means records were lost.
    public let sequence: UInt64
    /// Nanoseconds since boot.
    public let timestamp: UInt64
    public let level: LogLevel
    /// Who logged it, as syslog(3) numbers them: 0 (LOG_KERN) for the
    /// kernel, 1 (LOG_USER) by default for writes to /dev/kmsg.
    public let facility: UInt8
    /// The message without level markers or trailing newline.
    public let text: String

    public init(sequence: UInt64, timestamp: UInt64, level: LogLevel, facility: UInt8 = 0, text: String) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.level = level
        self.facility = facility
        self.text = text
    }

    /// The record as the console shows it: each line prefixed with the time
    /// as `[%5lu.%06lu] ` and ended by a newline (Linux: print_time,
    /// record_print_text): `[    0.012345] text\n`.
    public var consoleText: String { printText(syslog: false) }

    /// The record as syslog(2) reads it: the console form with each line
    /// also prefixed by `<priority>`, the facility and level as one number
    /// (Linux: record_print_text with syslog set, info_print_prefix).
    public var syslogText: String { printText(syslog: true) }

    /// syslog's priority value: facility << 3 | level (Linux: LOG_MAKEPRI).
    public var priority: UInt64 { UInt64(facility) << 3 | UInt64(level.rawValue) }

    private func printText(syslog: Bool) -> String {
        let seconds = timestamp / 1_000_000_000
        let microseconds = timestamp % 1_000_000_000 / 1_000
        var prefix = "[" + decimal(seconds, width: 5) + "." + decimal(microseconds, width: 6, zeroPadded: true) + "] "
        if syslog { prefix = "<" + decimal(priority) + ">" + prefix }
        var output = ""
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            output += prefix + String(decoding: line, as: UTF8.self) + "\n"
        }
        return output
    }
}

/// The kernel's message log: a fixed-size ring that keeps the newest
/// records and drops the oldest (Linux: printk_ringbuffer). Like Linux it has
/// two rings, both allocated once at creation so appending never allocates:
/// a byte ring holding the texts back to back, and a ring of descriptors,
/// one per record, found directly from the sequence number.
public struct PrintkLog: Sendable {
    /// Bytes of message text the log holds by default (Linux:
    /// CONFIG_LOG_BUF_SHIFT 17; `log_buf_len=` changes it).
    public static let defaultCapacity = 1 << 17
    /// Longer messages are cut to this many bytes (PRINTKRB_RECORD_MAX).
    public static let maxTextLength = 1024
    /// Bytes of text the ring holds (Linux: log_buf_len, which syslog's
    /// SIZE_BUFFER reports).
    public var capacity: Int { text.count }
    /// Linux sizes the descriptor ring for texts averaging 32 bytes
    /// (PRB_AVGBITS), so it rarely runs out before the byte ring does.
    static let averageTextLengthShift = 5

    /// Where a record's text lives in `text`, and what to say about it.
    private struct Descriptor: Sendable {
        var textStart: Int
        var textLength: Int
        var level: LogLevel
        var facility: UInt8
        var timestamp: UInt64
    }

    private var text: [UInt8]
    private var descriptors: [Descriptor]
    /// Index in `text` where the next record's text goes.
    private var textHead = 0
    /// Bytes of `text` that belong to stored records.
    private var textUsed = 0

    /// The oldest record still stored.
    public private(set) var firstSequence: UInt64 = 0
    /// The sequence number the next record will get.
    public private(set) var nextSequence: UInt64 = 0

    /// A log holding `capacity` bytes of text, with room for
    /// `capacity / 32` records.
    public init(capacity: Int = PrintkLog.defaultCapacity) {
        precondition(capacity > 0, "log capacity must be positive")
        text = [UInt8](repeating: 0, count: capacity)
        let unused = Descriptor(textStart: 0, textLength: 0, level: .messageDefault, facility: 0, timestamp: 0)
        descriptors = [Descriptor](repeating: unused, count: max(1, capacity >> Self.averageTextLengthShift))
    }

    /// Logs a message the way `printk` gets it: a leading level marker
    /// picks the level (default `messageDefault`) and a trailing newline is
    /// dropped. Returns the record's sequence number.
    @discardableResult
    public mutating func append(_ message: String, timestamp: UInt64) -> UInt64 {
        let bytes = message.utf8
        let prefix = LogLevel.parsePrefix(of: bytes)
        var body = bytes.dropFirst(prefix.length)
        if body.last == UInt8(ascii: "\n") { body = body.dropLast() }
        return append(level: prefix.level ?? .messageDefault, text: body, timestamp: timestamp)
    }

    /// Logs `text` at `level` as is, from `facility` (the kernel's, 0, by
    /// default). Returns the record's sequence number.
    @discardableResult
    public mutating func append(
        level: LogLevel, facility: UInt8 = 0, text message: some Collection<UInt8>, timestamp: UInt64
    ) -> UInt64 {
        let length = min(message.count, Self.maxTextLength, text.count)
        while textUsed + length > text.count || nextSequence - firstSequence == UInt64(descriptors.count) {
            dropOldest()
        }
        var index = textHead
        for byte in message.prefix(length) {
            text[index] = byte
            index = index + 1 == text.count ? 0 : index + 1
        }
        let sequence = nextSequence
        descriptors[slot(of: sequence)] = Descriptor(
            textStart: textHead, textLength: length, level: level, facility: facility, timestamp: timestamp)
        textHead = index
        textUsed += length
        nextSequence += 1
        return sequence
    }

    /// The first record whose sequence number is `sequence` or later, or
    /// nil when there is none yet (Linux: prb_read_valid). A reader keeps
    /// asking for the sequence after the last record it got; if the answer
    /// starts later than that, the records in between were overwritten.
    public func read(from sequence: UInt64) -> PrintkRecord? {
        let found = max(sequence, firstSequence)
        guard found < nextSequence else { return nil }
        let descriptor = descriptors[slot(of: found)]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(descriptor.textLength)
        for offset in 0..<descriptor.textLength {
            bytes.append(text[(descriptor.textStart + offset) % text.count])
        }
        return PrintkRecord(
            sequence: found, timestamp: descriptor.timestamp,
            level: descriptor.level, facility: descriptor.facility, text: String(decoding: bytes, as: UTF8.self))
    }

    private mutating func dropOldest() {
        textUsed -= descriptors[slot(of: firstSequence)].textLength
        firstSequence += 1
    }

    private func slot(of sequence: UInt64) -> Int {
        Int(sequence % UInt64(descriptors.count))
    }
}
