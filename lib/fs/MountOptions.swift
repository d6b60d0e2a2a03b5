import ABI

/// The options text of mount(2)'s `data`, "size=1m,mode=755,uid=0", split
/// into names and values (Linux: generic_parse_monolithic and
/// vfs_parse_fs_string). A filesystem takes the ones it knows and refuses
/// the rest (tmpfs: EINVAL) or ignores them (ramfs).
public struct MountOptions: Sendable {
    public struct Option: Sendable, Equatable {
        public let name: String
        /// nil for a bare name ("noswap"); "" for "name=".
        public let value: String?
    }

    public let options: [Option]

    public init(_ options: [Option] = []) { self.options = options }

    /// Splits at commas; empty pieces are skipped, as Linux's strsep loop does.
    public init(parsing text: [UInt8]) {
        var parsed: [Option] = []
        for piece in text.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                parsed.append(
                    Option(
                        name: String(decoding: piece[piece.startIndex..<equals], as: UTF8.self),
                        value: String(decoding: piece[(equals + 1)...], as: UTF8.self)))
            } else {
                parsed.append(Option(name: String(decoding: piece, as: UTF8.self), value: nil))
            }
        }
        options = parsed
    }

    /// A size with an optional binary suffix k, m, g, t, p or e (either
    /// case), or a percentage of `total` with "%" (Linux: memparse, and
    /// shmem's "size=50%"); nil if malformed or too large.
    public static func parseSize(_ text: String, percentOf total: UInt64) -> UInt64? {
        var digits = Array(text.utf8)
        guard let last = digits.last else { return nil }
        var shift: UInt64 = 0
        var percent = false
        switch last | 0x20 {
        case UInt8(ascii: "k"): shift = 10
        case UInt8(ascii: "m"): shift = 20
        case UInt8(ascii: "g"): shift = 30
        case UInt8(ascii: "t"): shift = 40
        case UInt8(ascii: "p"): shift = 50
        case UInt8(ascii: "e"): shift = 60
        default: percent = last == UInt8(ascii: "%")
        }
        if shift != 0 || percent { digits.removeLast() }
        guard let number = parseUnsigned(digits, radix: 10) else { return nil }
        if percent {
            guard number <= 100 else { return nil }
            return total / 100 * number + total % 100 * number / 100
        }
        guard number <= UInt64.max >> shift else { return nil }
        return number << shift
    }

    /// An octal number such as a mode, "1777"; nil if malformed.
    public static func parseOctal(_ text: String) -> UInt64? { parseUnsigned(Array(text.utf8), radix: 8) }

    /// A decimal number such as a uid; nil if malformed.
    public static func parseDecimal(_ text: String) -> UInt64? { parseUnsigned(Array(text.utf8), radix: 10) }

    private static func parseUnsigned(_ digits: [UInt8], radix: UInt64) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), UInt64(digit - UInt8(ascii: "0")) < radix else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }
}
