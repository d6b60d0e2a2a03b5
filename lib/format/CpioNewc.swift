import ABI

/// Reads the entries of an initramfs: one or more "newc" cpio archives back
/// to back, optionally separated and followed by NUL padding (Linux:
/// unpack_to_rootfs() and its state machine in init/initramfs.c; the format
/// is in Documentation/driver-api/early-userspace/buffer-format.rst).
///
/// Each entry is a 110-byte ASCII header — a six-byte magic, "070701"
/// (newc) or "070702" (newc with a data checksum), then thirteen fields of
/// eight hex digits — followed by the name and its NUL, padded to a multiple
/// of four bytes, then the data, padded the same way. An entry named
/// "TRAILER!!!" ends an archive; the reader consumes it without returning it.
///
/// Use it like an iterator:
///
///     var reader = CpioNewcReader(initramfs)
///     while let entry = try reader.next() { ... }
///
/// The input is untrusted. Any inconsistency ends the reading with a
/// `CpioError`; the entries already returned remain valid and can be kept,
/// which is what Linux does when it unpacks a damaged initramfs. An input
/// that ends inside an archive throws `.missingTrailer` after its last
/// complete entry. After an error `next()` returns `nil`.
public struct CpioNewcReader<Source: ByteSource> {
    /// Bytes in every header.
    public static var headerSize: Int { 110 }
    /// PATH_MAX: the largest `namesize` (NUL included) and symbolic-link
    /// target accepted.
    public static var maximumPathSize: Int { 4096 }

    private let source: Source
    /// Where the next header or padding starts.
    private var offset = 0
    private var archiveIndex = 0
    /// Whether a header has been read since the last trailer, so that the
    /// end of the input now means a missing trailer.
    private var insideArchive = false
    private var finished = false

    public init(_ source: Source) {
        self.source = source
    }

    /// The next entry, or `nil` after the last trailer and any padding.
    public mutating func next() throws(CpioError) -> CpioEntry? {
        guard !finished else { return nil }
        do throws(CpioError) {
            while true {
                if !insideArchive {
                    try skipPaddingBetweenArchives()
                    guard offset < source.count else {
                        finished = true
                        return nil
                    }
                    insideArchive = true
                } else if offset >= source.count {
                    throw CpioError(.missingTrailer, at: offset)
                }
                let (entry, nextOffset) = try readEntry(at: offset)
                offset = nextOffset
                guard let entry else {
                    insideArchive = false
                    archiveIndex += 1
                    continue
                }
                return entry
            }
        } catch {
            finished = true
            throw error
        }
    }

    /// Checks a crc-format regular file's data against its header's `check`
    /// field, reading the data in page-sized pieces. Linux checks only
    /// regular files, summing the bytes as it copies them; other entries,
    /// and plain newc ones, pass.
    public func verifyChecksum(of entry: CpioEntry) throws(CpioError) {
        guard let expected = entry.checksum, entry.fileType == .regular else { return }
        var sum: UInt32 = 0
        var position = entry.data.lowerBound
        while position < entry.data.upperBound {
            let count = min(4096, entry.data.upperBound - position)
            for byte in try read(at: position, count: count, entryAt: entry.headerOffset) {
                sum &+= UInt32(byte)
            }
            position += count
        }
        guard sum == expected else {
            throw CpioError(.checksumMismatch(expected: expected, actual: sum), at: entry.headerOffset)
        }
    }

    // MARK: - Between archives

    /// Skips the NULs that may follow a trailer. Linux skips them a byte at a
    /// time and then insists that the next archive start on a four-byte
    /// boundary, since every offset inside an archive is aligned from there.
    private mutating func skipPaddingBetweenArchives() throws(CpioError) {
        while offset < source.count {
            let chunk = try read(at: offset, count: min(512, source.count - offset), entryAt: offset)
            guard let nonZero = chunk.firstIndex(where: { $0 != 0 }) else {
                offset += chunk.count
                continue
            }
            offset += nonZero
            guard offset % 4 == 0 else { throw CpioError(.brokenPadding, at: offset) }
            return
        }
    }

    // MARK: - One entry

    /// Reads the entry whose header is at `headerOffset`. Returns `nil` for a
    /// trailer, and where the next header or padding starts.
    private func readEntry(at headerOffset: Int) throws(CpioError) -> (CpioEntry?, next: Int) {
        func fail(_ reason: CpioError.Reason) -> CpioError { CpioError(reason, at: headerOffset) }

        guard source.contains(offset: headerOffset, count: Self.headerSize) else {
            throw fail(.truncated)
        }
        let header = try read(at: headerOffset, count: Self.headerSize, entryAt: headerOffset)
        let hasChecksum = try Self.checkMagic(header, entryAt: headerOffset)
        var fields: [UInt32] = []
        for index in 0..<13 {
            guard let field = Self.hexField(header, at: 6 + 8 * index) else {
                throw fail(.invalidHexDigit)
            }
            fields.append(field)
        }
        let mode = fields[1], fileSize = fields[6], nameSize = fields[11]

        // The name, its NUL and the padding that aligns the data must all be
        // there; Linux reads them as one piece before acting on the name.
        guard nameSize >= 1, nameSize <= Self.maximumPathSize else {
            throw fail(.invalidNameSize(nameSize))
        }
        let nameStart = headerOffset + Self.headerSize
        let (nameEnd, overflow) = nameStart.addingReportingOverflow(Int(nameSize))
        guard !overflow, let dataStart = Self.alignedToFour(nameEnd),
            source.contains(offset: nameStart, count: dataStart - nameStart)
        else {
            throw fail(.truncated)
        }
        let nameWithNUL = try read(at: nameStart, count: Int(nameSize), entryAt: headerOffset)
        guard nameWithNUL.last == 0 else { throw fail(.nameNotTerminated) }
        let name = Array(nameWithNUL.dropLast())
        guard !name.contains(0) else { throw fail(.nameContainsNUL) }

        // The data must be there too; only the padding after it may be cut
        // off by the end of the input.
        guard let dataSize = Int(exactly: fileSize),
            source.contains(offset: dataStart, count: dataSize)
        else {
            throw fail(.truncated)
        }
        let dataEnd = dataStart + dataSize
        let next = min(Self.alignedToFour(dataEnd) ?? source.count, source.count)

        if name == trailerName { return (nil, next) }
        guard let fileType = CpioFileType(mode: mode) else { throw fail(.unknownFileType(mode)) }
        guard fileType != .symbolicLink || dataSize <= Self.maximumPathSize else {
            throw fail(.symlinkTargetTooLong)
        }
        let entry = CpioEntry(
            name: name, fileType: fileType, mode: mode, userID: fields[2], groupID: fields[3],
            linkCount: fields[4], modificationTime: fields[5], inode: fields[0],
            devMajor: fields[7], devMinor: fields[8], rdevMajor: fields[9], rdevMinor: fields[10],
            data: dataStart..<dataEnd, checksum: hasChecksum ? fields[12] : nil,
            headerOffset: headerOffset, archiveIndex: archiveIndex)
        return (entry, next)
    }

    /// Returns whether the header is the crc variant, whose `check` field
    /// holds a checksum; throws for anything but the two newc magics.
    private static func checkMagic(_ header: [UInt8], entryAt offset: Int) throws(CpioError) -> Bool {
        let magic = header[0..<6]
        if magic.elementsEqual(newcMagic) { return false }
        if magic.elementsEqual(crcMagic) { return true }
        if magic.elementsEqual(oldPortableMagic) { throw CpioError(.oldPortableFormat, at: offset) }
        throw CpioError(.badMagic, at: offset)
    }

    /// The eight hex digits at `offset`, or `nil` if any is not one. Linux's
    /// simple_strntoul() stops at the first bad digit instead; refusing it
    /// catches a damaged header before its numbers are used.
    private static func hexField(_ header: [UInt8], at offset: Int) -> UInt32? {
        var value: UInt32 = 0
        for character in header[offset..<offset + 8] {
            let digit: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// `offset` rounded up to a multiple of four, or `nil` on overflow.
    private static func alignedToFour(_ offset: Int) -> Int? {
        let (sum, overflow) = offset.addingReportingOverflow(3)
        return overflow ? nil : sum & ~3
    }

    private func read(at offset: Int, count: Int, entryAt entryOffset: Int) throws(CpioError) -> [UInt8] {
        guard source.contains(offset: offset, count: count) else {
            throw CpioError(.truncated, at: entryOffset)
        }
        do {
            return try source.readExactly(at: offset, count: count)
        } catch {
            throw CpioError(.readFailed(error), at: entryOffset)
        }
    }
}

private let newcMagic = Array("070701".utf8)
private let crcMagic = Array("070702".utf8)
private let oldPortableMagic = Array("070707".utf8)
private let trailerName = Array("TRAILER!!!".utf8)
