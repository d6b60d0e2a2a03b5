import Core
import Lib

/// The zoned buddy allocator of physical pages (Linux: mm/page_alloc.c
/// alloc_pages/__free_pages). Lib's BuddyAllocator holds the policy; this
/// wraps it in a lock and speaks physical addresses.
public enum PageAllocator {
    private static let buddy = IRQSafeLocked<BuddyAllocator?>(nil)

    /// Takes over all memory that memblock left free (Linux: memblock_free_all).
    public static func initialize(endPFN: PFN) {
        let allocator = BuddyAllocator(firstPFN: 0, frameCount: Int(endPFN))
        EarlyMemory.memblock.forEachFreeRange { range in
            let first = (range.base + pageSize - 1) / pageSize
            let end = range.end / pageSize
            if end > first { try? allocator.addFreeRange(pfn: first, count: Int(end - first)) }
        }
        EarlyMemory.retire()
        buddy.withLock { $0 = allocator }
        Frame.register(allocator: AllocatedBlocks())
        let kilobytesPerPage = pageSize / 1024
        let reserveKilobytes = Watermarks.minFreeKilobytes(lowmemKilobytes: UInt64(totalPages) * kilobytesPerPage)
        reserve.set(Int(reserveKilobytes / kilobytesPerPage))
    }

    /// Core's view of which memory is allocated, for its checked Frame accesses.
    private final class AllocatedBlocks: FrameAllocator {
        func allocatedBlock(containing address: PhysAddr) -> (head: PhysAddr, order: Int)? {
            buddy.withLock { buddy -> (head: PhysAddr, order: Int)? in
                guard let block = buddy?.allocatedBlock(containing: address.pageFrameNumber) else { return nil }
                return (PhysAddr(block.head << pageShift), block.order)
            }
        }
    }

    public static var isReady: Bool { buddy.withLock { $0 != nil } }

    /// A block of 2^order pages; nil when no block is free or, with
    /// `keepingFree`, when only that many pages would be left (the
    /// watermark, checked under the same lock as the allocation).
    public static func allocate(order: Int = 0, maxZone: ZoneType = .normal, keepingFree reserve: Int = 0) -> PhysAddr?
    {
        buddy.withLock { buddy -> PhysAddr? in
            guard let buddy, reserve == 0 || buddy.totalFreeFrames > reserve,
                let pfn = try? buddy.allocate(order: order, maxZone: maxZone)
            else { return nil }
            return PhysAddr(pfn << pageShift)
        }
    }

    /// One zeroed page, for page tables (Linux: get_zeroed_page).
    public static func allocateZeroedPage() -> PhysAddr? { allocatePage(keepingFree: 0, zeroed: true)?.address }

    /// One page unless only `reserve` pages would be left, zeroed unless
    /// the caller overwrites all of it before anyone sees it (Linux:
    /// alloc_page with or without __GFP_ZERO).
    public static func allocatePage(keepingFree reserve: Int, zeroed: Bool) -> Frame? {
        guard let page = allocate(keepingFree: reserve), let frame = Frame(containing: page) else { return nil }
        if zeroed { frame.zero() }
        return frame
    }

    public static func free(_ address: PhysAddr, order: Int = 0) throws(BuddyError) {
        try buddy.withLock { buddy throws(BuddyError) in
            Frame.noteFree()
            try buddy?.free(pfn: address.pageFrameNumber, order: order)
        }
    }

    /// Frees single pages, under one taking of the lock.
    public static func free(pages: [PhysAddr]) {
        guard !pages.isEmpty else { return }
        buddy.withLock { buddy in
            Frame.noteFree()
            for page in pages { try? buddy?.free(pfn: page.pageFrameNumber, order: 0) }
        }
    }

    public static func setTag(_ address: PhysAddr, _ tag: UInt16) {
        buddy.withLock { try? $0?.setTag(pfn: address.pageFrameNumber, tag) }
    }

    /// The allocated block containing `address`, with its tag; nil for free or reserved memory.
    public static func block(containing address: PhysAddr) -> (head: PhysAddr, order: Int, tag: UInt16)? {
        buddy.withLock { buddy -> (head: PhysAddr, order: Int, tag: UInt16)? in
            guard let allocator = buddy, let block = allocator.allocatedBlock(containing: address.pageFrameNumber)
            else { return nil }
            return (PhysAddr(block.head << pageShift), block.order, allocator.tag(pfn: block.head) ?? 0)
        }
    }

    public static var freePages: Int { buddy.withLock { $0?.totalFreeFrames ?? 0 } }

    public static func freePages(in zone: ZoneType) -> Int { buddy.withLock { $0?.freeFrames(in: zone) ?? 0 } }
    public static func managedPages(in zone: ZoneType) -> Int { buddy.withLock { $0?.managedFrames(in: zone) ?? 0 } }
    /// Pages of RAM the allocator manages, over all zones (Linux: totalram_pages).
    /// Pages that user memory may not take (Lib's Watermarks; Linux: the
    /// min watermark, which GFP_HIGHUSER allocations stop at).
    public static var minFreePages: Int { reserve.valueIfSet ?? 0 }
    private static let reserve = BootOnce<Int>()

    public static var totalPages: Int { ZoneType.allCases.reduce(0) { $0 + managedPages(in: $1) } }
    /// Pages allocated from `zone` and pages freed since boot (Linux: PGALLOC, PGFREE).
    public static func allocatedPageTotal(in zone: ZoneType) -> UInt64 {
        buddy.withLock { $0?.allocatedFrameTotal(in: zone) ?? 0 }
    }
    public static var freedPageTotal: UInt64 { buddy.withLock { $0?.freedFrameTotal ?? 0 } }
    /// `zone`'s min, low and high watermarks: its share of the reserve (Lib's Watermarks).
    public static func watermarks(of zone: ZoneType) -> (min: UInt64, low: UInt64, high: UInt64) {
        Watermarks.zoneWatermarks(
            minFreePages: UInt64(minFreePages), zoneManagedPages: UInt64(managedPages(in: zone)),
            lowmemPages: UInt64(totalPages))
    }
    public static func freeBlocks(in zone: ZoneType, order: Int) -> Int {
        buddy.withLock { $0?.freeBlocks(in: zone, order: order) ?? 0 }
    }
}
