/// /dev/kmsg's record format and the prefix user space writes there (Linux:
/// kernel/printk/printk.c, info_print_ext_header, msg_print_ext_body,
/// devkmsg_write; Documentation/ABI/testing/dev-kmsg).

extension PrintkRecord {
    /// The record as one read of /dev/kmsg returns it:
    /// `priority,sequence,microseconds,-;text\n`, where bytes of the text
    /// below space, from 127 up, and the backslash are escaped as `\xNN`
    /// so a record is always one line.
    public var kmsgText: [UInt8] {
        var output = Array(
            (decimal(priority) + "," + decimal(sequence) + "," + decimal(timestamp / 1_000) + ",-;").utf8)
        for byte in text.utf8 {
            if byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\\") {
                output += Array(("\\x" + hex(UInt64(byte), width: 2)).utf8)
            } else {
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\n"))
        return output
    }
}

/// A message written to /dev/kmsg, split as devkmsg_write splits it: a
/// leading `<N>` sets the level to N & 7 and, when N >> 3 is not zero, the
/// facility; the kernel's facility (0) cannot be claimed, so a write
/// without one is LOG_USER's. Anything else is text at the default level.
public struct KmsgMessage: Equatable {
    /// LOG_USER, the facility of user-space messages.
    public static let userFacility: UInt8 = 1

    public var level: LogLevel
    public var facility: UInt8
    public var text: ArraySlice<UInt8>

    public init(_ bytes: [UInt8], defaultLevel: LogLevel = .messageDefault) {
        level = defaultLevel
        facility = Self.userFacility
        text = bytes[...]
        guard bytes.first == UInt8(ascii: "<") else { return }
        var value: UInt64 = 0
        var index = 1
        while index < bytes.count, let digit = Self.digit(bytes[index]) {
            // Linux's simple_strtoul wraps silently; saturating keeps the
            // level and facility bits meaningless but harmless the same way.
            value = value.multipliedReportingOverflow(by: 10).partialValue &+ digit
            index += 1
        }
        guard index > 1, index < bytes.count, bytes[index] == UInt8(ascii: ">") else { return }
        level = LogLevel(rawValue: UInt8(value & 7))!
        let requestedFacility = UInt8(truncatingIfNeeded: (value >> 3) & 0xFF)
        if requestedFacility != 0 { facility = requestedFacility }
        text = bytes[(index + 1)...]
    }

    private static func digit(_ byte: UInt8) -> UInt64? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? UInt64(byte - UInt8(ascii: "0")) : nil
    }
}
