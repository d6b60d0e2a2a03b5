/// The gzip file format, RFC 1952: DEFLATE data with a header and a
/// checksummed trailer (Linux: lib/decompress_inflate.c __gunzip; the
/// initramfs is unpacked through it by init/initramfs.c unpack_to_rootfs).
///
/// A gzip file is one or more members, each
///
///     1f 8b | CM=8 | FLG | MTIME(4) | XFL | OS
///     [XLEN(2) extra field]   if FLG.FEXTRA
///     [file name, NUL]        if FLG.FNAME
///     [comment, NUL]          if FLG.FCOMMENT
///     [CRC16 of the header]   if FLG.FHCRC
///     DEFLATE stream
///     CRC32(4) | ISIZE(4)     of the member's uncompressed data
///
/// with every multi-byte number little-endian. `cat a.gz b.gz` is a valid
/// gzip file that decompresses to a followed by b; an initramfs built from
/// several archives looks like that. Boot loaders and build tools often pad
/// the initramfs with zero bytes, which unpack_to_rootfs skips between and
/// after archives; so does this decoder.
public enum Gzip {
    /// The first two bytes of every member.
    public static let magic: (UInt8, UInt8) = (0x1f, 0x8b)
    /// CM: the only compression method defined, DEFLATE.
    static let deflateMethod: UInt8 = 8
    /// Magic, CM, FLG, MTIME, XFL and OS.
    static let fixedHeaderSize = 10
    /// CRC32 and ISIZE.
    static let trailerSize = 8

    /// The FLG byte. Bit 0, FTEXT, only hints that the data is text.
    struct Flags: OptionSet {
        let rawValue: UInt8
        static let headerCRC = Flags(rawValue: 1 << 1)
        static let extra = Flags(rawValue: 1 << 2)
        static let name = Flags(rawValue: 1 << 3)
        static let comment = Flags(rawValue: 1 << 4)
        static let reserved = Flags(rawValue: 0xe0)
    }

    /// Whether `bytes` has the gzip magic at `offset` (Linux:
    /// lib/decompress.c decompress_method, which tells the compressors
    /// apart by their magic).
    public static func isGzip(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
        offset >= 0 && bytes.count - offset >= 2 && bytes[offset] == magic.0 && bytes[offset + 1] == magic.1
    }

    /// Decompresses every member of a gzip file and returns their data one
    /// after the other. Zero bytes between and after members are skipped;
    /// anything else that is not a member is an error. `maxOutputSize`
    /// bounds the total output.
    public static func decompress(_ input: [UInt8], maxOutputSize: Int = .max) throws(GzipError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(expectedSize(of: input, maxOutputSize: maxOutputSize))
        var offset = try decompressMember(input, at: 0, appendingTo: &output, maxOutputSize: maxOutputSize)
        while true {
            while offset < input.count && input[offset] == 0 { offset += 1 }
            if offset == input.count { return output }
            guard isGzip(input, at: offset) else { throw .trailingGarbage }
            offset = try decompressMember(input, at: offset, appendingTo: &output, maxOutputSize: maxOutputSize)
        }
    }

    /// Decompresses the one member that starts at `input[offset]`, appending
    /// its data to `output`, which may not grow beyond `maxOutputSize`
    /// bytes. Returns the index of the first byte after the member. For a
    /// caller that, like unpack_to_rootfs, finds other data between members.
    public static func decompressMember(
        _ input: [UInt8], at offset: Int, appendingTo output: inout [UInt8], maxOutputSize: Int = .max
    ) throws(GzipError) -> Int {
        let dataStart = try skipHeader(input, at: offset)
        let memberStart = output.count
        let dataEnd: Int
        do {
            dataEnd = try Inflate.decompress(input, from: dataStart, appendingTo: &output, maxOutputSize: maxOutputSize)
        } catch {
            throw .deflate(error)
        }
        guard input.count - dataEnd >= trailerSize else { throw .truncatedTrailer }
        guard CRC32.checksum(output[memberStart...]) == littleEndianUInt32(input, at: dataEnd) else {
            throw .checksumMismatch
        }
        guard UInt32(truncatingIfNeeded: output.count - memberStart) == littleEndianUInt32(input, at: dataEnd + 4)
        else {
            throw .sizeMismatch
        }
        return dataEnd + trailerSize
    }

    /// Checks a member header and returns where its DEFLATE data starts.
    private static func skipHeader(_ input: [UInt8], at start: Int) throws(GzipError) -> Int {
        guard isGzip(input, at: start) else { throw .notGzip }
        guard input.count - start >= fixedHeaderSize else { throw .truncatedHeader }
        let method = input[start + 2]
        guard method == deflateMethod else { throw .unsupportedCompressionMethod(method) }
        let flags = Flags(rawValue: input[start + 3])
        guard flags.isDisjoint(with: .reserved) else { throw .reservedFlagsSet }
        // MTIME, XFL and OS describe the original file; unpacking needs
        // none of them.
        var position = start + fixedHeaderSize
        if flags.contains(.extra) {
            guard input.count - position >= 2 else { throw .truncatedHeader }
            let extraLength = Int(littleEndianUInt16(input, at: position))
            position += 2
            guard input.count - position >= extraLength else { throw .truncatedHeader }
            position += extraLength
        }
        if flags.contains(.name) { position = try skipZeroTerminated(input, from: position) }
        if flags.contains(.comment) { position = try skipZeroTerminated(input, from: position) }
        if flags.contains(.headerCRC) {
            guard input.count - position >= 2 else { throw .truncatedHeader }
            // The low 16 bits of the CRC-32 of every header byte before it.
            let headerCRC = UInt16(truncatingIfNeeded: CRC32.checksum(input[start..<position]))
            guard headerCRC == littleEndianUInt16(input, at: position) else { throw .headerChecksumMismatch }
            position += 2
        }
        return position
    }

    /// The index after the NUL that ends the string starting at `start`.
    private static func skipZeroTerminated(_ input: [UInt8], from start: Int) throws(GzipError) -> Int {
        guard let end = input[start...].firstIndex(of: 0) else { throw .truncatedHeader }
        return end + 1
    }

    /// A capacity to reserve for the output: the last member's ISIZE, which
    /// is the whole size for the usual single member. It is untrusted, so
    /// it is capped at what the input could expand to at DEFLATE's best
    /// ratio, 1032:1 (258 bytes from a two-bit length/distance pair).
    private static func expectedSize(of input: [UInt8], maxOutputSize: Int) -> Int {
        guard input.count >= fixedHeaderSize + trailerSize else { return 0 }
        let lastSize = Int(littleEndianUInt32(input, at: input.count - 4))
        return min(lastSize, maxOutputSize, input.count * 1032)
    }

    private static func littleEndianUInt16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func littleEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(littleEndianUInt16(bytes, at: offset)) | UInt32(littleEndianUInt16(bytes, at: offset + 2)) << 16
    }
}
