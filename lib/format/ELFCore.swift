/// The pieces of an x86-64 ELF core file, the image a core dump writes
/// (Linux: elf_core_dump and its fill_* helpers in fs/binfmt_elf.c, the
/// layouts of include/uapi/linux/elf.h and include/linux/elfcore.h): an
/// ET_CORE header, a PT_NOTE segment with the process's registers and
/// facts, and a PT_LOAD per dumped mapping, whose bytes follow from the
/// next page boundary on. The kernel builds the notes' contents here and
/// writes the memory itself.
public enum ELFCore {
    /// One note: "CORE" or "LINUX", a type (NT_*) and its contents.
    public struct Note: Sendable {
        public let name: String
        public let type: UInt32
        public let descriptor: [UInt8]

        public init(name: String = "CORE", type: UInt32, descriptor: [UInt8]) {
            self.name = name
            self.type = type
            self.descriptor = descriptor
        }

        /// The note as it is stored: namesz, descsz and type, then the
        /// name with its NUL and the contents, each padded to 4 bytes.
        var encoded: [UInt8] {
            let nameBytes = Array(name.utf8) + [0]
            var bytes = [UInt8](
                repeating: 0, count: 12 + ELFCore.align4(nameBytes.count) + ELFCore.align4(descriptor.count))
            bytes.storeLittleEndian(UInt32(nameBytes.count), at: 0)
            bytes.storeLittleEndian(UInt32(descriptor.count), at: 4)
            bytes.storeLittleEndian(type, at: 8)
            bytes.storeBytes(nameBytes, at: 12)
            bytes.storeBytes(descriptor, at: 12 + ELFCore.align4(nameBytes.count))
            return bytes
        }
    }

    /// One mapping: its addresses, the bytes of it the file holds (from
    /// its start, a multiple of the page size; 0 for one not dumped) and
    /// its protection.
    public struct Segment: Sendable {
        public let address: UInt64
        public let memorySize: UInt64
        public let fileSize: UInt64
        public let permissions: ELFSegmentPermissions

        public init(address: UInt64, memorySize: UInt64, fileSize: UInt64, permissions: ELFSegmentPermissions) {
            self.address = address
            self.memorySize = memorySize
            self.fileSize = fileSize
            self.permissions = permissions
        }
    }

    // Note types (Linux: include/uapi/linux/elf.h).
    public static let NT_PRSTATUS: UInt32 = 1
    public static let NT_PRFPREG: UInt32 = 2
    public static let NT_PRPSINFO: UInt32 = 3
    public static let NT_AUXV: UInt32 = 6
    public static let NT_SIGINFO: UInt32 = 0x5349_4749
    public static let NT_FILE: UInt32 = 0x4649_4c45

    static let ET_CORE: UInt16 = 4
    static let EM_X86_64: UInt16 = 62

    /// The start of the file — ELF header, program headers (PT_NOTE, then
    /// one PT_LOAD per segment) and the notes — padded to a page; and where
    /// each segment's bytes go: one after another from there.
    public static func head(notes: [Note], segments: [Segment], pageSize: UInt64) -> (
        bytes: [UInt8], segmentOffsets: [UInt64]
    ) {
        let headerSize = ELF64Executable.headerSize
        let tableSize = ELFProgramHeader.size * (1 + segments.count)
        let noteBytes = notes.flatMap { $0.encoded }
        let notesOffset = headerSize + tableSize
        let dataOffset = (UInt64(notesOffset + noteBytes.count) + pageSize - 1) / pageSize * pageSize
        var bytes = [UInt8](repeating: 0, count: Int(dataOffset))
        // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE.
        bytes.storeBytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], at: 0)
        bytes.storeLittleEndian(ET_CORE, at: 16)
        bytes.storeLittleEndian(EM_X86_64, at: 18)
        bytes.storeLittleEndian(UInt32(1), at: 20)  // e_version
        bytes.storeLittleEndian(UInt64(headerSize), at: 32)  // e_phoff
        bytes.storeLittleEndian(UInt16(headerSize), at: 52)  // e_ehsize
        bytes.storeLittleEndian(UInt16(ELFProgramHeader.size), at: 54)  // e_phentsize
        bytes.storeLittleEndian(UInt16(truncatingIfNeeded: 1 + segments.count), at: 56)  // e_phnum
        ELFProgramHeader(
            type: .note, permissions: [], fileOffset: UInt64(notesOffset), virtualAddress: 0,
            fileSize: UInt64(noteBytes.count), memorySize: 0, alignment: 4
        ).encode(into: &bytes, at: headerSize)
        var offsets: [UInt64] = []
        var offset = dataOffset
        for (index, segment) in segments.enumerated() {
            offsets.append(offset)
            ELFProgramHeader(
                type: .load, permissions: segment.permissions, fileOffset: offset, virtualAddress: segment.address,
                fileSize: segment.fileSize, memorySize: segment.memorySize, alignment: pageSize
            ).encode(into: &bytes, at: headerSize + ELFProgramHeader.size * (1 + index))
            offset += segment.fileSize
        }
        bytes.storeBytes(noteBytes, at: notesOffset)
        return (bytes, offsets)
    }

    /// The registers of one thread as user_regs_struct orders them (27
    /// words: r15 … rdi, orig_rax, rip, cs, eflags, rsp, ss, fs_base,
    /// gs_base, ds, es, fs, gs).
    public typealias Registers = [UInt64]

    /// NT_PRSTATUS (Linux: struct elf_prstatus, 336 bytes): the signal, the
    /// pending and blocked sets, the thread's IDs, times (microseconds) and
    /// registers, and that the FPU registers follow (pr_fpvalid).
    public static func processStatus(
        signal: Int32, code: Int32, errno: Int32, pending: UInt64, blocked: UInt64,
        pid: Int32, ppid: Int32, pgrp: Int32, sid: Int32,
        userMicroseconds: UInt64, systemMicroseconds: UInt64, registers: Registers
    ) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 336)
        bytes.storeLittleEndian(signal, at: 0)
        bytes.storeLittleEndian(code, at: 4)
        bytes.storeLittleEndian(errno, at: 8)
        bytes.storeLittleEndian(Int16(truncatingIfNeeded: signal), at: 12)  // pr_cursig
        bytes.storeLittleEndian(pending, at: 16)
        bytes.storeLittleEndian(blocked, at: 24)
        for (index, id) in [pid, ppid, pgrp, sid].enumerated() { bytes.storeLittleEndian(id, at: 32 + 4 * index) }
        storeTimeval(userMicroseconds, into: &bytes, at: 48)
        storeTimeval(systemMicroseconds, into: &bytes, at: 64)
        for (index, value) in registers.prefix(27).enumerated() { bytes.storeLittleEndian(value, at: 112 + 8 * index) }
        bytes.storeLittleEndian(Int32(1), at: 328)  // pr_fpvalid
        return bytes
    }

    /// NT_PRPSINFO (Linux: struct elf_prpsinfo, 136 bytes): state, IDs, the
    /// command name and up to 80 bytes of its arguments, blank-separated.
    public static func processInfo(
        state: UInt8, stateLetter: UInt8, nice: Int8, flags: UInt64, uid: UInt32, gid: UInt32,
        pid: Int32, ppid: Int32, pgrp: Int32, sid: Int32, command: String, arguments: [UInt8]
    ) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 136)
        bytes[0] = state
        bytes[1] = stateLetter
        bytes[2] = stateLetter == UInt8(ascii: "Z") ? 1 : 0
        bytes[3] = UInt8(bitPattern: nice)
        bytes.storeLittleEndian(flags, at: 8)
        bytes.storeLittleEndian(uid, at: 16)
        bytes.storeLittleEndian(gid, at: 20)
        for (index, id) in [pid, ppid, pgrp, sid].enumerated() { bytes.storeLittleEndian(id, at: 24 + 4 * index) }
        bytes.storeCString(command, at: 40, capacity: 16)
        // pr_psargs: NULs between arguments become blanks; the last byte stays NUL.
        for (index, byte) in arguments.prefix(79).enumerated() { bytes[56 + index] = byte == 0 ? 0x20 : byte }
        var end = 56 + min(arguments.count, 79)
        while end > 56 && bytes[end - 1] == 0x20 {
            bytes[end - 1] = 0
            end -= 1
        }
        return bytes
    }

    /// One file mapping for NT_FILE: its addresses, the page of the file
    /// it starts at, and the file's name.
    public struct MappedFile: Sendable {
        public let start: UInt64
        public let end: UInt64
        public let pageOffset: UInt64
        public let name: [UInt8]

        public init(start: UInt64, end: UInt64, pageOffset: UInt64, name: [UInt8]) {
            self.start = start
            self.end = end
            self.pageOffset = pageOffset
            self.name = name
        }
    }

    /// NT_FILE (Linux: fill_files_note): the count, the page size, a
    /// (start, end, file page) triple per mapping, then the names, each
    /// with its NUL.
    public static func mappedFiles(_ files: [MappedFile], pageSize: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16 + 24 * files.count)
        bytes.storeLittleEndian(UInt64(files.count), at: 0)
        bytes.storeLittleEndian(pageSize, at: 8)
        for (index, file) in files.enumerated() {
            bytes.storeLittleEndian(file.start, at: 16 + 24 * index)
            bytes.storeLittleEndian(file.end, at: 24 + 24 * index)
            bytes.storeLittleEndian(file.pageOffset, at: 32 + 24 * index)
        }
        for file in files { bytes += file.name + [0] }
        return bytes
    }

    private static func storeTimeval(_ microseconds: UInt64, into bytes: inout [UInt8], at offset: Int) {
        bytes.storeLittleEndian(microseconds / 1_000_000, at: offset)
        bytes.storeLittleEndian(microseconds % 1_000_000, at: offset + 8)
    }

    static func align4(_ count: Int) -> Int { (count + 3) & ~3 }
}
