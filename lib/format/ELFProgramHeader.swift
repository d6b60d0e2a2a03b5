/// One entry of an ELF program header table: a segment, the unit in which
/// the kernel sees an executable (Linux: `struct elf64_phdr` in
/// include/uapi/linux/elf.h). Sections are for linkers and debuggers; exec
/// reads only these.
public struct ELFProgramHeader: Equatable, Sendable {
    /// Bytes per entry in the file (`sizeof(struct elf64_phdr)`); the only
    /// `e_phentsize` Linux accepts.
    public static let size = 56

    /// `p_type`: what the segment is for.
    public let type: ELFSegmentType
    /// `p_flags`: how the segment's pages may be accessed.
    public let permissions: ELFSegmentPermissions
    /// `p_offset`: where the segment's bytes start in the file.
    public let fileOffset: UInt64
    /// `p_vaddr`: where the segment starts in memory, before the load bias.
    public let virtualAddress: UInt64
    /// `p_filesz`: bytes taken from the file.
    public let fileSize: UInt64
    /// `p_memsz`: bytes in memory; those beyond `fileSize` are zero (.bss).
    public let memorySize: UInt64
    /// `p_align`: the alignment the linker laid the segment out for.
    public let alignment: UInt64

    public init(
        type: ELFSegmentType, permissions: ELFSegmentPermissions, fileOffset: UInt64, virtualAddress: UInt64,
        fileSize: UInt64, memorySize: UInt64, alignment: UInt64
    ) {
        self.type = type
        self.permissions = permissions
        self.fileOffset = fileOffset
        self.virtualAddress = virtualAddress
        self.fileSize = fileSize
        self.memorySize = memorySize
        self.alignment = alignment
    }

    /// Writes the entry at `offset` of `table`, `p_paddr` as 0 (a core
    /// file's program headers, Linux: fill_elf_note_phdr and the PT_LOADs
    /// of elf_core_dump).
    func encode(into table: inout [UInt8], at offset: Int) {
        table.storeLittleEndian(type.rawValue, at: offset)
        table.storeLittleEndian(permissions.rawValue, at: offset + 4)
        table.storeLittleEndian(fileOffset, at: offset + 8)
        table.storeLittleEndian(virtualAddress, at: offset + 16)
        table.storeLittleEndian(UInt64(0), at: offset + 24)
        table.storeLittleEndian(fileSize, at: offset + 32)
        table.storeLittleEndian(memorySize, at: offset + 40)
        table.storeLittleEndian(alignment, at: offset + 48)
    }

    /// Decodes the entry at `offset` in `table`, which the caller has checked
    /// holds `size` bytes there. `p_paddr` (offset 24) is skipped: physical
    /// addresses mean nothing to a user program.
    init(decoding table: [UInt8], at offset: Int) {
        type = ELFSegmentType(rawValue: table.littleEndianUInt32(at: offset))
        permissions = ELFSegmentPermissions(rawValue: table.littleEndianUInt32(at: offset + 4))
        fileOffset = table.littleEndianUInt64(at: offset + 8)
        virtualAddress = table.littleEndianUInt64(at: offset + 16)
        fileSize = table.littleEndianUInt64(at: offset + 32)
        memorySize = table.littleEndianUInt64(at: offset + 40)
        alignment = table.littleEndianUInt64(at: offset + 48)
    }

    /// One past the segment's last byte in memory, or `nil` if that overflows.
    var memoryEnd: UInt64? {
        let (end, overflow) = virtualAddress.addingReportingOverflow(memorySize)
        return overflow ? nil : end
    }
}

/// `p_type` values (Linux: PT_* in include/uapi/linux/elf.h). A struct rather
/// than an enum: tables hold types this kernel has no use for, and those are
/// kept, not rejected.
public struct ELFSegmentType: RawRepresentable, Equatable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// PT_LOAD: bytes to map into memory.
    public static let load = ELFSegmentType(rawValue: 1)
    /// PT_DYNAMIC: the dynamic linking table, for ld.so or a static-PIE's
    /// self-relocation code.
    public static let dynamic = ELFSegmentType(rawValue: 2)
    /// PT_INTERP: the path of the program interpreter (the dynamic linker).
    public static let interpreter = ELFSegmentType(rawValue: 3)
    /// PT_NOTE: notes such as the build ID and the ABI tag.
    public static let note = ELFSegmentType(rawValue: 4)
    /// PT_PHDR: where the program header table itself sits in memory.
    public static let programHeaders = ELFSegmentType(rawValue: 6)
    /// PT_TLS: the initial image of thread-local storage; the C library, not
    /// the kernel, sets up each thread's copy.
    public static let threadLocalStorage = ELFSegmentType(rawValue: 7)
    /// PT_GNU_STACK: its flags say whether the stack must be executable.
    public static let gnuStack = ELFSegmentType(rawValue: 0x6474_E551)
    /// PT_GNU_RELRO: memory the C library makes read-only after relocation.
    public static let gnuReadOnlyAfterRelocation = ELFSegmentType(rawValue: 0x6474_E552)
}

/// `p_flags` (Linux: PF_X, PF_W, PF_R). Linux's make_prot() turns them into
/// PROT_EXEC, PROT_WRITE and PROT_READ one for one.
public struct ELFSegmentPermissions: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let execute = ELFSegmentPermissions(rawValue: 1)
    public static let write = ELFSegmentPermissions(rawValue: 2)
    public static let read = ELFSegmentPermissions(rawValue: 4)
}

extension Array where Element == UInt8 {
    /// ELF for x86-64 is little-endian (ELFDATA2LSB, which the header check
    /// demands): the least significant byte comes first. The caller has
    /// checked that the bytes are there.
    func littleEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: littleEndianValue(at: offset, byteCount: 2))
    }

    func littleEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: littleEndianValue(at: offset, byteCount: 4))
    }

    func littleEndianUInt64(at offset: Int) -> UInt64 {
        littleEndianValue(at: offset, byteCount: 8)
    }

    private func littleEndianValue(at offset: Int, byteCount: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<byteCount).reversed() {
            value = value << 8 | UInt64(self[offset + index])
        }
        return value
    }
}
