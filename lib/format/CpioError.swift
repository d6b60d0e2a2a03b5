import ABI

/// Why reading an initramfs archive stopped (Linux prints these through
/// error() in init/initramfs.c and keeps what it had already unpacked).
/// Entries returned before the error stay valid.
public struct CpioError: Error, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        /// The bytes at a header position are not a newc or crc magic, nor
        /// NUL padding (a compressed archive also ends up here).
        case badMagic
        /// The old portable "070707" format: Linux says "incorrect cpio
        /// method used: use -H newc option".
        case oldPortableFormat
        /// A header field holds something other than eight hex digits.
        case invalidHexDigit
        /// `namesize` is 0 (not even the NUL) or more than PATH_MAX. Linux
        /// skips such an entry; no archiver writes one, so here it is damage.
        case invalidNameSize(UInt32)
        /// The last byte of the name is not NUL.
        case nameNotTerminated
        /// The name has a NUL before its end, so C code would see a shorter
        /// name than the header states.
        case nameContainsNUL
        /// `mode` has no file type Linux can create (Linux skips the entry).
        case unknownFileType(UInt32)
        /// A symbolic link's target (its data) is longer than PATH_MAX
        /// (Linux skips the entry).
        case symlinkTargetTooLong
        /// A header, name or data runs past the end of the input.
        case truncated
        /// After a trailer and its NUL padding, the next archive does not
        /// start on a four-byte boundary (Linux: "broken padding").
        case brokenPadding
        /// The input ended inside an archive, before its "TRAILER!!!" entry.
        case missingTrailer
        /// A crc-format ("070702") file's bytes do not add up to the header's
        /// `check` field (Linux: "bad data checksum").
        case checksumMismatch(expected: UInt32, actual: UInt32)
        /// The input could not be read.
        case readFailed(Errno)
    }

    public let reason: Reason
    /// Where in the input the problem was found: the start of the header
    /// being read, or the end of the input for `missingTrailer`.
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }
}
