import ABI

/// Where a file-format parser reads its bytes from: a buffer already in
/// memory (the initramfs, a test's `[UInt8]`) or a file read through the page
/// cache (Linux: kernel_read(), which binfmt_elf.c's elf_read() wraps).
///
/// Parsers ask only for the small pieces they need — a header, the program
/// header table, a name — so a large executable is never copied whole, and
/// the data of an archive member is described by its position, not copied.
public protocol ByteSource {
    /// How many bytes the source holds (a file's size). Parsers check every
    /// range against it before reading, so a corrupt length field becomes a
    /// format error rather than a read past the end.
    var count: Int { get }

    /// The `count` bytes starting at `offset`. Parsers ask only for ranges
    /// inside `0 ..< self.count`; a source that still cannot supply them (a
    /// file shrunk under the reader, an I/O error) throws.
    func read(at offset: Int, count: Int) throws(Errno) -> [UInt8]
}

extension Array: ByteSource where Element == UInt8 {
    public func read(at offset: Int, count: Int) throws(Errno) -> [UInt8] {
        guard contains(offset: offset, count: count) else { throw .EIO }
        return Array(self[offset..<offset + count])
    }
}

extension ByteSource {
    /// Whether `count` bytes starting at `offset` lie inside the source. The
    /// end is computed with overflow detection: offsets come from untrusted
    /// headers, and a sum that wraps would otherwise look small and valid.
    func contains(offset: Int, count: Int) -> Bool {
        guard offset >= 0, count >= 0 else { return false }
        let (end, overflow) = offset.addingReportingOverflow(count)
        return !overflow && end <= self.count
    }

    /// `read(at:count:)`, but a source handing back fewer bytes than asked
    /// is an I/O error here, so parsers can index the result without checks.
    func readExactly(at offset: Int, count: Int) throws(Errno) -> [UInt8] {
        let bytes = try read(at: offset, count: count)
        guard bytes.count == count else { throw .EIO }
        return bytes
    }
}
