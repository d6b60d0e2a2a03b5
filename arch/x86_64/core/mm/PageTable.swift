import X86Asm

/// Bits of a page-table entry (Linux: arch/x86/include/asm/pgtable_types.h _PAGE_*).
public struct PageFlags: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let present = PageFlags(rawValue: 1 << 0)
    public static let writable = PageFlags(rawValue: 1 << 1)
    public static let user = PageFlags(rawValue: 1 << 2)
    public static let writeThrough = PageFlags(rawValue: 1 << 3)
    public static let cacheDisabled = PageFlags(rawValue: 1 << 4)
    public static let accessed = PageFlags(rawValue: 1 << 5)
    public static let dirty = PageFlags(rawValue: 1 << 6)
    public static let huge = PageFlags(rawValue: 1 << 7)
    public static let global = PageFlags(rawValue: 1 << 8)
    public static let noExecute = PageFlags(rawValue: 1 << 63)

    /// Linux's PAGE_KERNEL, PAGE_KERNEL_RO, PAGE_KERNEL_EXEC, PAGE_KERNEL_IO.
    public static let kernelData: PageFlags = [.present, .writable, .global, .noExecute]
    public static let kernelReadOnly: PageFlags = [.present, .global, .noExecute]
    public static let kernelText: PageFlags = [.present, .global]
    public static let kernelIO: PageFlags = [.present, .writable, .global, .noExecute, .cacheDisabled, .writeThrough]
}

public enum PageSize: Sendable {
    case small  // 4 KiB, a PTE
    case large  // 2 MiB, a PMD with PS set
    var bytes: UInt64 { self == .small ? 4096 : 2 << 20 }
    /// The level whose entry maps a page of this size: 1 = PTE, 2 = PMD.
    var level: Int { self == .small ? 1 : 2 }
}

public enum PageTableError: Error {
    case outOfMemory
    case alreadyMapped
    case notMapped
    case misaligned
    /// The range is covered by a 2 MiB mapping where a 4 KiB one was asked for.
    case insideLargePage
    /// A user mapping was asked for above TASK_SIZE, where the tables are the kernel's, shared by all.
    case notUserSpace
}

/// A four-level x86-64 page table (Linux: pgd/pud/pmd/pte, arch/x86/mm/pgtable.c).
/// Tables are physical frames reached through the direct map; the caller
/// supplies frames for new tables, so this type works before the page
/// allocator exists (with memblock) and after (with the buddy allocator).
public struct PageTable: Sendable {
    /// Physical address of the top-level table (what CR3 holds).
    public let root: PhysAddr
    private static let addressMask: UInt64 = 0x000F_FFFF_FFFF_F000
    /// Intermediate tables get every permission; leaves decide (as Linux's _KERNPG_TABLE/_PAGE_TABLE).
    private static let tableFlags: PageFlags = [.present, .writable, .user]

    public init(root: PhysAddr) { self.root = root }

    /// A new, empty table whose root comes from `allocateTable` (zeroed here,
    /// as `map` zeroes the tables it adds); nil without memory.
    public init?(allocateRoot allocateTable: () -> PhysAddr?) {
        guard let frame = allocateTable() else { return nil }
        unsafe PhysicalMemory.zeroPage(frame)
        root = frame
    }

    /// Without EFER.NXE bit 63 is reserved and would fault, so leaves drop it (set by CPU.enableFeatures).
    nonisolated(unsafe) static var supportsNoExecute = false

    /// The table currently in CR3.
    public static var active: PageTable { PageTable(root: PhysAddr(read_cr3() & addressMask)) }

    private static func index(_ address: VirtAddr, level: Int) -> UInt64 {
        (address.value >> (12 + 9 * UInt64(level - 1))) & 511
    }

    private static func entryAddress(table: PhysAddr, index: UInt64) -> PhysAddr { table + index * 8 }

    /// The physical address of the entry for `address` at `level` (4 = PML4 ... 1 = PTE),
    /// creating missing tables with `allocateTable` when it is given.
    private func entry(for address: VirtAddr, level target: Int, allocateTable: () -> PhysAddr? = { nil })
        throws(PageTableError) -> PhysAddr
    {
        var table = root
        var level = 4
        while true {
            let slot = PageTable.entryAddress(table: table, index: PageTable.index(address, level: level))
            if level == target { return slot }
            let value = PhysicalMemory.read64(slot)
            if value & PageFlags.present.rawValue == 0 {
                // Without an allocator this is a lookup, and the hole means "not mapped".
                guard let frame = allocateTable() else { throw .notMapped }
                unsafe PhysicalMemory.zeroPage(frame)
                unsafe PhysicalMemory.write64(slot, frame.value | PageTable.tableFlags.rawValue)
                table = frame
            } else if value & PageFlags.huge.rawValue != 0 {
                throw .insideLargePage
            } else {
                table = PhysAddr(value & PageTable.addressMask)
            }
            level -= 1
        }
    }

    /// Maps one page. Fails rather than silently replacing an existing mapping.
    public func map(
        _ virtual: VirtAddr, to physical: PhysAddr, size: PageSize = .small, flags: PageFlags,
        allocateTable: () -> PhysAddr?
    ) throws(PageTableError) {
        guard virtual.value % size.bytes == 0, physical.value % size.bytes == 0 else { throw .misaligned }
        let slot = try entry(for: virtual, level: size.level) { () -> PhysAddr? in allocateTable() }
        guard PhysicalMemory.read64(slot) & PageFlags.present.rawValue == 0 else { throw .alreadyMapped }
        var leaf = size == .large ? flags.union(.huge) : flags.subtracting(.huge)
        if unsafe !PageTable.supportsNoExecute { leaf.remove(.noExecute) }
        unsafe PhysicalMemory.write64(slot, physical.value | leaf.union(.present).rawValue)
    }

    /// Removes a 4 KiB mapping and returns the frame it pointed at.
    @discardableResult
    public func unmap(_ virtual: VirtAddr) throws(PageTableError) -> PhysAddr {
        let slot = try entry(for: virtual, level: 1)
        let value = PhysicalMemory.read64(slot)
        guard value & PageFlags.present.rawValue != 0 else { throw .notMapped }
        unsafe PhysicalMemory.write64(slot, 0)
        flush(virtual)
        return PhysAddr(value & PageTable.addressMask)
    }

    /// Changes the permissions of a 4 KiB mapping, keeping its frame.
    public func protect(_ virtual: VirtAddr, flags: PageFlags) throws(PageTableError) {
        let slot = try entry(for: virtual, level: 1)
        let value = PhysicalMemory.read64(slot)
        guard value & PageFlags.present.rawValue != 0 else { throw .notMapped }
        var leaf = flags.union(.present)
        if unsafe !PageTable.supportsNoExecute { leaf.remove(.noExecute) }
        unsafe PhysicalMemory.write64(slot, (value & PageTable.addressMask) | leaf.rawValue)
        flush(virtual)
    }

    /// Where `virtual` leads, and with which leaf flags (Linux: a page walk, follow_pte).
    public func translate(_ virtual: VirtAddr) -> (physical: PhysAddr, flags: PageFlags)? {
        var table = root
        var level = 4
        while level >= 1 {
            let value = PhysicalMemory.read64(
                PageTable.entryAddress(table: table, index: PageTable.index(virtual, level: level)))
            guard value & PageFlags.present.rawValue != 0 else { return nil }
            let isLeaf = level == 1 || (level <= 3 && value & PageFlags.huge.rawValue != 0)
            if isLeaf {
                let pageBytes: UInt64 = 1 << (12 + 9 * UInt64(level - 1))
                let frame = value & PageTable.addressMask & ~(pageBytes - 1)
                let flagBits = value & ~PageTable.addressMask
                return (PhysAddr(frame + virtual.value % pageBytes), PageFlags(rawValue: flagBits))
            }
            table = PhysAddr(value & PageTable.addressMask)
            level -= 1
        }
        return nil
    }

    /// Copies the top-level entries for kernel space from another table, so
    /// every address space shares the kernel's lower-level tables (Linux: pgd_alloc's clone_pgd_range).
    public func shareKernelEntries(from other: PageTable) {
        let first = PageTable.index(VirtAddr(MemoryLayout64.pageOffset), level: 4)
        for index in first..<512 {
            unsafe PhysicalMemory.write64(
                PageTable.entryAddress(table: root, index: index),
                PhysicalMemory.read64(PageTable.entryAddress(table: other.root, index: index)))
        }
    }

    /// Calls `body` for every present 4 KiB page of user space, in address
    /// order, with its frame and flags; `body` may return new flags for the
    /// entry (fork uses this to make shared pages read-only). Linux: copy_page_range's walk.
    public func forEachUserPage(_ body: (VirtAddr, PhysAddr, PageFlags) -> PageFlags?) {
        let userSlots = PageTable.index(VirtAddr(MemoryLayout64.pageOffset), level: 4)
        walk(root, level: 4, base: 0, slots: 0..<userSlots, body)
    }

    private func walk(
        _ table: PhysAddr, level: Int, base: UInt64, slots: Range<UInt64>,
        _ body: (VirtAddr, PhysAddr, PageFlags) -> PageFlags?
    ) {
        for index in slots {
            let entry = PageTable.entryAddress(table: table, index: index)
            let value = PhysicalMemory.read64(entry)
            guard value & PageFlags.present.rawValue != 0 else { continue }
            let address = base | index << (12 + 9 * UInt64(level - 1))
            let target = PhysAddr(value & PageTable.addressMask)
            if level == 1 {
                let flags = PageFlags(rawValue: value & ~PageTable.addressMask)
                if let replacement = body(VirtAddr(address), target, flags) {
                    unsafe PhysicalMemory.write64(entry, target.value | replacement.union(.present).rawValue)
                }
            } else {
                walk(target, level: level - 1, base: address, slots: 0..<512, body)
            }
        }
    }

    /// Points an existing 4 KiB mapping at another frame (copy-on-write's
    /// break), returning the old frame.
    @discardableResult
    public func replace(_ virtual: VirtAddr, with frame: PhysAddr, flags: PageFlags) throws(PageTableError) -> PhysAddr
    {
        let slot = try entry(for: virtual, level: 1)
        let value = PhysicalMemory.read64(slot)
        guard value & PageFlags.present.rawValue != 0 else { throw .notMapped }
        var leaf = flags.union(.present)
        if unsafe !PageTable.supportsNoExecute { leaf.remove(.noExecute) }
        unsafe PhysicalMemory.write64(slot, frame.value | leaf.rawValue)
        flush(virtual)
        return PhysAddr(value & PageTable.addressMask)
    }

    /// What a range walk does with a present 4 KiB entry.
    public enum RangeUpdate {
        case keep
        /// New leaf flags, the frame kept.
        case protect(PageFlags)
        case clear
    }

    /// Removes every 4 KiB mapping of user `range`, handing each frame to
    /// `leaf`, and frees through `table` the page tables whose whole span the
    /// range covers (Linux: zap_page_range, then free_pgtables). Absent
    /// tables are skipped wholesale, so the cost follows what was touched,
    /// not the range's size. `keepGoing` is asked before each table of PTEs;
    /// false stops the walk there and returns false.
    @discardableResult
    public func unmap(
        _ range: Range<UInt64>, keepGoing: () -> Bool, leaf: (PhysAddr) -> Void, table: (PhysAddr) -> Void
    ) -> Bool {
        var freedTables = false
        let finished = walk(
            root, level: 4, base: 0, range: range, keepGoing: keepGoing,
            freeTable: { frame in
                freedTables = true
                table(frame)
            }, freesTables: true,
            { _, frame, _ in
                leaf(frame)
                return .clear
            })
        // The CPU's paging-structure caches may still hold the freed tables.
        if freedTables { flushUserMappings() }
        return finished
    }

    /// Applies `update` to every present 4 KiB mapping of user `range`,
    /// skipping absent tables wholesale (Linux: change_protection's walk).
    /// `keepGoing` as for `unmap`.
    @discardableResult
    public func update(
        _ range: Range<UInt64>, keepGoing: () -> Bool, with update: (VirtAddr, PhysAddr, PageFlags) -> RangeUpdate
    ) -> Bool {
        walk(
            root, level: 4, base: 0, range: range, keepGoing: keepGoing, freeTable: { _ in }, freesTables: false, update
        )
    }

    /// The range walk below `table`, a table at `level` whose first entry
    /// maps `base`; with `freesTables`, tables the range covers whole go to `freeTable`.
    private func walk(
        _ table: PhysAddr, level: Int, base: UInt64, range: Range<UInt64>, keepGoing: () -> Bool,
        freeTable: (PhysAddr) -> Void, freesTables: Bool, _ update: (VirtAddr, PhysAddr, PageFlags) -> RangeUpdate
    ) -> Bool {
        let span: UInt64 = 1 << (12 + 9 * UInt64(level - 1))  // what one entry maps
        let start = max(range.lowerBound, base)
        let end = min(range.upperBound, base + 512 * span)
        guard start < end else { return true }
        for index in (start - base) / span...(end - 1 - base) / span {
            let entry = PageTable.entryAddress(table: table, index: index)
            let value = PhysicalMemory.read64(entry)
            // Large pages never appear in user space.
            guard value & PageFlags.present.rawValue != 0, value & PageFlags.huge.rawValue == 0 || level == 1 else {
                continue
            }
            let address = base + index * span
            let target = PhysAddr(value & PageTable.addressMask)
            if level == 1 {
                switch update(VirtAddr(address), target, PageFlags(rawValue: value & ~PageTable.addressMask)) {
                case .keep: continue
                case .protect(let flags):
                    var leaf = flags.union(.present)
                    if unsafe !PageTable.supportsNoExecute { leaf.remove(.noExecute) }
                    unsafe PhysicalMemory.write64(entry, target.value | leaf.rawValue)
                case .clear:
                    unsafe PhysicalMemory.write64(entry, 0)
                }
                flush(VirtAddr(address))
                continue
            }
            if level == 2 && !keepGoing() { return false }
            guard
                walk(
                    target, level: level - 1, base: address, range: range, keepGoing: keepGoing,
                    freeTable: freeTable, freesTables: freesTables, update)
            else { return false }
            // Every entry of a table the range covers whole was just cleared.
            if freesTables, range.lowerBound <= address, address + span <= range.upperBound {
                unsafe PhysicalMemory.write64(entry, 0)
                freeTable(target)
            }
        }
        return true
    }

    /// Copies the 4 KiB mappings of user `range` into `child`, at the same
    /// addresses and frames (Linux: copy_page_range and its per-level
    /// copy_p?d_range). `share` is called for each mapped frame and returns
    /// the flags both entries have from then on: fork drops `.writable` from
    /// private pages, which makes them copy-on-write. The child's missing
    /// tables come from `allocateTable`; absent tables of this one are skipped
    /// wholesale, so the cost follows what is mapped. The caller flushes this
    /// table's TLB entries afterwards (`flushUserMappings`).
    public func copy(
        _ range: Range<UInt64>, into child: PageTable, allocateTable: () -> PhysAddr?,
        share: (PhysAddr, PageFlags) -> PageFlags
    ) throws(PageTableError) {
        try copy(root, into: child.root, level: 4, base: 0, range: range, allocateTable: allocateTable, share: share)
    }

    private func copy(
        _ table: PhysAddr, into childTable: PhysAddr, level: Int, base: UInt64, range: Range<UInt64>,
        allocateTable: () -> PhysAddr?, share: (PhysAddr, PageFlags) -> PageFlags
    ) throws(PageTableError) {
        let span: UInt64 = 1 << (12 + 9 * UInt64(level - 1))  // what one entry maps
        let start = max(range.lowerBound, base)
        let end = min(range.upperBound, base + 512 * span)
        guard start < end else { return }
        for index in (start - base) / span...(end - 1 - base) / span {
            let entry = PageTable.entryAddress(table: table, index: index)
            let value = PhysicalMemory.read64(entry)
            // Large pages never appear in user space.
            guard value & PageFlags.present.rawValue != 0, value & PageFlags.huge.rawValue == 0 || level == 1 else {
                continue
            }
            let target = PhysAddr(value & PageTable.addressMask)
            let childEntry = PageTable.entryAddress(table: childTable, index: index)
            if level == 1 {
                let flags = share(target, PageFlags(rawValue: value & ~PageTable.addressMask))
                let leaf = target.value | flags.union(.present).rawValue
                unsafe PhysicalMemory.write64(entry, leaf)
                unsafe PhysicalMemory.write64(childEntry, leaf)
                continue
            }
            var childValue = PhysicalMemory.read64(childEntry)
            if childValue & PageFlags.present.rawValue == 0 {
                guard let frame = allocateTable() else { throw .outOfMemory }
                unsafe PhysicalMemory.zeroPage(frame)
                childValue = frame.value | PageTable.tableFlags.rawValue
                unsafe PhysicalMemory.write64(childEntry, childValue)
            }
            try copy(
                target, into: PhysAddr(childValue & PageTable.addressMask), level: level - 1,
                base: base + index * span, range: range, allocateTable: allocateTable, share: share)
        }
    }

    /// Flushes every non-global TLB entry (after changing many user mappings at once).
    public func flushUserMappings() { if isActive { activate() } }

    /// Unmaps all of user space, handing every mapped frame to `leaf` and
    /// every page of intermediate tables to `table` (Linux: exit_mmap →
    /// unmap_vmas, free_pgtables). Large pages never appear in user space.
    public func releaseUserHalf(leaf: (PhysAddr) -> Void, table: (PhysAddr) -> Void) {
        let userSlots = PageTable.index(VirtAddr(MemoryLayout64.pageOffset), level: 4)
        for slot in 0..<userSlots {
            let entry = PageTable.entryAddress(table: root, index: slot)
            let value = PhysicalMemory.read64(entry)
            guard value & PageFlags.present.rawValue != 0 else { continue }
            releaseTable(PhysAddr(value & PageTable.addressMask), level: 3, leaf: leaf, table: table)
            unsafe PhysicalMemory.write64(entry, 0)
        }
    }

    private func releaseTable(_ page: PhysAddr, level: Int, leaf: (PhysAddr) -> Void, table: (PhysAddr) -> Void) {
        for index in 0..<UInt64(512) {
            let value = PhysicalMemory.read64(PageTable.entryAddress(table: page, index: index))
            guard value & PageFlags.present.rawValue != 0 else { continue }
            let target = PhysAddr(value & PageTable.addressMask)
            if level == 1 { leaf(target) } else { releaseTable(target, level: level - 1, leaf: leaf, table: table) }
        }
        table(page)
    }

    public var isActive: Bool { read_cr3() & PageTable.addressMask == root.value }

    /// Loads this table into CR3 (flushing non-global TLB entries).
    public func activate() { write_cr3(root.value) }

    private func flush(_ virtual: VirtAddr) {
        // Kernel mappings are global and shared by every table, so flush even when another table is active.
        invlpg(virtual.value)
    }
}

/// A window onto device registers (Linux: the __iomem pointer ioremap returns).
/// Accesses are bounds-checked against the mapped size.
public struct MMIORegion: Sendable {
    public let base: VirtAddr
    public let size: UInt64
    public init(base: VirtAddr, size: UInt64) { self.base = base; self.size = size }

    /// Register accesses of 1, 2 and 4 bytes, each one access of that width
    /// (PCI configuration space through ECAM needs all three).
    public func read8(_ offset: UInt64) -> UInt8 {
        precondition(offset < size, "MMIO read outside the region")
        return mmio_read8(base.value + offset)
    }
    public func read16(_ offset: UInt64) -> UInt16 {
        precondition(offset + 2 <= size, "MMIO read outside the region")
        return mmio_read16(base.value + offset)
    }
    public func read32(_ offset: UInt64) -> UInt32 {
        precondition(offset + 4 <= size, "MMIO read outside the region")
        return mmio_read32(base.value + offset)
    }
    public func write8(_ offset: UInt64, _ value: UInt8) {
        precondition(offset < size, "MMIO write outside the region")
        mmio_write8(base.value + offset, value)
    }
    public func write16(_ offset: UInt64, _ value: UInt16) {
        precondition(offset + 2 <= size, "MMIO write outside the region")
        mmio_write16(base.value + offset, value)
    }
    public func write32(_ offset: UInt64, _ value: UInt32) {
        precondition(offset + 4 <= size, "MMIO write outside the region")
        mmio_write32(base.value + offset, value)
    }
}
