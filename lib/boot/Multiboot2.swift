/// The Multiboot2 boot information (Multiboot2 Specification 2.0, section
/// 3.6): its total size, then tags of (type, size, payload), each padded to
/// 8 bytes, ending with a tag of type 0. Read through `read32`, an offset
/// into the information to a 32-bit field, so the same walk serves the
/// kernel at boot (physical memory, before any allocator) and host tests.
public enum Multiboot2 {
    /// The tags Apus reads.
    public enum TagType: UInt32 {
        case end = 0
        case commandLine = 1
        case module = 3
        case memoryMap = 6
        /// A copy of the ACPI 1.0 RSDP (20 bytes).
        case acpiOld = 14
        /// A copy of the ACPI 2.0 and later RSDP (36 bytes).
        case acpiNew = 15
    }

    /// Bytes before a tag's payload: its type and size.
    public static let tagHeaderSize: UInt64 = 8

    /// Calls `body(type, offset, size)` for each tag, `offset` from the start
    /// of the information and `size` including the header; stops at the end
    /// tag, at a tag shorter than its header, or at one running past the
    /// information's total size.
    public static func forEachTag(read32: (UInt64) -> UInt32, _ body: (UInt32, UInt64, UInt64) -> Void) {
        let totalSize = UInt64(read32(0))
        var offset: UInt64 = 8
        while totalSize >= tagHeaderSize && offset <= totalSize - tagHeaderSize {
            let type = read32(offset)
            let size = UInt64(read32(offset + 4))
            guard type != TagType.end.rawValue, size >= tagHeaderSize, size <= totalSize - offset else { return }
            body(type, offset, size)
            offset += (size + 7) & ~7
        }
    }

    /// Where the loader's copy of the RSDP is: the offset of the payload of
    /// the new ACPI tag, or of the old one without it (Linux prefers the
    /// 2.0 structure, which has the XSDT), its length, and whether it is the new one.
    public static func rsdpCopy(read32: (UInt64) -> UInt32) -> (offset: UInt64, length: Int, isNew: Bool)? {
        var found: (offset: UInt64, length: Int, isNew: Bool)? = nil
        forEachTag(read32: read32) { type, offset, size in
            let payload = Int(size - tagHeaderSize)
            if type == TagType.acpiNew.rawValue && payload >= RSDP.extendedLength {
                found = (offset + tagHeaderSize, RSDP.extendedLength, true)
            } else if type == TagType.acpiOld.rawValue && payload >= RSDP.length && found?.isNew != true {
                found = (offset + tagHeaderSize, RSDP.length, false)
            }
        }
        return found
    }
}
