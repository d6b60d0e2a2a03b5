/// Where each segment of an `ELF64Executable` goes in a new address space,
/// and what exec tells the program about it: the decisions Linux's
/// load_elf_binary() makes while it maps a program (fs/binfmt_elf.c:
/// elf_load(), padzero(), the `mm->start_brk` set-up and create_elf_tables()).
///
/// The plan is arithmetic only; the kernel carries it out. For each mapping
/// in order: map `fileBacked` privately from the file, clear `zeroFill`, map
/// `anonymous` as zero pages. Then start the heap at `brkStart`, build the
/// auxiliary vector from `auxiliaryValues(interpreter:)` and jump to its
/// `startAddress`. Segments never overlap, but two may share a page (old
/// linkers pack them); mapping in order lets the later one replace that
/// page, as Linux's MAP_FIXED mappings do.
public struct ELFLoadPlan: Sendable {
    /// What is added to every address in the file: 0 for ET_EXEC.
    public let loadBias: UInt64
    /// One entry per PT_LOAD, in address order.
    public let mappings: [ELFSegmentMapping]
    /// The page-aligned span from the first segment's first page to the
    /// last segment's last page.
    public let imageRange: Range<UInt64>
    /// The program's entry point (`e_entry` plus the bias): AT_ENTRY, and
    /// where execution starts when there is no interpreter.
    public let entry: UInt64
    /// Where the program header table is in memory: AT_PHDR. When no segment
    /// loads the table this is the bias alone, the value Linux passes then.
    public let programHeaderAddress: UInt64
    /// Entries in the program header table: AT_PHNUM.
    public let programHeaderCount: Int
    /// Where the heap starts: the end of the highest segment, page-aligned
    /// (Linux: `mm->start_brk = mm->brk = ELF_PAGEALIGN(elf_brk)`). Linux
    /// then, under address-space randomization, leaves a page gap or moves a
    /// static PIE's heap to ELF_ET_DYN_BASE; that choice is the kernel's.
    public let brkStart: UInt64

    /// Places `executable` below `userSpaceLimit` (TASK_SIZE: one past the
    /// highest user address).
    ///
    /// ET_EXEC segments go at their own addresses and `dynamicBase` is
    /// ignored. ET_DYN segments keep their distances from each other and the
    /// lowest one moves to `dynamicBase`, rounded down to
    /// `executable.maximumAlignment`; the program then occupies
    /// `executable.imageSize` bytes from there. Linux picks that base as
    /// ELF_ET_DYN_BASE (two thirds of TASK_SIZE) for a PIE with an
    /// interpreter and as a free area of the mmap region for a static PIE or
    /// an interpreter.
    ///
    /// Unlike Linux, which subtracts the first segment's page from the base,
    /// the base here lines up with the first segment's `maximumAlignment`
    /// boundary, so every segment keeps the alignment it was linked for.
    /// The two agree for every ordinary ET_DYN, whose first segment is at 0.
    public init(
        placing executable: ELF64Executable, dynamicBase: UInt64, userSpaceLimit: UInt64
    ) throws(ELFError) {
        let loads = executable.programHeaders.enumerated().filter { $0.element.type == .load }
        // Addresses are placed as `base + (address - origin)`: every segment
        // lies at or above `origin`, so only the addition can overflow.
        let origin: UInt64
        let base: UInt64
        switch executable.objectType {
        case .executable:
            origin = 0
            base = 0
        case .dynamic:
            let lowest = loads.first?.element.virtualAddress ?? 0
            origin = lowest.alignedDown(to: executable.maximumAlignment)
            base = dynamicBase.alignedDown(to: executable.maximumAlignment)
        }
        loadBias = base &- origin

        var mappings: [ELFSegmentMapping] = []
        for (index, segment) in loads {
            let (start, startOverflow) = base.addingReportingOverflow(segment.virtualAddress - origin)
            let (end, endOverflow) = start.addingReportingOverflow(segment.memorySize)
            guard !startOverflow, !endOverflow, start < userSpaceLimit,
                let pagesEnd = end.alignedUp(to: pageSize), pagesEnd <= userSpaceLimit
            else {
                throw .segmentOutsideUserSpace(index)
            }
            mappings.append(
                ELFSegmentMapping(
                    programHeaderIndex: index, segment: segment, start: start, pagesEnd: pagesEnd))
        }
        guard let first = mappings.first, let last = mappings.last else {
            throw .noLoadableSegments
        }
        self.mappings = mappings
        imageRange = first.pages.lowerBound..<last.pages.upperBound
        brkStart = last.pages.upperBound

        // Linux: BAD_ADDR(elf_entry). Only an address in user space can be
        // jumped to; whether anything is mapped there is the program's problem.
        entry = executable.entry &+ loadBias
        guard entry < userSpaceLimit else { throw .entryOutsideUserSpace }
        programHeaderAddress = (executable.programHeaderAddress ?? 0) &+ loadBias
        programHeaderCount = executable.programHeaders.count
    }

    /// The auxiliary-vector entries that describe the program (Linux:
    /// create_elf_tables() in fs/binfmt_elf.c), given the plan of its
    /// interpreter if it has one (the PT_INTERP program, placed with its own
    /// `ELFLoadPlan`).
    public func auxiliaryValues(interpreter: ELFLoadPlan?) -> AuxiliaryValues {
        AuxiliaryValues(
            programHeaderAddress: programHeaderAddress,
            programHeaderEntrySize: UInt64(ELFProgramHeader.size),
            programHeaderCount: UInt64(programHeaderCount),
            entry: entry,
            interpreterBase: interpreter?.loadBias ?? 0,
            startAddress: interpreter?.entry ?? entry)
    }

    /// What a program learns about its own image from the auxiliary vector.
    public struct AuxiliaryValues: Equatable, Sendable {
        /// AT_PHDR.
        public let programHeaderAddress: UInt64
        /// AT_PHENT.
        public let programHeaderEntrySize: UInt64
        /// AT_PHNUM.
        public let programHeaderCount: UInt64
        /// AT_ENTRY: the program's entry even when the interpreter runs first,
        /// so the interpreter knows where to go when it is done.
        public let entry: UInt64
        /// AT_BASE: the interpreter's load bias, 0 without an interpreter.
        public let interpreterBase: UInt64
        /// Where exec starts the new thread: the interpreter's entry if there
        /// is one, else the program's.
        public let startAddress: UInt64
    }
}

/// How one PT_LOAD segment becomes pages (Linux: elf_load() in
/// fs/binfmt_elf.c). Up to three parts, in address order: whole pages from
/// the file, then zeros over the rest of the last file page, then whole
/// anonymous zero pages up to the end of the segment (.bss).
public struct ELFSegmentMapping: Equatable, Sendable {
    /// Pages mapped from the file.
    public struct FilePages: Equatable, Sendable {
        /// Page-aligned addresses, from the segment's first page to the page
        /// holding its last file byte.
        public let addresses: Range<UInt64>
        /// The page-aligned file offset mapped at `addresses.lowerBound`.
        public let fileOffset: UInt64
    }

    /// The segment's index in the program header table.
    public let programHeaderIndex: Int
    /// Every page the segment touches; the three parts below lie inside.
    public let pages: Range<UInt64>
    /// How the file pages may be accessed (PROT_* from PF_*).
    public let permissions: ELFSegmentPermissions
    /// `nil` when the segment takes nothing from the file.
    public let fileBacked: FilePages?
    /// Bytes to clear after the file bytes, to the end of their last page,
    /// when the segment is longer in memory than in the file; the page also
    /// holds whatever follows the segment in the file (Linux: padzero()).
    /// Linux clears them through the user mapping and ignores the failure
    /// when the segment is read-only; clearing them regardless is harmless.
    public let zeroFill: Range<UInt64>?
    /// Whole zero pages from the end of the file pages to the end of the
    /// segment, or `nil` when there are none.
    public let anonymous: Range<UInt64>?

    /// How `anonymous` may be accessed. Linux maps these pages with
    /// vm_brk_flags(), which makes them readable and writable whatever the
    /// segment says, and adds execute if the segment has it.
    public var anonymousPermissions: ELFSegmentPermissions {
        permissions.intersection(.execute).union([.read, .write])
    }

    /// Splits `segment`, placed at `start`, into its parts; `pagesEnd` is its
    /// end rounded up to a page, already checked not to overflow, so no sum
    /// below can.
    init(programHeaderIndex: Int, segment: ELFProgramHeader, start: UInt64, pagesEnd: UInt64) {
        self.programHeaderIndex = programHeaderIndex
        let pagesStart = start.alignedDown(to: pageSize)
        pages = pagesStart..<pagesEnd
        permissions = segment.permissions
        var anonymousStart = pagesStart
        if segment.fileSize > 0 {
            let fileEnd = start + segment.fileSize
            // Cannot fail: the file bytes end no later than the segment.
            let filePagesEnd = fileEnd.alignedUp(to: pageSize) ?? pagesEnd
            fileBacked = FilePages(
                addresses: pagesStart..<filePagesEnd,
                fileOffset: segment.fileOffset.alignedDown(to: pageSize))
            let hasBSS = segment.memorySize > segment.fileSize
            zeroFill = hasBSS && fileEnd < filePagesEnd ? fileEnd..<filePagesEnd : nil
            anonymousStart = filePagesEnd
        } else {
            fileBacked = nil
            zeroFill = nil
        }
        anonymous = anonymousStart < pagesEnd ? anonymousStart..<pagesEnd : nil
    }
}

extension UInt64 {
    /// `self` rounded down to a multiple of `alignment`, a power of two.
    func alignedDown(to alignment: UInt64) -> UInt64 {
        self & ~(alignment - 1)
    }

    /// `self` rounded up to a multiple of `alignment`, a power of two, or
    /// `nil` if that does not fit in 64 bits.
    func alignedUp(to alignment: UInt64) -> UInt64? {
        let (sum, overflow) = addingReportingOverflow(alignment - 1)
        return overflow ? nil : sum.alignedDown(to: alignment)
    }
}
