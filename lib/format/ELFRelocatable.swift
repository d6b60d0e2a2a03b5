import ABI

/// An x86-64 ELF relocatable object (ET_REL), the format of a loadable
/// module's `.ko`, checked the way Linux's elf_validity_check() checks one
/// (kernel/module/main.c): identity, the section header table inside the
/// file, every section's bytes inside the file, the section-name table,
/// one symbol table with its string table, and every relocation section's
/// links. The file comes from user space, so every offset, size and index
/// is checked before use; a bad one is ENOEXEC, never a trap.
public struct ELFRelocatable: Sendable {
    /// One section header (Linux: Elf64_Shdr), its name resolved.
    public struct Section: Sendable {
        public let name: [UInt8]
        public let type: UInt32
        public let flags: UInt64
        public let offset: Int
        public let size: UInt64
        public let link: UInt32
        public let info: UInt32
        public let alignment: UInt64
        public let entrySize: UInt64

        public var isAllocated: Bool { flags & ELFRelocatable.SHF_ALLOC != 0 }
        public var isWritable: Bool { flags & ELFRelocatable.SHF_WRITE != 0 }
        public var isExecutable: Bool { flags & ELFRelocatable.SHF_EXECINSTR != 0 }
        /// SHT_NOBITS (.bss) and SHT_NULL have no bytes in the file.
        public var hasFileBytes: Bool { type != ELFRelocatable.SHT_NOBITS && type != ELFRelocatable.SHT_NULL }
    }

    /// One symbol (Linux: Elf64_Sym), its name resolved.
    public struct Symbol: Sendable {
        public let name: [UInt8]
        public let info: UInt8
        public let sectionIndex: UInt16
        public let value: UInt64
        public let size: UInt64

        public var binding: UInt8 { info >> 4 }
        public var type: UInt8 { info & 0xf }
        public var isUndefined: Bool { sectionIndex == ELFRelocatable.SHN_UNDEF }
    }

    /// One RELA entry (Linux: Elf64_Rela).
    public struct Relocation: Sendable, Equatable {
        public let offset: UInt64
        public let type: UInt32
        public let symbolIndex: Int
        public let addend: Int64

        public init(offset: UInt64, type: UInt32, symbolIndex: Int, addend: Int64) {
            self.offset = offset
            self.type = type
            self.symbolIndex = symbolIndex
            self.addend = addend
        }
    }

    // include/uapi/linux/elf.h
    public static let ET_REL: UInt16 = 1
    public static let EM_X86_64: UInt16 = 62
    public static let SHT_NULL: UInt32 = 0
    public static let SHT_PROGBITS: UInt32 = 1
    public static let SHT_SYMTAB: UInt32 = 2
    public static let SHT_STRTAB: UInt32 = 3
    public static let SHT_RELA: UInt32 = 4
    public static let SHT_NOBITS: UInt32 = 8
    public static let SHT_REL: UInt32 = 9
    public static let SHF_WRITE: UInt64 = 1
    public static let SHF_ALLOC: UInt64 = 2
    public static let SHF_EXECINSTR: UInt64 = 4
    public static let SHN_UNDEF: UInt16 = 0
    public static let SHN_LORESERVE: UInt16 = 0xff00
    public static let SHN_ABS: UInt16 = 0xfff1
    public static let SHN_COMMON: UInt16 = 0xfff2
    public static let STB_LOCAL: UInt8 = 0
    public static let STB_GLOBAL: UInt8 = 1
    public static let STB_WEAK: UInt8 = 2
    public static let STT_OBJECT: UInt8 = 1
    public static let STT_FUNC: UInt8 = 2

    static let headerSize = 64
    static let sectionHeaderSize = 64
    static let symbolSize = 24
    static let relaSize = 24

    public let bytes: [UInt8]
    public let sections: [Section]
    /// The symbol table, entry 0 (the null symbol) included.
    public let symbols: [Symbol]

    public init(_ bytes: [UInt8]) throws(Errno) {
        self.bytes = bytes
        guard bytes.count >= Self.headerSize, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c,
            bytes[3] == 0x46
        else { throw .ENOEXEC }
        // ELFCLASS64, ELFDATA2LSB, EV_CURRENT.
        guard bytes[4] == 2, bytes[5] == 1, bytes[6] == 1 else { throw .ENOEXEC }
        guard Self.u16(bytes, 16) == Self.ET_REL, Self.u16(bytes, 18) == Self.EM_X86_64, Self.u32(bytes, 20) == 1
        else { throw .ENOEXEC }
        guard Self.u16(bytes, 58) == UInt16(Self.sectionHeaderSize) else { throw .ENOEXEC }
        let tableOffset = Self.u64(bytes, 40)
        let count = Int(Self.u16(bytes, 60))
        let namesIndex = Int(Self.u16(bytes, 62))
        guard count > 0, namesIndex < count, let table = Self.range(tableOffset, UInt64(count * 64), in: bytes)
        else { throw .ENOEXEC }
        var headers: [(name: UInt32, section: Section)] = []
        for index in 0..<count {
            let at = table.lowerBound + index * Self.sectionHeaderSize
            let type = Self.u32(bytes, at + 4)
            let offset = Self.u64(bytes, at + 24)
            let size = Self.u64(bytes, at + 32)
            // Every section with file bytes lies inside the file (Linux: elf_validity_cache_sechdrs).
            guard type == Self.SHT_NOBITS || type == Self.SHT_NULL || Self.range(offset, size, in: bytes) != nil else {
                throw .ENOEXEC
            }
            let section = Section(
                name: [], type: type, flags: Self.u64(bytes, at + 8), offset: Int(truncatingIfNeeded: offset),
                size: size, link: Self.u32(bytes, at + 40), info: Self.u32(bytes, at + 44),
                alignment: Self.u64(bytes, at + 48), entrySize: Self.u64(bytes, at + 56))
            headers.append((Self.u32(bytes, at), section))
        }
        let names = headers[namesIndex].section
        guard names.type == Self.SHT_STRTAB, names.size > 0, bytes[names.offset + Int(names.size) - 1] == 0 else {
            throw .ENOEXEC
        }
        var sections: [Section] = []
        for (nameOffset, section) in headers {
            let name = try Self.string(bytes, table: names, at: nameOffset)
            sections.append(
                Section(
                    name: name, type: section.type, flags: section.flags, offset: section.offset, size: section.size,
                    link: section.link, info: section.info, alignment: section.alignment,
                    entrySize: section.entrySize))
        }
        self.sections = sections
        symbols = try Self.readSymbols(bytes, sections)
    }

    /// The one SHT_SYMTAB, with its string table (Linux: "module has no
    /// symbols (stripped?)" is ENOEXEC).
    private static func readSymbols(_ bytes: [UInt8], _ sections: [Section]) throws(Errno) -> [Symbol] {
        let tables = sections.indices.filter { sections[$0].type == SHT_SYMTAB }
        guard tables.count == 1 else { throw .ENOEXEC }
        let table = sections[tables[0]]
        guard table.entrySize == UInt64(symbolSize), table.size % UInt64(symbolSize) == 0,
            Int(table.link) < sections.count
        else { throw .ENOEXEC }
        let strings = sections[Int(table.link)]
        guard strings.type == SHT_STRTAB, strings.size > 0, bytes[strings.offset + Int(strings.size) - 1] == 0 else {
            throw .ENOEXEC
        }
        var symbols: [Symbol] = []
        for index in 0..<Int(table.size) / symbolSize {
            let at = table.offset + index * symbolSize
            let sectionIndex = u16(bytes, at + 6)
            guard sectionIndex < UInt16(sections.count) || sectionIndex >= SHN_LORESERVE else { throw .ENOEXEC }
            symbols.append(
                Symbol(
                    name: try string(bytes, table: strings, at: u32(bytes, at)), info: bytes[at + 4],
                    sectionIndex: sectionIndex, value: u64(bytes, at + 8), size: u64(bytes, at + 16)))
        }
        return symbols
    }

    /// The relocations of a SHT_RELA section and the index of the section
    /// they patch, every link and symbol index checked. SHT_REL is ENOEXEC:
    /// x86-64 modules use RELA only (Linux: apply_relocate's "REL
    /// relocation unsupported").
    public func relocations(in index: Int) throws(Errno) -> (target: Int, entries: [Relocation]) {
        let section = sections[index]
        guard section.type == Self.SHT_RELA else { throw .ENOEXEC }
        guard section.entrySize == UInt64(Self.relaSize), section.size % UInt64(Self.relaSize) == 0,
            Int(section.info) < sections.count, section.info != 0, Int(section.link) < sections.count,
            sections[Int(section.link)].type == Self.SHT_SYMTAB
        else { throw .ENOEXEC }
        var entries: [Relocation] = []
        for entry in 0..<Int(section.size) / Self.relaSize {
            let at = section.offset + entry * Self.relaSize
            let info = Self.u64(bytes, at + 8)
            let symbolIndex = Int(info >> 32)
            guard symbolIndex < symbols.count else { throw .ENOEXEC }
            entries.append(
                Relocation(
                    offset: Self.u64(bytes, at), type: UInt32(truncatingIfNeeded: info), symbolIndex: symbolIndex,
                    addend: Int64(bitPattern: Self.u64(bytes, at + 16))))
        }
        return (Int(section.info), entries)
    }

    /// The file bytes of a section (empty for SHT_NOBITS).
    public func contents(of index: Int) -> ArraySlice<UInt8> {
        let section = sections[index]
        guard section.hasFileBytes else { return [] }
        return bytes[section.offset..<section.offset + Int(section.size)]
    }

    public func sectionIndex(named name: String) -> Int? {
        let wanted = Array(name.utf8)
        return sections.firstIndex { $0.name == wanted }
    }

    /// `offset ..< offset + size` when it lies inside `bytes`, without overflow.
    private static func range(_ offset: UInt64, _ size: UInt64, in bytes: [UInt8]) -> Range<Int>? {
        let (end, overflow) = offset.addingReportingOverflow(size)
        guard !overflow, end <= UInt64(bytes.count) else { return nil }
        return Int(offset)..<Int(end)
    }

    /// The NUL-terminated name at `offset` in a string table whose last byte is NUL.
    private static func string(_ bytes: [UInt8], table: Section, at offset: UInt32) throws(Errno) -> [UInt8] {
        guard UInt64(offset) < table.size else { throw .ENOEXEC }
        var end = table.offset + Int(offset)
        while bytes[end] != 0 { end += 1 }
        return Array(bytes[(table.offset + Int(offset))..<end])
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 { UInt32(u16(bytes, at)) | UInt32(u16(bytes, at + 2)) << 16 }
    static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 { UInt64(u32(bytes, at)) | UInt64(u32(bytes, at + 4)) << 32 }
}
