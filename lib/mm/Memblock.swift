/// The boot-time physical memory allocator.
/// Linux: mm/memblock.c, include/linux/memblock.h.
///
/// Before the page allocator exists, the kernel still needs memory: for
/// early page tables and for the page allocator's own per-frame metadata.
/// Memblock is the answer: two sorted tables of physical ranges, `memory`
/// (usable RAM from the firmware map) and `reserved` (kernel image, boot
/// data, earlier allocations). Free memory is whatever is in the first and
/// not in the second. When the page allocator takes over, the kernel hands
/// it every free range (Linux: memblock_free_all).
///
/// Memblock runs before there is a heap, so it never allocates: the tables
/// live inline in the struct.
///
/// Everything is kept at page granularity: RAM ranges shrink to the whole
/// pages inside them (a partial page cannot be handed out), reservations
/// and allocations grow to the whole pages they touch (a partly used page
/// is not free). Free ranges therefore always consist of whole pages.
public struct Memblock: Sendable {
    /// Usable RAM.
    public private(set) var memory = MemblockRegionTable()
    /// Ranges that must not be handed out; may lie outside `memory`.
    public private(set) var reserved = MemblockRegionTable()

    public init() {}

    /// Bytes of usable RAM (Linux: memblock_phys_mem_size).
    public var totalMemory: UInt64 { memory.totalSize }

    /// Bytes reserved (Linux: memblock_reserved_size).
    public var totalReserved: UInt64 { reserved.totalSize }

    /// Lowest address of usable RAM, 0 if there is none (Linux: memblock_start_of_DRAM).
    public var memoryStart: UInt64 { memory.first?.base ?? 0 }

    /// One past the highest address of usable RAM, 0 if there is none (Linux: memblock_end_of_DRAM).
    public var memoryEnd: UInt64 { memory.last?.end ?? 0 }

    /// Records usable RAM (Linux: memblock_add). Ranges may overlap or touch
    /// ones already recorded; they are merged.
    public mutating func addMemory(base: UInt64, size: UInt64) throws(MemblockError) {
        let start = alignUp(min(base, highestPageBase), to: pageSize)
        let end = alignDown(cappedEnd(base: base, size: size), to: pageSize)
        guard start < end else { return }
        try memory.add(base: start, end: end)
    }

    /// Marks a range as in use (Linux: memblock_reserve).
    public mutating func reserve(base: UInt64, size: UInt64) throws(MemblockError) {
        guard size > 0 else { return }
        let start = alignDown(min(base, highestPageBase), to: pageSize)
        let end = alignUp(cappedEnd(base: base, size: size), to: pageSize)
        guard start < end else { return }
        try reserved.add(base: start, end: end)
    }

    /// Allocates `size` bytes (rounded up to whole pages) aligned to `align`
    /// (at least a page) and ending at or below `limit`, and reserves them.
    /// Like Linux (memblock_find_in_range_node, top-down), it takes the
    /// highest fitting range: low memory is scarce (DMA, real-mode
    /// trampolines) and the kernel image usually sits low.
    public mutating func allocate(
        size: UInt64, align: UInt64 = pageSize, limit: UInt64 = .max
    ) throws(MemblockError) -> UInt64 {
        precondition(size > 0, "memblock: zero-sized allocation")
        precondition(align.nonzeroBitCount == 1, "memblock: alignment must be a power of two")
        guard size <= highestPageBase else { throw .outOfMemory }
        let size = alignUp(size, to: pageSize)
        let align = max(align, pageSize)

        // Free ranges come in ascending order, so the last one that fits
        // yields the highest address.
        var found: UInt64?
        forEachFreeRange { range in
            let top = min(range.end, limit)
            guard top > range.base && top - range.base >= size else { return }
            let candidate = alignDown(top - size, to: align)
            if candidate >= range.base { found = candidate }
        }
        guard let base = found else { throw .outOfMemory }
        try reserved.add(base: base, end: base + size)
        return base
    }

    /// Calls `body` for every free range (in `memory`, not in `reserved`),
    /// in ascending order (Linux: for_each_free_mem_range).
    public func forEachFreeRange<E: Error>(_ body: (MemblockRegion) throws(E) -> Void) throws(E) {
        // Both tables are sorted: walk them together. `firstReserved`, the
        // first reservation ending above the current region, only moves
        // forward; a reservation may span several memory regions.
        var firstReserved = 0
        for region in memory {
            while firstReserved < reserved.count && reserved[firstReserved].end <= region.base {
                firstReserved += 1
            }
            var freeStart = region.base
            var next = firstReserved
            while next < reserved.count && reserved[next].base < region.end {
                let hole = reserved[next]
                if hole.base > freeStart {
                    try body(MemblockRegion(base: freeStart, end: hole.base))
                }
                freeStart = hole.end
                next += 1
            }
            if freeStart < region.end {
                try body(MemblockRegion(base: freeStart, end: region.end))
            }
        }
    }
}

/// Why a memblock operation failed.
public enum MemblockError: Error, Equatable, Sendable {
    /// A table has no slot left for another, non-mergeable region.
    case tableFull
    /// No free range satisfies the size, alignment and limit.
    case outOfMemory
}

/// A physical range `[base, base + size)`. Linux: struct memblock_region.
public struct MemblockRegion: Equatable, Sendable {
    public var base: UInt64
    public var size: UInt64

    public init(base: UInt64, size: UInt64) {
        self.base = base
        self.size = size
    }

    init(base: UInt64, end: UInt64) {
        self.init(base: base, size: end - base)
    }

    /// One past the last byte.
    public var end: UInt64 { base + size }
}

/// A fixed-capacity table of sorted regions, none overlapping or touching
/// another. Linux: struct memblock_type (whose array can be resized once
/// the slab exists; Apus hands over to the buddy allocator instead).
public struct MemblockRegionTable: RandomAccessCollection, Sendable {
    /// How many regions fit (Linux: INIT_MEMBLOCK_REGIONS).
    public static let capacity = 128

    private var slots = InlineArray<128, MemblockRegion>(repeating: MemblockRegion(base: 0, size: 0))
    public private(set) var count = 0
    /// Sum of all region sizes.
    public private(set) var totalSize: UInt64 = 0

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(index: Int) -> MemblockRegion {
        precondition(index >= 0 && index < count, "memblock: region index out of range")
        return slots[index]
    }

    /// Adds `[base, end)`, merging it with every region it overlaps or
    /// touches (Linux: memblock_add_range + memblock_merge_regions).
    /// On failure the table is unchanged.
    mutating func add(base: UInt64, end: UInt64) throws(MemblockError) {
        // Regions [first, last) overlap or touch the new range.
        var first = 0
        while first < count && slots[first].end < base { first += 1 }
        var last = first
        while last < count && slots[last].base <= end { last += 1 }

        if first == last {
            guard count < Self.capacity else { throw .tableFull }
            var index = count
            while index > first {
                slots[index] = slots[index - 1]
                index -= 1
            }
            slots[first] = MemblockRegion(base: base, end: end)
            count += 1
            totalSize += end - base
            return
        }

        let merged = MemblockRegion(
            base: Swift.min(base, slots[first].base), end: Swift.max(end, slots[last - 1].end))
        for index in first..<last { totalSize -= slots[index].size }
        totalSize += merged.size
        slots[first] = merged
        let removed = last - first - 1
        for index in (first + 1)..<(count - removed) {
            slots[index] = slots[index + removed]
        }
        count -= removed
    }
}

/// The base of the highest page: physical addresses are capped here so that
/// rounding up to a page boundary cannot overflow (Linux: memblock_cap_size).
private let highestPageBase: UInt64 = ~(pageSize - 1)

private func cappedEnd(base: UInt64, size: UInt64) -> UInt64 {
    guard base < highestPageBase else { return highestPageBase }
    return base + min(size, highestPageBase - base)
}

private func alignDown(_ value: UInt64, to alignment: UInt64) -> UInt64 {
    value & ~(alignment - 1)
}

private func alignUp(_ value: UInt64, to alignment: UInt64) -> UInt64 {
    alignDown(value + (alignment - 1), to: alignment)
}
