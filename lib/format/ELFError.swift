import ABI

/// Why an ELF file cannot be executed. Linux's load_elf_binary()
/// (fs/binfmt_elf.c) answers ENOEXEC for a file that is not an x86-64 ELF
/// executable it understands, so that exec can try other formats, and EINVAL
/// for one whose segments cannot be mapped; `errno` gives the same answers.
/// Cases that name a segment carry its index in the program header table.
public enum ELFError: Error, Equatable, Sendable {
    /// The file does not start with "\u{7F}ELF".
    case notELF
    /// The file ends inside the 64-byte ELF header.
    case truncatedHeader
    /// `e_ident[EI_CLASS]` is not ELFCLASS64.
    case unsupportedClass(UInt8)
    /// `e_ident[EI_DATA]` is not ELFDATA2LSB (little-endian).
    case unsupportedByteOrder(UInt8)
    /// `e_ident[EI_VERSION]` or `e_version` is not EV_CURRENT.
    case unsupportedVersion
    /// `e_machine` is not EM_X86_64.
    case wrongMachine(UInt16)
    /// `e_type` is neither ET_EXEC nor ET_DYN (a relocatable object, a core dump).
    case notExecutable(UInt16)
    /// `e_phentsize` is not the size of an Elf64_Phdr.
    case badProgramHeaderEntrySize(UInt16)
    /// No program headers, or a table larger than Linux's 64 KiB cap.
    case badProgramHeaderCount(UInt16)
    /// The program header table does not lie inside the file.
    case programHeadersOutsideFile
    /// PT_INTERP is empty, longer than PATH_MAX, outside the file, or not
    /// NUL-terminated.
    case badInterpreterPath
    /// There is no PT_LOAD segment, so nothing to run.
    case noLoadableSegments
    /// A PT_LOAD has `p_filesz > p_memsz`.
    case segmentFileSizeExceedsMemorySize(Int)
    /// A PT_LOAD's file offset and address differ within a page, so no page
    /// mapping can place its bytes (Linux: vm_mmap() refuses the unaligned offset).
    case segmentMisaligned(Int)
    /// A PT_LOAD's file bytes run past the end of the file.
    case segmentOutsideFile(Int)
    /// A PT_LOAD's end address, or that end rounded up to a page, overflows
    /// 64 bits.
    case segmentWraps(Int)
    /// A PT_LOAD starts before the previous one ends: the ELF specification
    /// requires them sorted by address, and overlapping ones would map over
    /// each other.
    case segmentOverlapsPrevious(Int)
    /// A PT_LOAD, once placed at the load bias, ends above the user-space limit.
    case segmentOutsideUserSpace(Int)
    /// The entry point, once placed at the load bias, is above the user-space limit.
    case entryOutsideUserSpace
    /// The file could not be read.
    case readFailed(Errno)

    /// What exec returns for this error.
    public var errno: Errno {
        switch self {
        case .notELF, .truncatedHeader, .unsupportedClass, .unsupportedByteOrder,
            .unsupportedVersion, .wrongMachine, .notExecutable,
            .badProgramHeaderEntrySize, .badProgramHeaderCount,
            .programHeadersOutsideFile, .badInterpreterPath, .noLoadableSegments,
            .segmentOutsideFile:
            .ENOEXEC
        case .segmentFileSizeExceedsMemorySize, .segmentMisaligned, .segmentWraps,
            .segmentOverlapsPrevious, .segmentOutsideUserSpace, .entryOutsideUserSpace:
            .EINVAL
        case .readFailed(let error):
            error
        }
    }
}
