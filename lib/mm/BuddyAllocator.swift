/// The page allocator: hands out physically contiguous blocks of 2^order
/// frames. Linux: mm/page_alloc.c, include/linux/mmzone.h.
///
/// Free memory is kept as naturally aligned blocks of 2^0 ... 2^maxOrder
/// frames, one free list per (zone, order). A request takes the smallest
/// block that fits and splits off halves it does not need; a freed block
/// merges with its "buddy" (the other half of the block one order up,
/// found by flipping bit `order` of the PFN) for as long as that buddy is
/// free too. This keeps fragmentation in check at O(maxOrder) per call.
///
/// All state lives in arrays made once by `init` and never shared (so
/// their copy-on-write path never runs): `allocate` and `free` never touch
/// the heap. The kernel calls them with a spinlock held, even from
/// interrupt handlers.
public final class BuddyAllocator {
    /// The largest block order: 2^10 frames = 4 MiB (Linux: MAX_PAGE_ORDER).
    public static let maxOrder = 10

    /// The first frame described by this allocator.
    public let firstPFN: PFN
    /// How many frames, from `firstPFN` on, are described.
    public let frameCount: Int

    /// Per-frame metadata, indexed by `pfn - firstPFN` (Linux: mem_map).
    private(set) var frames: [PageFrame]
    /// First block of each free list, indexed by `freeListIndex(zone:order:)`.
    private(set) var freeListHeads: [UInt32]
    /// Length of each free list (Linux: free_area.nr_free).
    private var freeBlockCounts: [Int]
    /// Free frames per zone (Linux: NR_FREE_PAGES).
    private var freeFrameCounts: [Int]
    /// Frames ever handed to the allocator per zone (Linux: zone->managed_pages).
    private var managedFrameCounts: [Int]
    /// Frames handed out per zone and given back, since boot: /proc/vmstat's
    /// pgalloc_* and pgfree (Linux: the PGALLOC and PGFREE vm events).
    private var allocatedFrameTotals: [UInt64]
    public private(set) var freedFrameTotal: UInt64 = 0

    /// Describes frames `[firstPFN, firstPFN + frameCount)`, all reserved
    /// until `addFreeRange` hands them in.
    public init(firstPFN: PFN, frameCount: Int) {
        precondition(frameCount >= 0 && frameCount < Int(PageFrame.noLink), "buddy: frame count out of range")
        precondition(firstPFN <= PFN.max - PFN(frameCount), "buddy: frame range overflows")
        self.firstPFN = firstPFN
        self.frameCount = frameCount
        let orders = Self.maxOrder + 1
        let zones = ZoneType.allCases.count
        frames = Array(repeating: PageFrame(), count: frameCount)
        freeListHeads = Array(repeating: PageFrame.noLink, count: zones * orders)
        freeBlockCounts = Array(repeating: 0, count: zones * orders)
        freeFrameCounts = Array(repeating: 0, count: zones)
        managedFrameCounts = Array(repeating: 0, count: zones)
        allocatedFrameTotals = Array(repeating: 0, count: zones)
    }

    // MARK: Handing memory in

    /// Makes reserved frames `[pfn, pfn + count)` available, as the largest
    /// naturally aligned blocks that fit, merged with free neighbours
    /// (Linux: memblock_free_all -> __free_pages_memory). Linear in `count`.
    public func addFreeRange(pfn: PFN, count: Int) throws(BuddyError) {
        guard count > 0 else { return }
        guard let startIndex = index(of: pfn), count <= frameCount - startIndex else {
            throw .pfnOutOfRange
        }
        let indices = startIndex..<(startIndex + count)
        for index in indices {
            guard frames[index].state == .reserved else { throw .notReserved }
        }
        // Every frame becomes part of some block; `insertCoalescing` marks the heads.
        for index in indices { frames[index].state = .tail }

        var block = pfn
        let end = pfn + PFN(count)
        while block < end {
            var order = min(Self.maxOrder, block.trailingZeroBitCount)
            while block + (1 << order) > end { order -= 1 }
            managedFrameCounts[ZoneType(pfn: block).rawValue] += 1 << order
            insertCoalescing(block, order: order)
            block += 1 << order
        }
    }

    // MARK: Allocation

    /// Allocates a block of 2^`order` frames from `maxZone` or, if that is
    /// exhausted, from the zones below it (Linux: the zonelist fallback
    /// Normal -> DMA32 -> DMA of __alloc_pages). Returns its first frame.
    public func allocate(order: Int, maxZone: ZoneType = .normal) throws(BuddyError) -> PFN {
        guard (0...Self.maxOrder).contains(order) else { throw .invalidOrder }
        for zoneNumber in stride(from: maxZone.rawValue, through: 0, by: -1) {
            let zone = ZoneType(rawValue: zoneNumber)!
            for blockOrder in order...Self.maxOrder
            where freeBlockCounts[freeListIndex(zone: zone, order: blockOrder)] > 0 {
                let head = freeListHeads[freeListIndex(zone: zone, order: blockOrder)]
                removeFromFreeList(head, zone: zone, order: blockOrder)
                // Split: keep the lower half, give the upper half back (Linux: expand).
                var size = blockOrder
                while size > order {
                    size -= 1
                    pushOnFreeList(head + (1 << size), zone: zone, order: size)
                }
                frames[Int(head)].state = .allocated(order: UInt8(order))
                frames[Int(head)].tag = 0
                allocatedFrameTotals[zoneNumber] &+= 1 << UInt64(order)
                return firstPFN + PFN(head)
            }
        }
        throw .outOfMemory
    }

    /// Frees a block that `allocate(order:)` returned, merging it with free
    /// buddies (Linux: __free_one_page). Misuse is reported, not acted on.
    public func free(pfn: PFN, order: Int) throws(BuddyError) {
        guard (0...Self.maxOrder).contains(order) else { throw .invalidOrder }
        guard let index = index(of: pfn) else { throw .pfnOutOfRange }
        switch frames[index].state {
        case .allocated(let allocatedOrder):
            guard Int(allocatedOrder) == order else { throw .orderMismatch }
        case .free:
            throw .doubleFree
        case .reserved, .tail:
            throw .notAllocated
        }
        frames[index].state = .tail
        freedFrameTotal &+= 1 << UInt64(order)
        insertCoalescing(pfn, order: order)
    }

    // MARK: Owner tags

    /// Labels an allocated block for its owner; the slab layer uses this to
    /// recognise its own pages (Linux: page_type / PageSlab).
    public func setTag(pfn: PFN, _ tag: UInt16) throws(BuddyError) {
        guard let index = index(of: pfn) else { throw .pfnOutOfRange }
        guard case .allocated = frames[index].state else { throw .notAllocated }
        frames[index].tag = tag
    }

    /// The tag of the allocated block containing `pfn` (0 until set), or nil
    /// if `pfn` is not part of an allocated block.
    public func tag(pfn: PFN) -> UInt16? {
        guard let block = allocatedBlock(containing: pfn) else { return nil }
        return frames[Int(block.head - firstPFN)].tag
    }

    /// The allocated block containing `pfn`, or nil if it is free, reserved
    /// or out of range (Linux: compound_head). O(maxOrder).
    public func allocatedBlock(containing pfn: PFN) -> (head: PFN, order: Int)? {
        // The block containing `pfn` starts at `pfn` rounded down to its
        // size; every aligned frame between that head and `pfn` is a tail.
        // So the first non-tail frame found rounding down is the head.
        for order in 0...Self.maxOrder {
            let candidate = pfn & ~((1 << PFN(order)) - 1)
            guard let index = index(of: candidate) else { return nil }
            switch frames[index].state {
            case .tail: continue
            case .allocated(let blockOrder): return (candidate, Int(blockOrder))
            case .free, .reserved: return nil
            }
        }
        return nil
    }

    // MARK: Statistics

    /// Free frames in all zones.
    public var totalFreeFrames: Int { freeFrameCounts.reduce(0, +) }

    /// Free frames in `zone` (Linux: zone_page_state(zone, NR_FREE_PAGES)).
    public func freeFrames(in zone: ZoneType) -> Int { freeFrameCounts[zone.rawValue] }

    /// Free blocks of 2^`order` frames in `zone`: one column of /proc/buddyinfo.
    public func freeBlocks(in zone: ZoneType, order: Int) -> Int {
        freeBlockCounts[freeListIndex(zone: zone, order: order)]
    }

    /// Frames handed to the allocator in `zone` (Linux: zone_managed_pages).
    public func managedFrames(in zone: ZoneType) -> Int { managedFrameCounts[zone.rawValue] }

    /// Frames allocated from `zone` since boot (Linux: pgalloc_dma, pgalloc_dma32, pgalloc_normal).
    public func allocatedFrameTotal(in zone: ZoneType) -> UInt64 { allocatedFrameTotals[zone.rawValue] }

    // MARK: Internals

    /// The index into `frames` of `pfn`, or nil if this allocator does not describe it.
    private func index(of pfn: PFN) -> Int? {
        guard pfn >= firstPFN && pfn - firstPFN < PFN(frameCount) else { return nil }
        return Int(pfn - firstPFN)
    }

    func freeListIndex(zone: ZoneType, order: Int) -> Int {
        zone.rawValue * (Self.maxOrder + 1) + order
    }

    /// Puts the block at `pfn`, whose frames are all marked `.tail`, on a
    /// free list after merging it with free buddies of equal order.
    private func insertCoalescing(_ pfn: PFN, order: Int) {
        // Buddies are found by absolute PFN, so blocks are naturally
        // aligned and, as zone boundaries are multiples of 2^maxOrder,
        // a buddy is always in the same zone.
        let zone = ZoneType(pfn: pfn)
        var head = pfn
        var order = order
        while order < Self.maxOrder {
            let buddy = head ^ (1 << PFN(order))
            guard let buddyIndex = index(of: buddy),
                frames[buddyIndex].state == .free(order: UInt8(order))
            else { break }
            removeFromFreeList(UInt32(buddyIndex), zone: zone, order: order)
            frames[buddyIndex].state = .tail
            head = min(head, buddy)
            order += 1
        }
        pushOnFreeList(UInt32(head - firstPFN), zone: zone, order: order)
    }

    /// Marks the block at frame index `block` free and links it in first.
    private func pushOnFreeList(_ block: UInt32, zone: ZoneType, order: Int) {
        let list = freeListIndex(zone: zone, order: order)
        let oldHead = freeListHeads[list]
        frames[Int(block)].state = .free(order: UInt8(order))
        frames[Int(block)].previous = PageFrame.noLink
        frames[Int(block)].next = oldHead
        if oldHead != PageFrame.noLink { frames[Int(oldHead)].previous = block }
        freeListHeads[list] = block
        freeBlockCounts[list] += 1
        freeFrameCounts[zone.rawValue] += 1 << order
    }

    /// Unlinks the free block at frame index `block`; the caller sets its new state.
    private func removeFromFreeList(_ block: UInt32, zone: ZoneType, order: Int) {
        let list = freeListIndex(zone: zone, order: order)
        let next = frames[Int(block)].next
        let previous = frames[Int(block)].previous
        if previous == PageFrame.noLink {
            freeListHeads[list] = next
        } else {
            frames[Int(previous)].next = next
        }
        if next != PageFrame.noLink { frames[Int(next)].previous = previous }
        freeBlockCounts[list] -= 1
        freeFrameCounts[zone.rawValue] -= 1 << order
    }
}

/// Why a page allocator call was refused.
public enum BuddyError: Error, Equatable, Sendable {
    /// No free block of the requested order in any allowed zone.
    case outOfMemory
    /// The order is outside 0...BuddyAllocator.maxOrder.
    case invalidOrder
    /// The frame is not described by this allocator.
    case pfnOutOfRange
    /// The frame is not the first frame of an allocated block.
    case notAllocated
    /// The block was allocated with a different order.
    case orderMismatch
    /// The block is already free. (Once merged into a larger free block,
    /// its first frame is part of that block and reports `notAllocated`.)
    case doubleFree
    /// A frame handed in is already managed by the allocator.
    case notReserved
}

/// What the page allocator knows about one frame: 12 bytes, so 1.25 M
/// frames (5 GiB) cost 15 MiB. Linux: struct page (64 bytes), of which the
/// buddy allocator uses `lru` (free-list links), `private` (order) and the
/// PageBuddy page type.
struct PageFrame {
    /// Marks the end of a free list; also bounds the number of frames.
    static let noLink = UInt32.max

    enum State: Equatable {
        /// Not managed: firmware, kernel image, or a hole in RAM.
        case reserved
        /// Any frame of a block other than its first.
        case tail
        /// First frame of a free block, linked into its free list.
        case free(order: UInt8)
        /// First frame of a block handed out by `allocate`.
        case allocated(order: UInt8)
    }

    var state = State.reserved
    /// Owner tag of an allocated block; meaningful only in its first frame.
    var tag: UInt16 = 0
    /// Free-list neighbours (frame indices) of a free block's first frame.
    var next = noLink
    var previous = noLink
}
