import Core
import Lib

/// Virtually contiguous kernel memory backed by scattered pages, and device
/// register mappings (Linux: mm/vmalloc.c vmalloc/vfree, arch/x86/mm/ioremap.c).
/// Areas are kept sorted by address; each is followed by an unmapped guard
/// page so an overrun faults instead of corrupting the next area.
public enum Vmalloc {
    public struct Area: Sendable {
        public let start: VirtAddr
        /// Mapped bytes, without the guard page.
        public let size: UInt64
        /// Frames vmalloc allocated (empty for ioremap, whose frames belong to the device).
        public let ownsFrames: Bool
        var end: UInt64 { start.value + size + MemoryLayout64.pageSize }
    }

    private static let areas = IRQSafeLocked<[Area]>([])

    public enum Failure: Error { case outOfVirtualSpace, outOfMemory, notAnArea }

    /// The vmalloc range (Linux: VMALLOC_START..VMALLOC_END).
    public static let vmallocRange = MemoryLayout64.vmallocStart..<MemoryLayout64.vmallocEnd

    /// First fit in `range`, at a multiple of `alignment` (a power of two,
    /// at least a page; Linux: alloc_vmap_area).
    private static func reserve(
        size: UInt64, alignment: UInt64, ownsFrames: Bool, in range: Range<UInt64> = vmallocRange
    ) throws(Failure) -> Area {
        func alignedUp(_ address: UInt64) -> UInt64 { (address + alignment - 1) & ~(alignment - 1) }
        return try areas.withLock { areas throws(Failure) -> Area in
            var candidate = alignedUp(range.lowerBound)
            var index = 0
            while index < areas.count && areas[index].start.value < candidate + size + MemoryLayout64.pageSize {
                candidate = max(candidate, alignedUp(areas[index].end))
                index += 1
            }
            guard candidate + size + MemoryLayout64.pageSize <= range.upperBound else {
                throw .outOfVirtualSpace
            }
            let area = Area(start: VirtAddr(candidate), size: size, ownsFrames: ownsFrames)
            areas.insert(area, at: index)
            return area
        }
    }

    private static func release(_ start: VirtAddr) throws(Failure) -> Area {
        try areas.withLock { areas throws(Failure) -> Area in
            guard let index = areas.firstIndex(where: { $0.start == start }) else { throw .notAnArea }
            return areas.remove(at: index)
        }
    }

    private static func pageCount(_ bytes: UInt64) -> UInt64 {
        (bytes + MemoryLayout64.pageSize - 1) / MemoryLayout64.pageSize
    }

    /// `size` bytes of zeroed, virtually contiguous memory starting at a
    /// multiple of `alignment` in `range` (Linux: vzalloc, and
    /// __vmalloc_node_range's align and range, which module_alloc uses).
    /// The page below the area is never mapped: it is the guard page of
    /// whatever area precedes it, or the gap before the range.
    public static func allocate(
        size: UInt64, alignment: UInt64 = MemoryLayout64.pageSize, in range: Range<UInt64> = vmallocRange
    ) throws(Failure) -> VirtAddr {
        let pages = pageCount(size)
        let area = try reserve(size: pages * MemoryLayout64.pageSize, alignment: alignment, ownsFrames: true, in: range)
        for page in 0..<pages {
            let virtual = area.start + page * MemoryLayout64.pageSize
            guard let frame = PageAllocator.allocateZeroedPage() else {
                unmap(area, pages: page)
                _ = try? release(area.start)
                throw .outOfMemory
            }
            do {
                try KernelPaging.pageTable.map(
                    virtual, to: frame, flags: .kernelData, allocateTable: KernelPaging.allocateTableFrame)
            } catch {
                try? PageAllocator.free(frame)
                unmap(area, pages: page)
                _ = try? release(area.start)
                throw .outOfMemory
            }
        }
        return area.start
    }

    /// Copies `bytes` into an area's pages from `start` on (they must lie
    /// in one area), through the direct map, whatever the area's protection.
    public static func write(_ bytes: [UInt8], at start: VirtAddr) {
        var done = 0
        while done < bytes.count {
            let address = start + UInt64(done)
            let inPage = Int(MemoryLayout64.pageSize - address.value % MemoryLayout64.pageSize)
            let piece = min(inPage, bytes.count - done)
            guard let physical = KernelPaging.pageTable.translate(address)?.physical,
                let frame = Frame(containing: physical)
            else { return }
            frame.write(Array(bytes[done..<done + piece]), at: frame.offset(of: physical))
            done += piece
        }
    }

    /// Sets the protection of `size` bytes of an area from `start` (Linux:
    /// set_memory_ro, set_memory_x and set_memory_nx).
    public static func protect(_ start: VirtAddr, size: UInt64, flags: PageFlags) {
        for page in 0..<pageCount(size) {
            try? KernelPaging.pageTable.protect(start + page * MemoryLayout64.pageSize, flags: flags)
        }
    }

    /// Unmaps a vmalloc or ioremap area and frees the pages vmalloc took.
    public static func free(_ start: VirtAddr) throws(Failure) {
        let area = try release(start)
        unmap(area, pages: pageCount(area.size))
    }

    private static func unmap(_ area: Area, pages: UInt64) {
        for page in 0..<pages {
            guard let frame = try? KernelPaging.pageTable.unmap(area.start + page * MemoryLayout64.pageSize) else {
                continue
            }
            if area.ownsFrames { try? PageAllocator.free(frame) }
        }
    }

    /// Maps device registers uncached (Linux: ioremap).
    public static func ioremap(_ physical: PhysAddr, size: UInt64) throws(Failure) -> MMIORegion {
        let offset = physical.value & (MemoryLayout64.pageSize - 1)
        let pages = pageCount(size + offset)
        let area = try reserve(
            size: pages * MemoryLayout64.pageSize, alignment: MemoryLayout64.pageSize, ownsFrames: false)
        let base = PhysAddr(physical.value - offset)
        for page in 0..<pages {
            do {
                try KernelPaging.pageTable.map(
                    area.start + page * MemoryLayout64.pageSize, to: base + page * MemoryLayout64.pageSize,
                    flags: .kernelIO, allocateTable: KernelPaging.allocateTableFrame)
            } catch {
                unmap(area, pages: page)
                _ = try? release(area.start)
                throw .outOfMemory
            }
        }
        return MMIORegion(base: area.start + offset, size: size)
    }

    public static var areaCount: Int { areas.withLock { $0.count } }
}
