import ABI

/// An x86-64 ELF program checked the way Linux's exec checks it before
/// mapping anything (Linux: load_elf_binary() and load_elf_phdrs() in
/// fs/binfmt_elf.c; the layouts are in include/uapi/linux/elf.h).
///
/// The file is untrusted — anyone can exec anything — so every field that
/// could point outside the file, overflow an address or contradict another
/// field is checked here, and a bad one becomes an `ELFError`. What is left
/// is a program `ELFLoadPlan` can place in an address space.
///
/// Both kinds of program Linux runs are accepted: ET_EXEC, linked to run at
/// fixed addresses, and ET_DYN, which runs wherever it is put. An ET_DYN
/// with PT_INTERP is a dynamically linked PIE; one without is a static PIE
/// (or a dynamic linker run directly), which relocates itself.
public struct ELF64Executable: Sendable {
    /// `e_type`: the two object types exec accepts.
    public enum ObjectType: UInt16, Sendable {
        /// ET_EXEC: segments must go exactly at their addresses.
        case executable = 2
        /// ET_DYN: segments may be shifted together by a load bias.
        case dynamic = 3
    }

    /// Bytes in the ELF header (`sizeof(struct elf64_hdr)`).
    public static let headerSize = 64
    /// Linux refuses larger program header tables (load_elf_phdrs()), which
    /// also bounds the memory a hostile `e_phnum` can make exec allocate.
    public static let maximumProgramHeaderTableSize = 65536
    /// PATH_MAX: the longest PT_INTERP Linux accepts, terminating NUL included.
    public static let maximumInterpreterPathSize = 4096

    /// ET_EXEC or ET_DYN.
    public let objectType: ObjectType
    /// `e_entry`: the first instruction, before the load bias.
    public let entry: UInt64
    /// The whole program header table, in file order; exec passes its
    /// address and length to the program (AT_PHDR, AT_PHNUM).
    public let programHeaders: [ELFProgramHeader]
    /// The PT_INTERP path without its NUL, or `nil` when the program runs on
    /// its own. Like Linux, only the first PT_INTERP counts.
    public let interpreterPath: [UInt8]?
    /// Whether PT_GNU_STACK asks for an executable stack (the last one wins,
    /// as in Linux). Without PT_GNU_STACK the answer is no: x86-64 Linux
    /// makes the stack executable by default only for 32-bit programs.
    public let hasExecutableStack: Bool
    /// Where the program header table is in memory, before the load bias: the
    /// address PT_PHDR states, else — as Linux computes AT_PHDR — the address
    /// of `e_phoff` inside the PT_LOAD whose file bytes contain it; `nil` when
    /// no segment loads the table.
    public let programHeaderAddress: UInt64?
    /// The largest power-of-two `p_align` among the PT_LOADs, at least a page
    /// (Linux: maximum_alignment()). An ET_DYN is placed at a multiple of it.
    public let maximumAlignment: UInt64
    /// Bytes of address space the segments span once placed, page-aligned
    /// (Linux: total_mapping_size()). For an ET_DYN the caller finds a free
    /// area this large, aligned to `maximumAlignment`, and passes its start to
    /// `ELFLoadPlan` as the base.
    public let imageSize: UInt64

    /// The PT_LOAD segments, in address order.
    public var loadSegments: [ELFProgramHeader] {
        programHeaders.filter { $0.type == .load }
    }

    /// PT_TLS, if the program uses thread-local storage.
    public var threadLocalStorage: ELFProgramHeader? {
        programHeaders.first { $0.type == .threadLocalStorage }
    }

    /// An ET_DYN without interpreter: it relocates itself, so the kernel
    /// maps nothing but the program.
    public var isStaticPIE: Bool {
        objectType == .dynamic && interpreterPath == nil
    }

    /// Reads and checks the header, the program header table and PT_INTERP.
    public init<Source: ByteSource>(parsing source: Source) throws(ELFError) {
        let header = try Self.readHeader(source)
        objectType = try Self.checkIdentity(header)
        entry = header.littleEndianUInt64(at: 24)
        let tableOffset = header.littleEndianUInt64(at: 32)
        programHeaders = try Self.readProgramHeaders(
            source, tableOffset: tableOffset,
            entrySize: header.littleEndianUInt16(at: 54), count: header.littleEndianUInt16(at: 56))

        let loads = programHeaders.enumerated().filter { $0.element.type == .load }
        try Self.checkLoadSegments(loads, source: source)
        guard let first = loads.first?.element, let (lastIndex, last) = loads.last else {
            throw .noLoadableSegments
        }
        maximumAlignment = Self.maximumAlignment(of: loads.map { $0.element })
        // The last segment ends highest: they were just checked to be sorted
        // and disjoint. Rounding its end up to a page is the one sum left
        // that can overflow.
        guard let imageEnd = last.memoryEnd.flatMap({ $0.alignedUp(to: pageSize) }) else {
            throw .segmentWraps(lastIndex)
        }
        imageSize = imageEnd - first.virtualAddress.alignedDown(to: maximumAlignment)

        interpreterPath = try Self.readInterpreterPath(source, programHeaders: programHeaders)
        hasExecutableStack =
            programHeaders.last { $0.type == .gnuStack }?
            .permissions.contains(.execute) ?? false
        programHeaderAddress = Self.programHeaderAddress(
            tableOffset: tableOffset, programHeaders: programHeaders)
    }

    // MARK: - The ELF header

    private static func readHeader<Source: ByteSource>(_ source: Source) throws(ELFError) -> [UInt8] {
        // Read what there is first: a three-byte shell script is "not ELF",
        // not "truncated ELF".
        let available = min(source.count, headerSize)
        let header = try read(source, at: 0, count: available)
        guard available >= 4, header[0] == 0x7F, header[1] == 0x45, header[2] == 0x4C,
            header[3] == 0x46
        else {
            throw .notELF
        }
        guard available == headerSize else { throw .truncatedHeader }
        return header
    }

    /// Checks that `e_ident`, `e_version`, `e_machine` and `e_type` describe
    /// a little-endian 64-bit x86-64 program. Linux itself checks only the
    /// magic, `e_type` and `e_machine`; the rest is checked too because an
    /// unexpected value there means the file is not what this parser reads.
    private static func checkIdentity(_ header: [UInt8]) throws(ELFError) -> ObjectType {
        let elfClass64: UInt8 = 2, littleEndian: UInt8 = 1, currentVersion: UInt8 = 1
        let machineX86_64: UInt16 = 62
        guard header[4] == elfClass64 else { throw .unsupportedClass(header[4]) }
        guard header[5] == littleEndian else { throw .unsupportedByteOrder(header[5]) }
        guard header[6] == currentVersion,
            header.littleEndianUInt32(at: 20) == UInt32(currentVersion)
        else {
            throw .unsupportedVersion
        }
        let machine = header.littleEndianUInt16(at: 18)
        guard machine == machineX86_64 else { throw .wrongMachine(machine) }
        let type = header.littleEndianUInt16(at: 16)
        guard let objectType = ObjectType(rawValue: type) else { throw .notExecutable(type) }
        return objectType
    }

    // MARK: - The program header table

    private static func readProgramHeaders<Source: ByteSource>(
        _ source: Source, tableOffset: UInt64, entrySize: UInt16, count: UInt16
    ) throws(ELFError) -> [ELFProgramHeader] {
        guard Int(entrySize) == ELFProgramHeader.size else {
            throw .badProgramHeaderEntrySize(entrySize)
        }
        let tableSize = Int(count) * ELFProgramHeader.size
        guard count > 0, tableSize <= maximumProgramHeaderTableSize else {
            throw .badProgramHeaderCount(count)
        }
        guard let offset = Int(exactly: tableOffset),
            source.contains(offset: offset, count: tableSize)
        else {
            throw .programHeadersOutsideFile
        }
        let table = try read(source, at: offset, count: tableSize)
        return (0..<Int(count)).map {
            ELFProgramHeader(decoding: table, at: $0 * ELFProgramHeader.size)
        }
    }

    /// Checks each PT_LOAD on its own and against the one before it, as
    /// `(index in the table, header)` pairs.
    private static func checkLoadSegments<Source: ByteSource>(
        _ loads: [(offset: Int, element: ELFProgramHeader)], source: Source
    ) throws(ELFError) {
        var previousEnd: UInt64?
        for (index, segment) in loads {
            guard segment.fileSize <= segment.memorySize else {
                throw .segmentFileSizeExceedsMemorySize(index)
            }
            guard let end = segment.memoryEnd else { throw .segmentWraps(index) }
            // Only the file-backed part is mapped from the file; a segment
            // of pure .bss has no offset that matters (Linux: elf_load()).
            if segment.fileSize > 0 {
                // A page of the file becomes a page of memory, so the byte at
                // p_offset must sit at the same place within its page as the
                // byte at p_vaddr.
                guard segment.fileOffset % pageSize == segment.virtualAddress % pageSize else {
                    throw .segmentMisaligned(index)
                }
                // Linux would map past the end and fault on access (SIGBUS);
                // refusing here turns a truncated program into an exec error.
                guard let offset = Int(exactly: segment.fileOffset),
                    let size = Int(exactly: segment.fileSize),
                    source.contains(offset: offset, count: size)
                else {
                    throw .segmentOutsideFile(index)
                }
            }
            if let previousEnd, segment.virtualAddress < previousEnd {
                throw .segmentOverlapsPrevious(index)
            }
            previousEnd = end
        }
    }

    /// Linux: maximum_alignment(). Alignments that are not powers of two are
    /// ignored as meaningless.
    private static func maximumAlignment(of loads: [ELFProgramHeader]) -> UInt64 {
        var alignment = pageSize
        for segment in loads where segment.alignment.nonzeroBitCount == 1 {
            alignment = max(alignment, segment.alignment)
        }
        return alignment
    }

    // MARK: - Other segments

    private static func readInterpreterPath<Source: ByteSource>(
        _ source: Source, programHeaders: [ELFProgramHeader]
    ) throws(ELFError) -> [UInt8]? {
        guard let segment = programHeaders.first(where: { $0.type == .interpreter }) else {
            return nil
        }
        // At least one character and the NUL, at most PATH_MAX in all.
        guard (2...UInt64(maximumInterpreterPathSize)).contains(segment.fileSize),
            let offset = Int(exactly: segment.fileOffset),
            source.contains(offset: offset, count: Int(segment.fileSize))
        else {
            throw .badInterpreterPath
        }
        let bytes = try read(source, at: offset, count: Int(segment.fileSize))
        // Linux opens the string up to its first NUL, so that is the path.
        let path = Array(bytes.prefix { $0 != 0 })
        guard bytes.last == 0, !path.isEmpty else { throw .badInterpreterPath }
        return path
    }

    private static func programHeaderAddress(
        tableOffset: UInt64, programHeaders: [ELFProgramHeader]
    ) -> UInt64? {
        if let stated = programHeaders.first(where: { $0.type == .programHeaders }) {
            return stated.virtualAddress
        }
        // `tableOffset - fileOffset < fileSize <= memorySize`, and the
        // segment's end was checked not to overflow, so neither can this.
        let containing = programHeaders.first {
            $0.type == .load && $0.fileOffset <= tableOffset
                && tableOffset - $0.fileOffset < $0.fileSize
        }
        return containing.map { $0.virtualAddress + (tableOffset - $0.fileOffset) }
    }

    // MARK: - Reading

    private static func read<Source: ByteSource>(
        _ source: Source, at offset: Int, count: Int
    ) throws(ELFError) -> [UInt8] {
        do {
            return try source.readExactly(at: offset, count: count)
        } catch {
            throw .readFailed(error)
        }
    }
}
